"""What a service does to its number: take it on creation, send it to quarantine on disconnection."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.db import utcnow
from inventory_api.errors import Conflict
from inventory_api.numbers.models import NumberPool, NumberRecord
from inventory_api.numbers.service import in_pool, is_free, scope_of


def _record(
    session: Session, kind: str, site_id: uuid.UUID, dial_plan: str, number: str
) -> NumberRecord | None:
    stmt = select(NumberRecord).where(NumberRecord.kind == kind, NumberRecord.scope == scope_of(kind, site_id, dial_plan),
                                      NumberRecord.number == number)  # fmt: skip
    return session.scalar(stmt)


def _pool_of(
    session: Session, kind: str, site_id: uuid.UUID, dial_plan: str, number: str
) -> NumberPool | None:
    stmt = select(NumberPool).where(NumberPool.kind == kind, NumberPool.site_id == site_id)
    if kind == "extension":
        stmt = stmt.where(NumberPool.dial_plan == dial_plan)
    return next((p for p in session.scalars(stmt) if in_pool(p, number)), None)


def claim_number(
    session: Session, *, kind: str, site_id: uuid.UUID, dial_plan: str, number: str, service_id: uuid.UUID
) -> NumberRecord:
    """Mark a number as used by a service: 409 when it is in quarantine or held for another service."""
    record = _record(session, kind, site_id, dial_plan, number)
    if record is not None and not is_free(record, utcnow()):
        if record.service_id == service_id:
            return record
        if record.state == "quarantined":
            raise Conflict(f"{number} is in quarantine until {record.quarantine_until:%Y-%m-%d}",
                           code="number_quarantined")  # fmt: skip
        if record.state == "assigned":
            raise Conflict(f"{number} is already in use", code="duplicate_number")
    if record is None:
        pool = _pool_of(session, kind, site_id, dial_plan, number)
        record = NumberRecord(kind=kind, scope=scope_of(kind, site_id, dial_plan), number=number, site_id=site_id,
                              pool_id=pool.id if pool else None)  # fmt: skip
        session.add(record)
    record.state, record.service_id, record.quarantine_until = "assigned", service_id, None
    session.flush()
    return record


def quarantine_number(session: Session, service_id: uuid.UUID, *, days: int) -> None:
    """The numbers of a disconnected service rest `days` before anyone may take them again."""
    stmt = select(NumberRecord).where(NumberRecord.service_id == service_id, NumberRecord.state == "assigned")
    for record in session.scalars(stmt):
        record.state = "quarantined"
        record.quarantine_until = utcnow() + timedelta(days=days)
    session.flush()


def release_service_number(session: Session, service_id: uuid.UUID) -> None:
    """A service that changes its number lets the old one go (no quarantine: it never rang for anyone else)."""
    for record in session.scalars(select(NumberRecord).where(NumberRecord.service_id == service_id)):
        session.delete(record)
    session.flush()
