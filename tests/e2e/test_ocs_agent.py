"""End to end: Debian's ocsinventory-agent against a real server process, then our collector on the same machine:
one asset, the same packages."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import func, select

from inventory_api.assets.models import Asset
from inventory_api.ingest.models import Collector
from inventory_api.software.models import Installation
from tests.api.ingest.reports import make_secret, make_site
from tests.e2e.conftest import LiveServer
from tests.e2e.test_collector_ingest import collector

pytestmark = pytest.mark.e2e


def test_ocs_inventory_agent_then_our_collector_is_one_asset(db, tmp_path):
    secret = make_secret(db, make_site(db))
    server = LiveServer(db.url, tmp_path, INVENTORY_REPORT_MIN_INTERVAL_SECONDS="0")
    server.start()
    try:
        agent = subprocess.run(
            ["ocsinventory-agent", f"--server={server.url}/api/v1/agents/ocs/{secret}", "--force",
             f"--basevardir={tmp_path / 'ocs'}", "--nolocal"],
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert agent.returncode == 0, agent.stdout + agent.stderr
        with db.sessions() as s:
            assert s.scalar(select(Collector.agent)) == "ocs-agent", agent.stdout + agent.stderr
            asset = s.scalars(select(Asset)).one()
            packages = s.scalar(select(func.count()).select_from(Installation))
        assert packages > 0 and asset.hostname
        state = tmp_path / "state"
        assert collector(state, "enroll", "--server", server.url, "--secret", secret).returncode == 0
        ran = collector(state, "run", "--force")
        assert ran.returncode == 0, ran.stderr
        with db.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Asset)) == 1
            assert s.scalar(select(Asset.id)) == asset.id
            ours = s.scalar(select(func.count()).select_from(Installation))
        assert ours == packages  # the same dpkg packages, seen by both
    finally:
        server.stop()
