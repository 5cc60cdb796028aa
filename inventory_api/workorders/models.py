"""Work orders, their linked items (each with an intended action), notes, time entries and state log."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, BigIntPK, SoftDelete, Timestamps, UUIDPk, Versioned, utcnow
from inventory_api.workorders.actions_vocab import ACTIONS, ITEM_STATUSES
from inventory_api.workorders.states import HOLD_REASONS, PRIORITIES, STATES, WORK_ORDER_TYPES


class WorkOrder(UUIDPk, Timestamps, Versioned, SoftDelete, Base):
    """A piece of MACD work (install, move, add, change, repair …) that a technician carries out."""

    __tablename__ = "work_orders"
    __table_args__ = (
        CheckConstraint(f"kind IN {WORK_ORDER_TYPES}", name="kind"),
        CheckConstraint(f"priority IN {PRIORITIES}", name="priority"),
        CheckConstraint(f"state IN {STATES}", name="state"),
        CheckConstraint(f"hold_reason IS NULL OR hold_reason IN {HOLD_REASONS}", name="hold_reason"),
        CheckConstraint("(external_system IS NULL) = (external_id IS NULL)", name="external_ref_pair"),
        Index(
            "uq_work_orders_external_ref",
            "external_system",
            "external_id",
            unique=True,
            sqlite_where=text("external_system IS NOT NULL"),
            postgresql_where=text("external_system IS NOT NULL"),
        ),
        Index("ix_work_orders_site_state", "site_id", "state"),
        Index("ix_work_orders_assignee", "assignee_id", "state"),
        Index("ix_work_orders_change_seq", "change_seq"),
        Index("ix_work_orders_campaign", "campaign_id"),
        Index("ix_work_orders_created", "created_at"),  # the reports' period
        Index("ix_work_orders_external_id", "external_id"),  # the search box: a ticket's reference alone
        Index("ix_work_orders_state_due", "state", "resolution_due_at"),  # the queue of every site
    )

    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id"))
    location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("locations.id"))
    requester_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    priority: Mapped[str] = mapped_column(String(2), default="P3")
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    team: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20), default="new")
    hold_reason: Mapped[str | None] = mapped_column(String(20))
    external_system: Mapped[str | None] = mapped_column(String(60))
    external_id: Mapped[str | None] = mapped_column(String(200))
    sla_policy_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sla_policies.id"))
    #: Due times as last computed from the SLA policy (the SLA view recomputes them from the state log).
    response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("campaigns.id"))
    #: Position in the global change sequence, for "changed after P" sync.
    change_seq: Mapped[int | None] = mapped_column(BigInteger)


class WorkOrderStateChange(Base):
    """One entry of the state log: the SLA clocks are computed from these timestamps."""

    __tablename__ = "work_order_state_changes"
    __table_args__ = (
        Index("ix_work_order_state_changes_order", "work_order_id", "id"),
        # The workload report reads a period of the log from the index alone (SQLite: 0.44 → 0.25 s for 30 days).
        Index("ix_work_order_state_changes_at", "at", "to_state", "from_state", "work_order_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_orders.id", ondelete="CASCADE"))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    hold_reason: Mapped[str | None] = mapped_column(String(20))
    actor_name: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkOrderItem(UUIDPk, Base):
    """A linked record and what completing the order does to it ("move asset X to room Y")."""

    __tablename__ = "work_order_items"
    __table_args__ = (
        CheckConstraint(f"action IN {ACTIONS}", name="action"),
        CheckConstraint(f"status IN {ITEM_STATUSES}", name="status"),
        Index("ix_work_order_items_order", "work_order_id", "position"),
        Index("ix_work_order_items_subject", "subject_type", "subject_id"),
    )

    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_orders.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[uuid.UUID] = mapped_column()
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    applied_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkOrderNote(UUIDPk, Base):
    """A work note a technician or the requester's side adds to the order."""

    __tablename__ = "work_order_notes"
    __table_args__ = (Index("ix_work_order_notes_order", "work_order_id", "created_at"),)

    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_orders.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str | None] = mapped_column(String(100))
    author_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TimeEntry(UUIDPk, Base):
    """Time a technician spent on a work order."""

    __tablename__ = "work_order_time_entries"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes_positive"),
        Index("ix_work_order_time_entries_order", "work_order_id", "work_date"),
        Index("ix_work_order_time_entries_technician", "technician_id", "work_date"),
        Index("ix_work_order_time_entries_date", "work_date", "work_order_id", "technician_id", "minutes"),
    )

    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_orders.id", ondelete="CASCADE"))
    technician_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    work_date: Mapped[date]
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Campaign(UUIDPk, Timestamps, Base):
    """Work orders created in bulk from an asset query (e.g. every desktop with an OS past support)."""

    __tablename__ = "campaigns"

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("locations.id"))
    query: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str | None] = mapped_column(String(200))


class OsSupportDate(UUIDPk, Base):
    """When an operating system version leaves vendor support (imported from a table the admin keeps)."""

    __tablename__ = "os_support_dates"
    __table_args__ = (UniqueConstraint("os_name", "os_version"),)

    #: Matched case-insensitively against the OS name the collector reports ("Windows 10 Pro").
    os_name: Mapped[str] = mapped_column(String(200))
    #: The reported version ("22H2", "12.7"); empty = every version of that OS.
    os_version: Mapped[str] = mapped_column(String(100), default="")
    end_of_support: Mapped[date]
    source: Mapped[str | None] = mapped_column(String(300))
