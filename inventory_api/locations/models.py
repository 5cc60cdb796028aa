"""Locations: a tree of any depth (site ▸ building ▸ floor ▸ room ▸ closet ▸ rack)."""

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, SoftDelete, Timestamps, UUIDPk, Versioned

LOCATION_KINDS = ("site", "building", "floor", "room", "closet", "rack", "area", "other")


class Location(UUIDPk, Timestamps, Versioned, SoftDelete, Base):
    """A place. A site is a root and carries the IANA time zone and civic address of everything below it."""

    __tablename__ = "locations"
    __table_args__ = (
        CheckConstraint(f"kind IN {LOCATION_KINDS}", name="kind"),
        CheckConstraint("(kind = 'site') = (parent_id IS NULL)", name="site_is_root"),
        Index("ix_locations_parent", "parent_id", "name"),
        Index("ix_locations_name_lower", text("lower(name)")),  # the search box: a room by name or code
        Index("ix_locations_code_lower", text("lower(code)")),
    )

    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(50))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("locations.id"))
    #: The root site; every record belongs to a site and access is granted per site.
    site_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    notes: Mapped[str | None] = mapped_column(Text)
