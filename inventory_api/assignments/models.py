"""Check-out and check-in of assets to people or places, with the date they are expected back."""

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, UUIDPk, utcnow

_OPEN = text("checked_in_at IS NULL")


class Assignment(UUIDPk, Base):
    """One check-out of an asset, to a person or a location; open until it is checked in."""

    __tablename__ = "asset_assignments"
    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (location_id IS NULL)", name="person_or_location"),
        Index(
            "uq_asset_assignments_open", "asset_id", unique=True, sqlite_where=_OPEN, postgresql_where=_OPEN
        ),
        Index("ix_asset_assignments_person", "person_id"),
        Index("ix_asset_assignments_due", "expected_return"),
    )

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id"))
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("locations.id"))
    checked_out_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_out_by: Mapped[str | None] = mapped_column(String(200))
    expected_return: Mapped[date | None]
    checked_in_at: Mapped[datetime | None]
    checked_in_by: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
