"""What `run` tests share: a settable clock, a gatherer the test steers, and a runner wired to them."""

from __future__ import annotations

import random
import socket
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collector.config import Config
from collector.report import Package
from collector.runner import Runner
from collector.state import StateStore
from tests.collector.fake_server import tiny_report

START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


class Clock:
    """A settable wall clock."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Gather:
    """Stands in for collect_report: a tiny report whose software list (names or records) the test can change."""

    def __init__(self) -> None:
        self.packages: Sequence[str | Package] = ("bash",)
        self.calls: list[Sequence[str]] = []

    def __call__(self, sections: Sequence[str]) -> Any:
        self.calls.append(sections)
        return tiny_report(packages=self.packages)


class Sleeps(list):
    """Records the splay sleeps instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_runner(tmp_path: Path, url: str, *, secret: str | None = "enroll-me", **config: Any) -> Runner:
    """A runner on a state directory under tmp_path, with the fake clock, gatherer and sleeps."""
    return Runner(
        config=Config(server=url, enroll_secret=secret, **config),
        store=StateStore(tmp_path / "state"),
        gather=Gather(),
        clock=Clock(),
        monotonic=lambda: 0.0,
        sleep=Sleeps(),
        rng=random.Random(5),
        version="9.9.9",
    )


def closed_port_url() -> str:
    """A URL where nothing listens: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"
