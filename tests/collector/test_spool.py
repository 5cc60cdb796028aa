"""The spool keeps the newest undelivered report as gzip, bounded, counting the ones it replaced."""

import gzip
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from collector.spool import BACKOFF_CAP_SECONDS, Spool, backoff_seconds, next_attempt_at


def test_put_writes_a_gzip_report_that_load_returns(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=1 << 20)
    assert spool.load() is None
    assert spool.put({"report_id": "r1", "system": {"serial": "X"}})
    assert spool.has_report()
    assert json.loads(gzip.decompress(spool.report_path.read_bytes())) == {
        "report_id": "r1",
        "system": {"serial": "X"},
    }
    assert spool.load() == {"report_id": "r1", "system": {"serial": "X"}}
    assert spool.replaced == 0


def test_newer_report_replaces_older_and_is_counted(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=1 << 20)
    for number in range(1, 4):
        spool.put({"report_id": f"r{number}"})
    assert spool.load() == {"report_id": "r3"}
    assert spool.replaced == 2


def test_clear_forgets_report_and_counter(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=1 << 20)
    spool.put({"report_id": "r1"})
    spool.put({"report_id": "r2"})
    spool.clear()
    assert spool.load() is None
    assert spool.replaced == 0
    assert not spool.has_report()


def test_report_over_the_bound_is_not_spooled(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=1024)
    spool.put({"report_id": "small"})
    noise = random.Random(7).randbytes(4096).hex()
    assert not spool.put({"report_id": "big", "blob": noise})
    assert spool.load() == {"report_id": "small"}


def test_damaged_spool_file_reads_as_empty(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=1 << 20)
    spool.put({"report_id": "r1"})
    spool.report_path.write_bytes(spool.report_path.read_bytes()[:10])
    assert spool.load() is None


@pytest.mark.parametrize(("attempt", "ceiling"), [(1, 60), (2, 120), (3, 240), (10, BACKOFF_CAP_SECONDS)])
def test_backoff_is_full_jitter_below_a_doubling_ceiling(attempt: int, ceiling: float) -> None:
    rng = random.Random(42)
    delays = [backoff_seconds(attempt, rng=rng) for _ in range(500)]
    assert all(0 <= delay <= ceiling for delay in delays)
    assert max(delays) > ceiling * 0.9  # the jitter spans the whole range, not a fixed step
    assert min(delays) < ceiling * 0.1


def test_backoff_never_undercuts_retry_after_but_stays_capped() -> None:
    rng = random.Random(1)
    assert all(backoff_seconds(1, rng=rng, retry_after=300) >= 300 for _ in range(100))
    assert backoff_seconds(1, rng=rng, retry_after=10**9) == BACKOFF_CAP_SECONDS


def test_next_attempt_at_adds_the_delay_to_now() -> None:
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    moment = next_attempt_at(now, 1, rng=random.Random(3), retry_after=120)
    assert moment == now + timedelta(seconds=120)  # the jitter of a first attempt stays below 60 s
