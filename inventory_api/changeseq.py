"""A global change sequence in commit order, so integrations can read "everything changed after P".

Each sequenced row (assets, work orders) gets the next position when its transaction commits: the counter
row is updated in `before_commit`, after every other write, so its row lock is held only while committing
and a later position is never visible before an earlier one (sequence order = commit order). Wall-clock
timestamps cannot promise that: a transaction that started first may commit last.
"""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import BigInteger, Integer, bindparam, event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from inventory_api.assets.models import Asset
from inventory_api.db import Base
from inventory_api.deps import ReadDep, SessionDep
from inventory_api.idempotency import IdempotentRoute
from inventory_api.routing import ERROR_RESPONSES
from inventory_api.workorders.models import WorkOrder

#: subject type → model with a `change_seq` column.
SEQUENCED: dict[str, Any] = {"asset": Asset, "work_order": WorkOrder}
_PENDING = "changeseq_pending"
_ASSIGNING = "changeseq_assigning"
_MARKS = "changeseq_savepoints"


class ChangeCounter(Base):
    """The single-row counter of the change sequence."""

    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


@event.listens_for(Session, "before_flush")
def _collect(session: Session, _ctx: Any, _instances: Any) -> None:
    if session.info.get(_ASSIGNING):
        return
    kinds = tuple(SEQUENCED.values())
    pending = session.info.setdefault(_PENDING, {})
    for obj in session.new:
        if isinstance(obj, kinds):
            pending[id(obj)] = obj
    for obj in session.dirty:
        if isinstance(obj, kinds) and session.is_modified(obj, include_collections=False):
            pending[id(obj)] = obj


def mark_changed(session: Session, obj: Any) -> None:
    """Give `obj` a new position at commit although the ORM saw no change (e.g. after a Core UPDATE of its row)."""
    session.info.setdefault(_PENDING, {})[id(obj)] = obj


@lru_cache(maxsize=2)
def _reserve_statement(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(ChangeCounter.__table__).values(id=1, value=bindparam("count"))
    return stmt.on_conflict_do_update(
        index_elements=["id"], set_={"value": ChangeCounter.__table__.c.value + stmt.excluded.value}
    ).returning(ChangeCounter.__table__.c.value)


def _reserve(session: Session, count: int) -> int:
    """Take `count` positions from the counter (locking its row until commit); return the last one.

    One upsert: the first position ever creates the counter row, every later one adds to it (a Core statement
    built once: it runs in every commit that changes an asset or a work order).
    """
    connection = session.connection()
    return connection.execute(_reserve_statement(connection.dialect.name), {"count": count}).scalar_one()


def reserve_positions(session: Session, count: int) -> int:
    """Take `count` positions for rows a bulk load numbered itself (from the counter's value before it); returns
    the last one."""
    return _reserve(session, count) if count else 0


@event.listens_for(Session, "before_commit")
def _assign(session: Session) -> None:
    # SQLAlchemy also fires before_commit when a savepoint is released: taking the counter there would hold its
    # lock, and so queue every other writer, for the rest of the outer transaction.
    if session.info.get(_ASSIGNING) or session.in_nested_transaction():
        return
    session.flush()
    session.info.pop(_MARKS, None)
    pending = session.info.pop(_PENDING, None)
    objects = [o for o in (pending or {}).values() if not inspect(o).was_deleted and inspect(o).persistent]
    if not objects:
        return
    session.info[_ASSIGNING] = True
    try:
        last = _reserve(session, len(objects))
        for offset, obj in enumerate(objects):
            obj.change_seq = last - len(objects) + 1 + offset
        session.flush()
    finally:
        session.info[_ASSIGNING] = False


@event.listens_for(Session, "after_transaction_create")
def _mark(session: Session, transaction: Any) -> None:
    if transaction.nested:  # what a rollback to this savepoint keeps
        session.info.setdefault(_MARKS, {})[transaction] = set(session.info.get(_PENDING, ()))


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous: Any) -> None:
    if not previous.nested:
        session.info.pop(_PENDING, None)
        session.info.pop(_MARKS, None)
        return
    kept = session.info.get(_MARKS, {}).pop(previous, set())
    pending = session.info.get(_PENDING, {})
    for key in set(pending) - kept:  # changed only inside the savepoint: undone
        del pending[key]


class Change(BaseModel):
    """A record that changed: read it from its own endpoint; `change_seq` is the position to resume after."""

    subject_type: str
    id: uuid.UUID
    change_seq: int
    deleted: bool


class ChangePage(BaseModel):
    items: list[Change]
    next_after: int = 0


def changes_after(
    session: Session, site_ids: frozenset[uuid.UUID] | None, after: int, limit: int
) -> list[Change]:
    """Assets and work orders changed after position `after`, in sequence order."""
    found: list[Change] = []
    for subject_type, model in SEQUENCED.items():
        stmt = select(model.id, model.change_seq, model.deleted_at).where(model.change_seq > after)
        if site_ids is not None:
            stmt = stmt.where(model.site_id.in_(site_ids))
        for row_id, seq, deleted_at in session.execute(stmt.order_by(model.change_seq).limit(limit)):
            found.append(
                Change(subject_type=subject_type, id=row_id, change_seq=seq, deleted=deleted_at is not None)
            )
    return sorted(found, key=lambda c: c.change_seq)[:limit]


router = APIRouter(prefix="/api/v1", tags=["sync"], route_class=IdempotentRoute, responses=ERROR_RESPONSES)


@router.get("/changes", response_model=ChangePage)
def read_changes(
    session: SessionDep,
    principal: ReadDep,
    after: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=1000),
) -> ChangePage:
    """Everything changed after position `after`; poll again with `after=next_after` (never skips a commit)."""
    items = changes_after(session, principal.site_ids, after, limit)
    return ChangePage(items=items, next_after=items[-1].change_seq if items else after)
