"""Assets of every kind the support desk keeps, their identifiers and their flags."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, BigIntPK, SoftDelete, Timestamps, UUIDPk, Versioned, utcnow

ASSET_KINDS = (
    "desktop", "laptop", "server", "virtual_machine", "monitor", "printer", "scanner", "docking_station",
    "keyboard", "mouse", "headset", "webcam", "usb_peripheral", "ip_phone", "analog_phone", "ata",
    "video_unit", "switch", "router", "access_point", "firewall", "ups", "mobile_device", "circuit", "other",
)  # fmt: skip
ASSET_STATUSES = ("ordered", "in_stock", "deployed", "in_repair", "retired", "disposed")
#: The lifecycle: from each status, where an asset may go next.
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "ordered": ("in_stock", "deployed", "retired"),
    "in_stock": ("deployed", "in_repair", "retired"),
    "deployed": ("in_stock", "in_repair", "retired"),
    "in_repair": ("in_stock", "deployed", "retired"),
    "retired": ("in_stock", "disposed"),
    "disposed": (),
}


def _live_unique(name: str, *columns: str) -> Index:
    live = text("deleted_at IS NULL")
    return Index(name, *columns, unique=True, sqlite_where=live, postgresql_where=live)


class Asset(UUIDPk, Timestamps, Versioned, SoftDelete, Base):
    """A piece of equipment: a workstation, a peripheral, a phone, a switch, a circuit."""

    __tablename__ = "assets"
    __table_args__ = (
        CheckConstraint(f"kind IN {ASSET_KINDS}", name="kind"),
        CheckConstraint(f"status IN {ASSET_STATUSES}", name="status"),
        CheckConstraint("cost IS NULL OR currency IS NOT NULL", name="cost_has_currency"),
        _live_unique("uq_assets_asset_tag_live", "asset_tag"),
        Index(
            "uq_assets_serial_live",
            "manufacturer_id",
            "serial_key",
            unique=True,
            sqlite_where=text("deleted_at IS NULL AND serial_key IS NOT NULL"),
            postgresql_where=text("deleted_at IS NULL AND serial_key IS NOT NULL"),
        ),
        Index("ix_assets_serial_key", "serial_key"),
        Index("ix_assets_hostname_key", "hostname_key"),
        Index("ix_assets_last_seen", "last_seen"),  # machines not seen
        Index("ix_assets_site_kind", "site_id", "kind"),
        Index("ix_assets_assigned_person", "assigned_person_id"),
        Index("ix_assets_parent", "parent_id"),
        Index("ix_assets_change_seq", "change_seq"),
        Index("ix_assets_created", "created_at", "id"),  # the default list order
    )

    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="in_stock")
    name: Mapped[str | None] = mapped_column(String(200))
    asset_tag: Mapped[str | None] = mapped_column(String(100))
    serial: Mapped[str | None] = mapped_column(String(200))
    #: Upper-cased serial without spaces, for uniqueness and lookup.
    serial_key: Mapped[str | None] = mapped_column(String(200))
    manufacturer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("manufacturers.id"))
    model_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("models.id"))
    hostname: Mapped[str | None] = mapped_column(String(255))
    #: Lower-cased short hostname, for lookup.
    hostname_key: Mapped[str | None] = mapped_column(String(255))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id"))
    location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("locations.id"))
    assigned_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id"))
    purchase_date: Mapped[date | None]
    cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    supplier: Mapped[str | None] = mapped_column(String(200))
    warranty_end: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(Text)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: Kind-specific facts (management IP, firmware, port count, PoE budget …).
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_seen: Mapped[datetime | None]
    last_seen: Mapped[datetime | None]
    #: Position in the global change sequence, for "changed after P" sync.
    change_seq: Mapped[int | None] = mapped_column(BigInteger)


class AssetIdentifier(Base):
    """A hardware identity of an asset (kind, value), unique across all assets, deleted ones included."""

    __tablename__ = "asset_identifiers"
    __table_args__ = (UniqueConstraint("kind", "value"), Index("ix_asset_identifiers_asset", "asset_id"))

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssetFlag(Base):
    """Something about an asset that a technician must look at (possible clone, seen elsewhere …)."""

    __tablename__ = "asset_flags"
    __table_args__ = (
        Index(
            "uq_asset_flags_open",
            "asset_id",
            "kind",
            unique=True,
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(200))


CUSTOM_FIELD_TYPES = ("text", "number", "date", "bool", "choice")
#: Identifier kinds the API accepts; inventory may record more (smbios_uuid, imei …).
IDENTIFIER_KINDS = ("mac", "smbios_uuid", "imei", "other")


class AssetCustomField(UUIDPk, Timestamps, Versioned, Base):
    """An extra field that admins define for one kind of asset (e.g. "cost_centre" on laptops)."""

    __tablename__ = "asset_custom_fields"
    __table_args__ = (
        UniqueConstraint("kind", "name"),
        CheckConstraint(f"kind IN {ASSET_KINDS}", name="kind"),
        CheckConstraint(f"type IN {CUSTOM_FIELD_TYPES}", name="type"),
    )

    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(60))
    type: Mapped[str] = mapped_column(String(10))
    required: Mapped[bool] = mapped_column(default=False)
    #: The allowed values of a `choice` field.
    choices: Mapped[list[Any]] = mapped_column(default=list)
    description: Mapped[str | None] = mapped_column(Text)
