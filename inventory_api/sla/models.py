"""SLA policies (targets per work-order type and priority), business calendars and recorded SLA events."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, BigIntPK, Timestamps, UUIDPk, Versioned, utcnow

SLA_CLOCKS = ("response", "resolution")
SLA_EVENT_KINDS = ("at_risk", "breached")


class BusinessCalendar(UUIDPk, Timestamps, Versioned, Base):
    """Working hours per weekday, holidays and an IANA time zone; the SLA clock runs only inside them."""

    __tablename__ = "business_calendars"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64))
    #: {"0": [["08:00", "17:00"]], …} — Monday is "0"; a missing weekday is closed.
    hours: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: ["2026-12-25", …] local dates on which the calendar is closed.
    holidays: Mapped[list[Any]] = mapped_column(default=list)


class SlaPolicy(UUIDPk, Timestamps, Versioned, Base):
    """Response and resolution targets for work orders of a type (or any type) and a priority."""

    __tablename__ = "sla_policies"
    __table_args__ = (
        CheckConstraint("response_minutes > 0 AND resolution_minutes > 0", name="targets_positive"),
        UniqueConstraint("kind", "priority"),
    )

    name: Mapped[str] = mapped_column(String(100))
    #: A work-order type, or "any"; a policy for the exact type wins.
    kind: Mapped[str] = mapped_column(String(20), default="any")
    priority: Mapped[str] = mapped_column(String(2))
    response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)
    #: None = the clock runs 24×7.
    calendar_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("business_calendars.id"))


class SlaEvent(Base):
    """An SLA clock of a work order that went at risk or breached, recorded once, at the computed instant."""

    __tablename__ = "sla_events"
    __table_args__ = (
        UniqueConstraint("work_order_id", "clock", "kind"),
        CheckConstraint(f"clock IN {SLA_CLOCKS}", name="clock"),
        CheckConstraint(f"kind IN {SLA_EVENT_KINDS}", name="kind"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_orders.id", ondelete="CASCADE"))
    clock: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    #: When it happened: the computed instant (due time for a breach), not when the check ran.
    occurred_at: Mapped[datetime]
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)
