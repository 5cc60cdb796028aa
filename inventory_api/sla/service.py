"""SLA policies and calendars, the clocks of a work order, and the periodic breach check."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.errors import NotFound, Unprocessable
from inventory_api.sla.clock import Calendar, ClockStatus, Mark, clock_status, parse_hours
from inventory_api.sla.models import BusinessCalendar, SlaPolicy
from inventory_api.workorders.models import WorkOrder, WorkOrderStateChange

#: The resolution clock runs in these states (paused on hold, stopped once resolved, closed or cancelled).
RESOLUTION_RUNNING = ("new", "assigned", "in_progress")
#: The response clock runs until the order first reaches in progress (or resolved).
RESPONSE_RUNNING = ("new", "assigned")
DEFAULT_AT_RISK_PERCENT = 75


def validate_calendar(time_zone: str, hours: dict[str, Any], holidays: list[Any]) -> None:
    """Raise 422 when a calendar's zone, hours or holidays are not usable."""
    try:
        ZoneInfo(time_zone)
        parse_hours(hours)
        [date.fromisoformat(str(day)) for day in holidays]
    except (ValueError, ZoneInfoNotFoundError, TypeError) as exc:
        raise Unprocessable(f"invalid business calendar: {exc}", code="invalid_calendar") from exc


def to_calendar(row: BusinessCalendar | None) -> Calendar | None:
    """The pure calendar of a stored one (None = 24×7)."""
    if row is None:
        return None
    return Calendar(
        tz=ZoneInfo(row.time_zone),
        hours=parse_hours(row.hours),
        holidays=frozenset(date.fromisoformat(str(day)) for day in row.holidays),
    )


def require_calendar(session: Session, calendar_id: uuid.UUID) -> BusinessCalendar:
    row = session.get(BusinessCalendar, calendar_id)
    if row is None:
        raise NotFound("business calendar", calendar_id)
    return row


def require_policy(session: Session, policy_id: uuid.UUID) -> SlaPolicy:
    row = session.get(SlaPolicy, policy_id)
    if row is None:
        raise NotFound("SLA policy", policy_id)
    return row


def policy_for(session: Session, kind: str, priority: str) -> SlaPolicy | None:
    """The policy for this type and priority, else the one for any type with this priority."""
    rows = session.scalars(
        select(SlaPolicy).where(SlaPolicy.priority == priority, SlaPolicy.kind.in_((kind, "any")))
    ).all()
    return next((p for p in rows if p.kind == kind), None) or next(iter(rows), None)


def state_marks(session: Session, order_id: uuid.UUID) -> list[Mark]:
    rows = session.scalars(
        select(WorkOrderStateChange)
        .where(WorkOrderStateChange.work_order_id == order_id)
        .order_by(WorkOrderStateChange.at, WorkOrderStateChange.id)
    )
    return [Mark(row.at, row.to_state) for row in rows]


def clocks_of(
    order: WorkOrder, policy: SlaPolicy, calendar: Calendar | None, marks: list[Mark], now: datetime,
    at_risk_percent: int,
) -> dict[str, ClockStatus]:  # fmt: skip
    """Both clocks of an order from its policy, calendar and state log (pure)."""
    # A reopened order's resolution clock runs again; `resolved_at` is cleared on reopening.
    resolution_end = order.resolved_at or (order.closed_at if order.state == "closed" else None)
    if order.state == "cancelled":
        resolution_end = max(m.at for m in marks)
    common = {"now": now, "at_risk_percent": at_risk_percent}
    return {
        "response": clock_status(
            calendar, marks, target=timedelta(minutes=policy.response_minutes), running=RESPONSE_RUNNING,
            completed_at=order.responded_at or (resolution_end if order.state == "cancelled" else None),
            **common,
        ),
        "resolution": clock_status(
            calendar, marks, target=timedelta(minutes=policy.resolution_minutes), running=RESOLUTION_RUNNING,
            completed_at=resolution_end, **common,
        ),
    }  # fmt: skip


def order_clocks(
    session: Session, order: WorkOrder, now: datetime, *, at_risk_percent: int = DEFAULT_AT_RISK_PERCENT,
    marks: list[Mark] | None = None,
) -> dict[str, ClockStatus] | None:  # fmt: skip
    """Response and resolution clocks of an order at `now` (None without a policy); `marks` saves the query."""
    if order.sla_policy_id is None:
        return None
    policy = session.get(SlaPolicy, order.sla_policy_id)
    calendar = to_calendar(session.get(BusinessCalendar, policy.calendar_id) if policy.calendar_id else None)
    marks = marks if marks is not None else state_marks(session, order.id)
    return clocks_of(order, policy, calendar, marks, now, at_risk_percent)


def apply_policy(
    session: Session, order: WorkOrder, now: datetime, *, marks: list[Mark] | None = None
) -> None:
    """Attach the policy for the order's type and priority, and store its current due times."""
    policy = policy_for(session, order.kind, order.priority)
    order.sla_policy_id = policy.id if policy else None
    clocks = order_clocks(session, order, now, marks=marks)
    order.response_due_at = clocks["response"].due_at if clocks else None
    order.resolution_due_at = clocks["resolution"].due_at if clocks else None
