"""Recording and reading the change history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from inventory_api.db import utcnow
from inventory_api.history.models import ChangeEvent

SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting in a session: set once per request (or job) in `session.info["actor"]`."""

    type: str
    id: str | None = None
    name: str | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class Cause:
    """Why a change happens: a work order, a collector report, an import, a merge."""

    type: str
    id: str | None = None


def set_actor(session: Session, actor: Actor) -> None:
    """Name who acts in this session's changes."""
    session.info["actor"] = actor


def current_actor(session: Session) -> Actor:
    """The session's actor, or the system when none was set (jobs, migrations)."""
    return session.info.get("actor") or Actor(SYSTEM)


def plain(value: Any) -> Any:
    """A value as JSON can hold it in a change record."""
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def diff_fields(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply `values` to `obj`; return {field: [old, new]} for the fields that really changed."""
    changes: dict[str, list[Any]] = {}
    for field, new in values.items():
        old = getattr(obj, field)
        if old != new:
            changes[field] = [plain(old), plain(new)]
            setattr(obj, field, new)
    return changes


def record_change(
    session: Session,
    subject_type: str,
    subject_id: uuid.UUID,
    action: str,
    *,
    changes: dict[str, Any] | None = None,
    summary: str | None = None,
    cause: Cause | None = None,
) -> ChangeEvent:
    """Write one history event in the session's transaction."""
    actor = current_actor(session)
    cause = cause or session.info.get("cause")
    event = ChangeEvent(
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        summary=summary,
        changes=changes or None,
        actor_type=actor.type,
        actor_id=actor.id,
        actor_name=actor.name,
        cause_type=cause.type if cause else None,
        cause_id=cause.id if cause else None,
        request_id=actor.request_id,
    )
    session.add(event)
    return event


def record_events(
    session: Session, events: list[tuple[str, uuid.UUID, str, str | None, dict[str, Any] | None]]
) -> None:
    """Write several history events, (subject type, subject id, action, summary, changes) each, as one multi-row
    INSERT (no ORM objects: a report can write dozens); pending ORM changes are flushed first, so ids keep their
    order."""
    if not events:
        return
    actor = current_actor(session)
    cause = session.info.get("cause")
    common = {
        "actor_type": actor.type, "actor_id": actor.id, "actor_name": actor.name,
        "cause_type": cause.type if cause else None, "cause_id": cause.id if cause else None,
        "request_id": actor.request_id, "occurred_at": utcnow(),
    }  # fmt: skip
    session.flush()
    session.connection().execute(
        insert(ChangeEvent.__table__),
        [
            {
                **common,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "action": action,
                "summary": summary,
                "changes": changes or None,
            }
            for subject_type, subject_id, action, summary, changes in events
        ],
    )


def record_changes(
    session: Session,
    subject_type: str,
    subject_id: uuid.UUID,
    action: str,
    entries: list[tuple[str, dict[str, Any] | None]],
) -> None:
    """Several history events of one subject and action, (summary, changes) each: see `record_events`."""
    record_events(
        session, [(subject_type, subject_id, action, summary, changes) for summary, changes in entries]
    )


def list_changes(
    session: Session, subject_type: str, subject_id: uuid.UUID, *, after: int | None, limit: int
) -> list[ChangeEvent]:
    """A subject's history, oldest first, keyset-paged by event id."""
    stmt = select(ChangeEvent).where(
        ChangeEvent.subject_type == subject_type, ChangeEvent.subject_id == subject_id
    )
    if after is not None:
        stmt = stmt.where(ChangeEvent.id > after)
    return list(session.scalars(stmt.order_by(ChangeEvent.id).limit(limit)))


def recent_changes(
    session: Session, subject_type: str, subject_id: uuid.UUID, *, limit: int
) -> list[ChangeEvent]:
    """A subject's newest history events, newest first."""
    stmt = select(ChangeEvent).where(
        ChangeEvent.subject_type == subject_type, ChangeEvent.subject_id == subject_id
    )
    return list(session.scalars(stmt.order_by(ChangeEvent.id.desc()).limit(limit)))
