"""Kind-specific fields of network and voice devices, kept in `Asset.attributes` and checked per kind."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.orm import Session

from inventory_api.assets import service as assets
from inventory_api.assets.models import Asset
from inventory_api.errors import Unprocessable
from inventory_api.history.service import record_change

_MAC = r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$"


def normalise_mac(value: str) -> str:
    """aa:bb:cc:dd:ee:ff from any of AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff, AABBCCDDEEFF."""
    digits = "".join(ch for ch in value.lower() if ch in "0123456789abcdef")
    if len(digits) != 12:
        return value.strip().lower()
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


class _Device(BaseModel):
    model_config = ConfigDict(extra="allow")

    management_ip: IPv4Address | IPv6Address | None = None
    firmware: str | None = Field(None, max_length=100)
    mac: str | None = Field(None, pattern=_MAC)

    @field_validator("mac", mode="before")
    @classmethod
    def _mac(cls, value: Any) -> Any:
        return normalise_mac(value) if isinstance(value, str) else value


class SwitchAttributes(_Device):
    port_count: int | None = Field(None, ge=1, le=1024)
    poe_budget_watts: float | None = Field(None, ge=0)


class RouterAttributes(_Device):
    port_count: int | None = Field(None, ge=1, le=1024)


class AccessPointAttributes(_Device):
    ssids: list[str] = Field(default_factory=list)


class PhoneAttributes(_Device):
    #: The extensions registered on the phone (line keys).
    registered_extensions: list[str] = Field(default_factory=list)


class VideoUnitAttributes(_Device):
    registered_extensions: list[str] = Field(default_factory=list)


DEVICE_SCHEMAS: dict[str, type[_Device]] = {
    "switch": SwitchAttributes,
    "router": RouterAttributes,
    "access_point": AccessPointAttributes,
    "ip_phone": PhoneAttributes,
    "ata": PhoneAttributes,
    "video_unit": VideoUnitAttributes,
}


def validate_device_attributes(kind: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """The attributes of a device of `kind`, checked and normalised (MAC lower-case with colons)."""
    schema = DEVICE_SCHEMAS.get(kind)
    if schema is None:
        return attributes
    try:
        model = schema.model_validate(attributes)
    except ValidationError as exc:
        errors = [{"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()]
        raise Unprocessable(
            f"attributes of a {kind} are not valid", code="invalid_attributes", errors=errors
        ) from None
    return model.model_dump(mode="json", exclude_none=True)


def set_device_attributes(session: Session, asset: Asset, attributes: dict[str, Any]) -> dict[str, Any]:
    """Store a device's checked attributes; its MAC also becomes an identifier, so LLDP finds it by index."""
    attributes = validate_device_attributes(asset.kind, attributes)
    if attributes.get("mac"):
        assets.add_identifier(session, asset, "mac", attributes["mac"])
    if attributes != asset.attributes:
        record_change(
            session, "asset", asset.id, "updated", changes={"attributes": [asset.attributes, attributes]}
        )
        asset.attributes = attributes
        asset.version += 1
    return attributes
