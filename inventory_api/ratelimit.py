"""Sliding-window rate limits kept in the database, so every replica sees the same counts."""

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory_api.auth.models import RateCounter
from inventory_api.db import Database, utcnow
from inventory_api.errors import RateLimited


def _count_one(session: Session, key: str, start: datetime) -> int:
    """Add one to this window's counter and return it."""
    counted = session.execute(
        update(RateCounter)
        .where(RateCounter.key == key, RateCounter.window_start == start)
        .values(count=RateCounter.count + 1)
        .returning(RateCounter.count)
    ).scalar()
    if counted is None:
        session.add(RateCounter(key=key, window_start=start, count=1))
        session.flush()
        counted = 1
    return counted


def check_rate(
    db: Database, key: str, *, limit: int, window_seconds: int = 60, now: datetime | None = None
) -> None:
    """Count one request for `key`; raise RateLimited (429 + Retry-After) past `limit` per sliding window.

    The window slides: the previous fixed window's count weighs by how much of it still overlaps, so a burst that
    straddles a window boundary is limited like any other. Runs in its own transaction: a refused login still
    counts, although its request rolls back.
    """
    now = now or utcnow()
    start = datetime.fromtimestamp(int(now.timestamp()) // window_seconds * window_seconds, UTC)
    previous_start = start - timedelta(seconds=window_seconds)
    for attempt in range(2):
        try:
            with db.transaction() as session:
                current = _count_one(session, key, start)
                previous = session.scalar(
                    select(RateCounter.count).where(
                        RateCounter.key == key, RateCounter.window_start == previous_start
                    )
                )
                session.execute(
                    delete(RateCounter).where(
                        RateCounter.key == key, RateCounter.window_start < previous_start
                    )
                )
            break
        except IntegrityError:  # another request created this window's row first: count again
            if attempt:
                raise
    overlap = 1 - (now - start).total_seconds() / window_seconds
    if (previous or 0) * overlap + current > limit:
        retry = max(1, math.ceil((start + timedelta(seconds=window_seconds) - now).total_seconds()))
        raise RateLimited(f"too many requests for {key.split(':')[0]}; retry in {retry} s", retry)
