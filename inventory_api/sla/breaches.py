"""The periodic SLA check: find clocks that went at risk or breached, record each once at its computed instant."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.db import take_worker_lock
from inventory_api.events.service import emit_event
from inventory_api.history.service import plain
from inventory_api.sla.clock import ClockStatus, Mark
from inventory_api.sla.models import BusinessCalendar, SlaEvent, SlaPolicy
from inventory_api.sla.service import DEFAULT_AT_RISK_PERCENT, RESOLUTION_RUNNING, clocks_of, to_calendar
from inventory_api.workorders.models import WorkOrder, WorkOrderStateChange

#: Orders closed or cancelled longer ago than this are not checked any more.
RECENT = timedelta(days=7)
CHUNK = 500
#: One worker records SLA events at a time: two finding the same breach would both insert it.
RECORD_LOCK = 7_402_114


@dataclass(frozen=True, slots=True)
class Found:
    """An SLA event to record."""

    work_order_id: uuid.UUID
    clock: str
    kind: str
    occurred_at: datetime
    due_at: datetime | None
    target_seconds: int


def _chunks(ids: list[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def find_sla_events(
    session: Session, now: datetime, *, at_risk_percent: int = DEFAULT_AT_RISK_PERCENT
) -> list[Found]:
    """Every at-risk or breach not yet recorded, computed from the stored state log (reads only)."""
    orders = session.scalars(
        select(WorkOrder).where(
            WorkOrder.sla_policy_id.is_not(None),
            WorkOrder.deleted_at.is_(None),
            WorkOrder.state.in_((*RESOLUTION_RUNNING, "on_hold", "resolved"))
            | (WorkOrder.updated_at >= now - RECENT),
        )
    ).all()
    seen: dict[uuid.UUID, set[tuple[str, str]]] = defaultdict(set)
    marks: dict[uuid.UUID, list[Mark]] = defaultdict(list)
    for ids in _chunks([o.id for o in orders]):
        for order_id, clock, kind in session.execute(
            select(SlaEvent.work_order_id, SlaEvent.clock, SlaEvent.kind).where(
                SlaEvent.work_order_id.in_(ids)
            )
        ):
            seen[order_id].add((clock, kind))
    orders = [o for o in orders if len(seen[o.id]) < 4]  # all four recorded: nothing left to find
    for ids in _chunks([o.id for o in orders]):
        rows = session.scalars(
            select(WorkOrderStateChange)
            .where(WorkOrderStateChange.work_order_id.in_(ids))
            .order_by(WorkOrderStateChange.at, WorkOrderStateChange.id)
        )
        for row in rows:
            marks[row.work_order_id].append(Mark(row.at, row.to_state))
    policies = {p.id: p for p in session.scalars(select(SlaPolicy))}
    calendars = {c.id: to_calendar(c) for c in session.scalars(select(BusinessCalendar))}
    found: list[Found] = []
    for order in orders:
        policy = policies[order.sla_policy_id]
        calendar = calendars[policy.calendar_id] if policy.calendar_id else None
        if not marks[order.id]:
            continue
        clocks = clocks_of(order, policy, calendar, marks[order.id], now, at_risk_percent)
        found += [f for f in events_of(order.id, clocks, now) if (f.clock, f.kind) not in seen[order.id]]
    return found


def events_of(order_id: uuid.UUID, clocks: dict[str, ClockStatus], now: datetime) -> list[Found]:
    """The SLA events an order's clocks call for at `now`: at risk once warned (or breached), breached past due."""
    found = []
    for clock, status in clocks.items():
        if status.at_risk_at is not None and status.at_risk_at <= now and (status.at_risk or status.breached):
            found.append(
                Found(order_id, clock, "at_risk", status.at_risk_at, status.due_at, status.target_seconds)
            )
        if status.breached and status.due_at is not None:
            found.append(
                Found(order_id, clock, "breached", status.due_at, status.due_at, status.target_seconds)
            )
    return found


def record_sla_events(session: Session, found: Iterable[Found], now: datetime) -> int:
    """Write the SLA events and their outbox events; skips any another worker recorded meanwhile."""
    found = list(found)
    if not found or not take_worker_lock(session, RECORD_LOCK):
        return 0
    ids = list({f.work_order_id for f in found})
    existing = set()
    for chunk in _chunks(ids):
        existing |= set(
            session.execute(
                select(SlaEvent.work_order_id, SlaEvent.clock, SlaEvent.kind).where(
                    SlaEvent.work_order_id.in_(chunk)
                )
            ).all()
        )
    recorded = 0
    for f in found:
        if (f.work_order_id, f.clock, f.kind) in existing:
            continue
        session.add(
            SlaEvent(work_order_id=f.work_order_id, clock=f.clock, kind=f.kind, occurred_at=f.occurred_at,
                     detected_at=now)
        )  # fmt: skip
        emit_event(
            session, f"sla.{f.kind}", "work_order", f.work_order_id,
            {"work_order_id": str(f.work_order_id), "clock": f.clock, "occurred_at": plain(f.occurred_at),
             "due_at": plain(f.due_at), "target_seconds": f.target_seconds},
        )  # fmt: skip
        recorded += 1
    session.flush()
    return recorded


def check_sla(session: Session, now: datetime, *, at_risk_percent: int = DEFAULT_AT_RISK_PERCENT) -> int:
    """Record each clock that went at risk or breached (once, dated at the computed instant); return how many."""
    return record_sla_events(session, find_sla_events(session, now, at_risk_percent=at_risk_percent), now)
