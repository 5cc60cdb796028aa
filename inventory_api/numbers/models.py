"""Number pools (ranges of extensions and DIDs per site) and the numbers taken out of them."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, Timestamps, UUIDPk, Versioned

NUMBER_KINDS = ("extension", "did")
#: reserved: held by hand; allocated: handed out as "next free", waiting for its service; assigned: a live
#: service uses it; quarantined: its service was disconnected, reusable after `quarantine_until`.
NUMBER_STATES = ("reserved", "allocated", "assigned", "quarantined")


class NumberPool(UUIDPk, Timestamps, Versioned, Base):
    """A range of extensions (in a dial plan) or E.164 DIDs that a site hands out."""

    __tablename__ = "number_pools"
    __table_args__ = (
        CheckConstraint(f"kind IN {NUMBER_KINDS}", name="kind"),
        Index("ix_number_pools_site", "site_id"),
    )

    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id"))
    dial_plan: Mapped[str] = mapped_column(String(50), default="default")
    first: Mapped[str] = mapped_column(String(20))
    last: Mapped[str] = mapped_column(String(20))


class NumberRecord(UUIDPk, Timestamps, Base):
    """A number that is not free: reserved, allocated, assigned to a service, or in quarantine."""

    __tablename__ = "numbers"
    __table_args__ = (
        CheckConstraint(f"kind IN {NUMBER_KINDS}", name="kind"),
        CheckConstraint(f"state IN {NUMBER_STATES}", name="state"),
        UniqueConstraint("kind", "scope", "number"),
        Index("ix_numbers_pool", "pool_id"),
        Index("ix_numbers_service", "service_id"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    #: Where a number is unique: `<site id>:<dial plan>` for extensions, `e164` for DIDs.
    scope: Mapped[str] = mapped_column(String(100))
    number: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id"))
    pool_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("number_pools.id"))
    state: Mapped[str] = mapped_column(String(20))
    service_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("services.id"))
    note: Mapped[str | None] = mapped_column(String(200))
    quarantine_until: Mapped[datetime | None]
