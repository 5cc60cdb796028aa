"""Work notes, time entries per technician and the activity log of a work order."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory_api.auth.models import User
from inventory_api.errors import Unprocessable
from inventory_api.history.models import ChangeEvent
from inventory_api.history.service import current_actor, record_change
from inventory_api.workorders.models import TimeEntry, WorkOrder, WorkOrderNote


def add_note(session: Session, order: WorkOrder, body: str) -> WorkOrderNote:
    """Add a work note signed by the session's actor."""
    actor = current_actor(session)
    note = WorkOrderNote(work_order_id=order.id, body=body, author_id=actor.id, author_name=actor.name)
    session.add(note)
    record_change(session, "work_order", order.id, "note_added", summary=body[:200])
    return note


def list_notes(session: Session, order: WorkOrder) -> list[WorkOrderNote]:
    stmt = select(WorkOrderNote).where(WorkOrderNote.work_order_id == order.id)
    return list(session.scalars(stmt.order_by(WorkOrderNote.created_at, WorkOrderNote.id)))


def add_time_entry(
    session: Session, order: WorkOrder, *, technician_id: uuid.UUID, work_date: date, minutes: int,
    note: str | None = None,
) -> TimeEntry:  # fmt: skip
    """Book time a technician spent on the order."""
    user = session.get(User, technician_id)
    if user is None or user.role not in ("technician", "admin"):
        raise Unprocessable(f"user {technician_id} is not a technician", code="unknown_reference")
    entry = TimeEntry(
        work_order_id=order.id, technician_id=technician_id, work_date=work_date, minutes=minutes, note=note
    )
    session.add(entry)
    record_change(
        session,
        "work_order",
        order.id,
        "time_booked",
        summary=f"{minutes} min by {user.username} on {work_date}",
    )
    return entry


def list_time_entries(session: Session, order: WorkOrder) -> list[TimeEntry]:
    stmt = select(TimeEntry).where(TimeEntry.work_order_id == order.id)
    return list(session.scalars(stmt.order_by(TimeEntry.work_date, TimeEntry.created_at)))


def time_by_technician(session: Session, order: WorkOrder) -> list[tuple[uuid.UUID, int]]:
    """Total minutes per technician on the order."""
    stmt = (
        select(TimeEntry.technician_id, func.sum(TimeEntry.minutes))
        .where(TimeEntry.work_order_id == order.id)
        .group_by(TimeEntry.technician_id)
        .order_by(TimeEntry.technician_id)
    )
    return [(tech, int(total)) for tech, total in session.execute(stmt)]


def activity(session: Session, order: WorkOrder, *, after: int | None, limit: int) -> list[ChangeEvent]:
    """Who did what on the order, when: its history, oldest first."""
    stmt = select(ChangeEvent).where(
        ChangeEvent.subject_type == "work_order", ChangeEvent.subject_id == order.id
    )
    if after is not None:
        stmt = stmt.where(ChangeEvent.id > after)
    return list(session.scalars(stmt.order_by(ChangeEvent.id).limit(limit)))
