"""Fixed-window rate limits kept in the database, so every replica sees the same counts."""

from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from inventory_api.auth.models import RateCounter
from inventory_api.db import Database, utcnow
from inventory_api.errors import RateLimited


def check_rate(db: Database, key: str, *, limit: int, window_seconds: int = 60) -> None:
    """Count one request for `key`; raise RateLimited (429 + Retry-After) past `limit` per window.

    Runs in its own transaction: a refused login still counts, even though its request rolls back.
    """
    now = utcnow()
    start = now.replace(microsecond=0) - timedelta(seconds=now.timestamp() % window_seconds // 1)
    for _ in range(2):
        try:
            with db.transaction() as session:
                result = session.execute(
                    update(RateCounter)
                    .where(RateCounter.key == key, RateCounter.window_start == start)
                    .values(count=RateCounter.count + 1)
                    .returning(RateCounter.count)
                )
                count = result.scalar()
                if count is None:
                    session.execute(delete(RateCounter).where(RateCounter.key == key))
                    session.add(RateCounter(key=key, window_start=start, count=1))
                    count = 1
            break
        except IntegrityError:  # another request created this window's row first: count again
            continue
    if count > limit:
        retry = int((start + timedelta(seconds=window_seconds) - now).total_seconds()) + 1
        raise RateLimited(f"too many requests for {key.split(':')[0]}; retry in {retry} s", retry)
