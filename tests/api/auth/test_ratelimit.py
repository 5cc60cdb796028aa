"""The sliding window limits a burst wherever it falls, on the clock the caller gives."""

from datetime import UTC, datetime, timedelta

import pytest

from inventory_api.errors import RateLimited
from inventory_api.ratelimit import check_rate

T0 = datetime(2026, 11, 25, 9, 0, 55, tzinfo=UTC)  # five seconds before a window boundary


def test_a_burst_straddling_a_window_boundary_is_still_limited(db):
    for second in range(10):  # five calls before 09:01:00, five after
        check_rate(db, "login:x", limit=10, now=T0 + timedelta(seconds=second))
    with pytest.raises(RateLimited) as refused:
        check_rate(db, "login:x", limit=10, now=T0 + timedelta(seconds=10))
    assert refused.value.status == 429
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 60


def test_the_limit_lifts_once_the_window_has_slid_past(db):
    for _ in range(10):
        check_rate(db, "enroll:y", limit=10, now=T0)
    with pytest.raises(RateLimited):
        check_rate(db, "enroll:y", limit=10, now=T0)
    check_rate(db, "enroll:y", limit=10, now=T0 + timedelta(minutes=2))
    check_rate(db, "other:key", limit=10, now=T0)  # keys are counted apart
