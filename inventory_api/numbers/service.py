"""Number pools: free numbers, the next free one under concurrency, reservations and quarantine."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory_api.cabling.registry import Sites, require_location, site_of, visible
from inventory_api.db import utcnow
from inventory_api.errors import Conflict, NotFound, Unprocessable
from inventory_api.history.service import record_change
from inventory_api.numbers.models import NumberPool, NumberRecord

MAX_POOL_SIZE = 100_000
#: How many taken candidates one allocation skips before giving up (each is a lost race).
MAX_ATTEMPTS = 50


def scope_of(kind: str, site_id: uuid.UUID, dial_plan: str) -> str:
    """DIDs are unique worldwide; extensions within a site's dial plan."""
    return "e164" if kind == "did" else f"{site_id}:{dial_plan}"


def _as_int(kind: str, number: str) -> int:
    return int(number.removeprefix("+")) if kind == "did" else int(number)


def _format(pool: NumberPool, value: int) -> str:
    return f"+{value}" if pool.kind == "did" else str(value).zfill(len(pool.first))


def pool_numbers(pool: NumberPool) -> Iterator[str]:
    """Every number of the pool, in order."""
    for value in range(_as_int(pool.kind, pool.first), _as_int(pool.kind, pool.last) + 1):
        yield _format(pool, value)


def in_pool(pool: NumberPool, number: str) -> bool:
    if len(number) != len(pool.first):
        return False
    return _as_int(pool.kind, pool.first) <= _as_int(pool.kind, number) <= _as_int(pool.kind, pool.last)


# --- pools ---------------------------------------------------------------------------------------------------


def require_pool(session: Session, pool_id: uuid.UUID, sites: Sites = None) -> NumberPool:
    pool = session.get(NumberPool, pool_id)
    if pool is None or not visible(sites, pool.site_id):
        raise NotFound("number pool", pool_id)
    return pool


def pools_query(sites: Sites, **filters: Any) -> Select[Any]:
    stmt = select(NumberPool)
    if sites is not None:
        stmt = stmt.where(NumberPool.site_id.in_(sites))
    for field in ("site_id", "kind", "dial_plan"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(NumberPool, field) == filters[field])
    return stmt


def create_pool(session: Session, data: dict[str, Any], sites: Sites = None) -> NumberPool:
    site = require_location(session, data["site_id"], sites)
    if site.kind != "site":
        raise Unprocessable("a number pool belongs to a site", code="not_a_site")
    pool = NumberPool(**{**data, "site_id": site_of(site)})
    if len(pool.first) != len(pool.last) or _as_int(pool.kind, pool.first) > _as_int(pool.kind, pool.last):
        raise Unprocessable("first and last have the same length and first ≤ last", code="bad_range")
    if _as_int(pool.kind, pool.last) - _as_int(pool.kind, pool.first) >= MAX_POOL_SIZE:
        raise Unprocessable(f"a pool holds at most {MAX_POOL_SIZE} numbers", code="pool_too_large")
    scope = scope_of(pool.kind, pool.site_id, pool.dial_plan)
    for other in session.scalars(select(NumberPool).where(NumberPool.kind == pool.kind)):
        if scope_of(other.kind, other.site_id, other.dial_plan) == scope and (
            in_pool(other, pool.first) or in_pool(other, pool.last) or in_pool(pool, other.first)
        ):
            raise Conflict(f"the range overlaps pool {other.name}", code="pool_overlap")
    session.add(pool)
    session.flush()
    record_change(
        session, "number_pool", pool.id, "created", summary=f"{pool.kind} pool {pool.first}–{pool.last}"
    )
    return pool


# --- numbers --------------------------------------------------------------------------------------------------


def records_in(session: Session, pool: NumberPool) -> dict[str, NumberRecord]:
    """Every number of the pool's range that is not plainly free, by number (whichever pool, if any, took it)."""
    scope = scope_of(pool.kind, pool.site_id, pool.dial_plan)
    stmt = select(NumberRecord).where(NumberRecord.kind == pool.kind, NumberRecord.scope == scope)
    return {r.number: r for r in session.scalars(stmt) if in_pool(pool, r.number)}


def is_free(record: NumberRecord | None, now: datetime) -> bool:
    """No record, or a quarantine that is over."""
    if record is None:
        return True
    return (
        record.state == "quarantined"
        and record.quarantine_until is not None
        and record.quarantine_until <= now
    )


def free_numbers(session: Session, pool: NumberPool, *, limit: int = 100) -> list[str]:
    """The first `limit` free numbers of a pool, in order."""
    now, records, free = utcnow(), records_in(session, pool), []
    for number in pool_numbers(pool):
        if is_free(records.get(number), now):
            free.append(number)
            if len(free) >= limit:
                break
    return free


def _take(
    session: Session, pool: NumberPool, number: str, record: NumberRecord | None, values: dict[str, Any]
):
    """Claim one free number: an insert guarded by the unique key, or a guarded update of an expired quarantine.

    Returns None when another transaction got it first.
    """
    if record is None:
        try:
            with session.begin_nested():
                new = NumberRecord(kind=pool.kind, scope=scope_of(pool.kind, pool.site_id, pool.dial_plan),
                                   number=number, site_id=pool.site_id, pool_id=pool.id, **values)  # fmt: skip
                session.add(new)
        except IntegrityError:
            return None
        return new
    claimed = session.execute(
        update(NumberRecord)
        .where(
            NumberRecord.id == record.id,
            NumberRecord.state == "quarantined",
            NumberRecord.quarantine_until <= utcnow(),
        )
        .values(**values, quarantine_until=None, pool_id=pool.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return None
    session.refresh(record)
    return record


def allocate_next(session: Session, pool: NumberPool, *, state: str = "allocated", note: str | None = None):
    """The lowest free number of the pool, claimed so that no concurrent request gets it too."""
    now, records = utcnow(), records_in(session, pool)
    lost: set[str] = set()
    for number in pool_numbers(pool):
        if number in lost or not is_free(records.get(number), now):
            continue
        record = _take(
            session, pool, number, records.get(number), {"state": state, "note": note, "service_id": None}
        )
        if record is not None:
            record_change(session, "number_pool", pool.id, state, summary=f"{number} {state}")
            return record
        lost.add(number)
        if len(lost) >= MAX_ATTEMPTS:
            break
    raise Conflict(f"pool {pool.name} has no free number", code="pool_exhausted")


def reserve(session: Session, pool: NumberPool, number: str, *, note: str | None = None) -> NumberRecord:
    """Hold one chosen number of the pool."""
    if not in_pool(pool, number):
        raise Unprocessable(f"{number} is not in pool {pool.name}", code="not_in_pool")
    record = records_in(session, pool).get(number)
    if not is_free(record, utcnow()):
        raise _taken(record)
    taken = _take(session, pool, number, record, {"state": "reserved", "note": note, "service_id": None})
    if taken is None:
        raise Conflict(f"{number} was just taken", code="number_taken")
    record_change(session, "number_pool", pool.id, "reserved", summary=f"{number} reserved")
    return taken


def _taken(record: NumberRecord) -> Conflict:
    if record.state == "quarantined":
        return Conflict(f"{record.number} is in quarantine until {record.quarantine_until:%Y-%m-%d}",
                        code="number_quarantined")  # fmt: skip
    return Conflict(f"{record.number} is {record.state}", code="number_taken")


def require_record(session: Session, pool: NumberPool, number: str) -> NumberRecord:
    record = records_in(session, pool).get(number)
    if record is None:
        raise NotFound("taken number", number)
    return record


def release(session: Session, pool: NumberPool, number: str, *, force: bool = False) -> None:
    """Free a reserved or allocated number (a quarantined one only with `force`)."""
    record = require_record(session, pool, number)
    if record.state == "assigned":
        raise Conflict(f"{number} is used by a service; disconnect the service", code="number_in_use")
    if record.state == "quarantined" and not force:
        raise Conflict(f"{number} is in quarantine; release it with force=true", code="number_quarantined")
    session.delete(record)
    record_change(session, "number_pool", pool.id, "released", summary=f"{number} released")


def records_query(pool: NumberPool, state: str | None = None) -> Select[Any]:
    stmt = select(NumberRecord).where(NumberRecord.pool_id == pool.id)
    return stmt.where(NumberRecord.state == state) if state else stmt
