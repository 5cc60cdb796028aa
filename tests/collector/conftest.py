"""Fixtures of the collector tests: the local protocol server."""

from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.collector.fake_server import FakeInventoryServer
from tests.collector.runs import START


@pytest.fixture
def server() -> Iterator[FakeInventoryServer]:
    """The fake server, pacing the next report one hour after START."""
    with FakeInventoryServer(secret="enroll-me") as running:
        running.next_report_at = (START + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
        yield running
