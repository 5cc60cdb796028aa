"""User services (extensions, DIDs, voicemail, data ports, VPN, mobile lines …) and the assets they use."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, SoftDelete, Timestamps, UUIDPk, Versioned

SERVICE_TYPES = (
    "extension", "did", "voicemail", "data_port", "remote_access", "mobile_line", "conference_bridge",
    "shared_line", "generic",
)  # fmt: skip
SERVICE_STATUSES = ("requested", "active", "suspended", "disconnected")
#: From each status, where a service may go next; a disconnected service stays disconnected.
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "requested": ("active", "disconnected"),
    "active": ("suspended", "disconnected"),
    "suspended": ("active", "disconnected"),
    "disconnected": (),
}
#: Types whose `number` is a telephone number with an emergency (dispatchable) location.
NUMBER_TYPES = ("extension", "did")


def _live_unique(name: str, columns: tuple[str, ...], service_type: str) -> Index:
    where = text(f"type = '{service_type}' AND status <> 'disconnected' AND deleted_at IS NULL")
    return Index(name, *columns, unique=True, sqlite_where=where, postgresql_where=where)


class Service(UUIDPk, Timestamps, Versioned, SoftDelete, Base):
    """A service a person has: its type-specific fields are in `details`, its number (if any) in `number`."""

    __tablename__ = "services"
    __table_args__ = (
        CheckConstraint(f"type IN {SERVICE_TYPES}", name="type"),
        CheckConstraint(f"status IN {SERVICE_STATUSES}", name="status"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates"),
        _live_unique("uq_services_extension_live", ("site_id", "dial_plan", "number"), "extension"),
        _live_unique("uq_services_did_live", ("number",), "did"),
        _live_unique("uq_services_voicemail_live", ("site_id", "dial_plan", "number"), "voicemail"),
        Index("ix_services_person", "person_id"),
        Index("ix_services_site_type", "site_id", "type"),
        Index("ix_services_number", "number"),
    )

    type: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="requested")
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id"))
    #: The room the service is used in: with the site's civic address, its dispatchable location.
    location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("locations.id"))
    #: Extension, E.164 DID, mailbox or mobile number, for the types that have one.
    number: Mapped[str | None] = mapped_column(String(40))
    dial_plan: Mapped[str] = mapped_column(String(50), default="default")
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    cost_centre: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: Set when the phone behind this number was seen at another jack than the recorded room.
    emergency_location_stale: Mapped[bool] = mapped_column(default=False)
    emergency_detail: Mapped[dict[str, Any] | None] = mapped_column(default=None)


class ServiceAsset(Base):
    """An asset a service uses (the phone of an extension, the laptop of a VPN)."""

    __tablename__ = "service_assets"

    service_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id"), primary_key=True, index=True)
