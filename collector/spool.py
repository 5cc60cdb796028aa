"""The on-disk spool (newest undelivered report only) and the retry backoff."""

from __future__ import annotations

import gzip
import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from collector.state import atomic_write

SPOOL_DIR = "spool"
REPORT_FILE = "report.json.gz"
META_FILE = "meta.json"
BACKOFF_BASE_SECONDS = 60.0
BACKOFF_CAP_SECONDS = 6 * 3600.0


class Spool:
    """Keeps the newest report that could not be delivered, plus how many older ones it replaced.

    An inventory is a snapshot: a newer report carries everything an older one did, so only one is kept.
    """

    def __init__(self, state_dir: Path, *, max_bytes: int) -> None:
        self.directory = state_dir / SPOOL_DIR
        self.max_bytes = max_bytes

    @property
    def report_path(self) -> Path:
        """Path of the spooled gzip report."""
        return self.directory / REPORT_FILE

    @property
    def replaced(self) -> int:
        """How many undelivered reports were superseded since the last delivery."""
        try:
            value = json.loads((self.directory / META_FILE).read_bytes()).get("replaced", 0)
        except (OSError, ValueError, AttributeError):
            return 0
        return value if isinstance(value, int) and value >= 0 else 0

    def has_report(self) -> bool:
        """True when a report waits in the spool."""
        return self.report_path.is_file()

    def put(self, report: dict[str, Any]) -> bool:
        """Spool a full report, replacing any older one; False if it exceeds the size bound."""
        body = gzip.compress(json.dumps(report, separators=(",", ":")).encode("utf-8"), mtime=0)
        if len(body) > self.max_bytes:
            return False
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        replaced = self.replaced + (1 if self.has_report() else 0)
        atomic_write(self.report_path, body)
        self._write_replaced(replaced)
        return True

    def load(self) -> dict[str, Any] | None:
        """The spooled report, or None if there is none or it is unreadable."""
        try:
            with gzip.open(self.report_path, "rb") as handle:
                data = json.loads(handle.read(self.max_bytes * 64 + 1))
        except (OSError, EOFError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def clear(self) -> None:
        """Forget the spooled report and the replaced counter (the server has the newest state)."""
        self.report_path.unlink(missing_ok=True)
        (self.directory / META_FILE).unlink(missing_ok=True)

    def _write_replaced(self, count: int) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(self.directory / META_FILE, json.dumps({"replaced": count}).encode())


def backoff_seconds(
    attempt: int,
    *,
    rng: random.Random,
    retry_after: float | None = None,
    base: float = BACKOFF_BASE_SECONDS,
    cap: float = BACKOFF_CAP_SECONDS,
) -> float:
    """Exponential backoff with full jitter for failed attempt N (1-based), never below Retry-After."""
    ceiling = min(cap, base * 2 ** max(attempt - 1, 0))
    delay = rng.uniform(0, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay


def next_attempt_at(
    now: datetime, attempt: int, *, rng: random.Random, retry_after: float | None
) -> datetime:
    """When the next send may be tried after a failure."""
    return now + timedelta(seconds=backoff_seconds(attempt, rng=rng, retry_after=retry_after))
