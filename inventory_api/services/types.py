"""The fields of each service type, checked before a service is stored."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from inventory_api.errors import Unprocessable

E164 = r"^\+[1-9]\d{1,14}$"
EXTENSION = r"^\d{2,10}$"


class _Details(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ExtensionDetails(_Details):
    number: str = Field(pattern=EXTENSION, description="the extension, digits only")
    dial_plan: str = Field("default", min_length=1, max_length=50)
    class_of_service: str | None = Field(None, max_length=50)
    pickup_group: str | None = Field(None, max_length=50)
    hunt_groups: list[str] = Field(default_factory=list)


class DidDetails(_Details):
    number: str = Field(pattern=E164, description="E.164, e.g. +15551234021")
    extension: str = Field(pattern=EXTENSION, description="the extension (same site) calls ring")


class VoicemailDetails(_Details):
    mailbox: str = Field(pattern=EXTENSION)
    enabled: bool = True
    extension: str | None = Field(None, pattern=EXTENSION)

    @model_validator(mode="before")
    @classmethod
    def _no_pin(cls, data: Any) -> Any:
        if isinstance(data, dict) and any("pin" in str(key).lower() for key in data):
            raise ValueError("a voicemail PIN is never stored; the user sets it on the voicemail system")
        return data


class DataPortDetails(_Details):
    jack_id: uuid.UUID
    vlan: int = Field(ge=1, le=4094)
    voice_vlan: int | None = Field(None, ge=1, le=4094)


class RemoteAccessDetails(_Details):
    username: str = Field(min_length=1, max_length=100)
    profile: str | None = Field(None, max_length=100)
    token_serial: str | None = Field(None, max_length=100)


class MobileLineDetails(_Details):
    number: str | None = Field(None, pattern=E164)
    carrier: str | None = Field(None, max_length=100)
    plan: str | None = Field(None, max_length=100)
    sim_iccid: str | None = Field(None, pattern=r"^\d{18,22}$")


class ConferenceBridgeDetails(_Details):
    bridge_number: str = Field(min_length=2, max_length=40)
    capacity: int | None = Field(None, ge=2)


class SharedLineDetails(_Details):
    extension: str = Field(pattern=EXTENSION, description="the extension that appears on the phone")
    line_key: int | None = Field(None, ge=1, le=100)


class GenericDetails(_Details):
    label: str = Field(min_length=1, max_length=100, description="what kind of service this is")
    custom_fields: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


DETAILS: dict[str, type[_Details]] = {
    "extension": ExtensionDetails,
    "did": DidDetails,
    "voicemail": VoicemailDetails,
    "data_port": DataPortDetails,
    "remote_access": RemoteAccessDetails,
    "mobile_line": MobileLineDetails,
    "conference_bridge": ConferenceBridgeDetails,
    "shared_line": SharedLineDetails,
    "generic": GenericDetails,
}
#: Where each type keeps its number (copied to `Service.number` for uniqueness and search).
NUMBER_FIELD = {"extension": "number", "did": "number", "voicemail": "mailbox", "mobile_line": "number",
                "conference_bridge": "bridge_number"}  # fmt: skip


def validate_details(service_type: str, details: dict[str, Any]) -> dict[str, Any]:
    """The details of a service of this type, checked; 422 `invalid_details` lists each bad field."""
    try:
        model = DETAILS[service_type].model_validate(details)
    except ValidationError as exc:
        errors = [
            {
                "field": "details." + ".".join(map(str, e["loc"])) if e["loc"] else "details",
                "message": e["msg"],
            }
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        raise Unprocessable(detail, code="invalid_details", errors=errors) from None
    return model.model_dump(mode="json")
