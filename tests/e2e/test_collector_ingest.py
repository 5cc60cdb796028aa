"""End to end: a real server process, the real collector on this machine, the asset and its software in the API."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
from sqlalchemy import func, select

from inventory_api.assets.models import Asset
from inventory_api.history.models import ChangeEvent
from inventory_api.ingest.models import Collector, InventoryState
from tests.api.ingest.reports import make_secret, make_site
from tests.e2e.conftest import LiveServer

COLLECTOR = [sys.executable, "-m", "collector"]


def collector(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INVENTORY_COLLECTOR_STATE_DIR": str(state)}
    env.pop("INVENTORY_COLLECTOR_SERVER", None)
    return subprocess.run(
        [*COLLECTOR, "--state-dir", str(state), *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_collector_enrolls_reports_and_survives_a_server_restart(db, tmp_path, make_user):
    secret = make_secret(db, make_site(db))
    admin = make_user("admin")
    state = tmp_path / "state"
    server = LiveServer(db.url, tmp_path, INVENTORY_REPORT_MIN_INTERVAL_SECONDS="0")
    server.start()
    try:
        enrolled = collector(state, "enroll", "--server", server.url, "--secret", secret)
        assert enrolled.returncode == 0, enrolled.stderr
        first = collector(state, "run", "--force")
        assert first.returncode == 0, first.stderr
        with db.sessions() as s:
            asset = s.scalar(select(Asset))
        assert asset.hostname == socket.gethostname()
        with httpx.Client(base_url=server.url, headers=admin) as api:
            inventory = api.get(f"/api/v1/assets/{asset.id}/inventory").json()
            assert inventory["system"]["os_family"] == "linux"
            assert inventory["cpus"] and inventory["interfaces"]
            software = api.get(f"/api/v1/assets/{asset.id}/software?count=true&limit=5").json()
        dpkg = subprocess.run(
            ["dpkg-query", "-W", "-f", "${db:Status-Abbrev}\n"], capture_output=True, text=True
        )
        installed = sum(1 for line in dpkg.stdout.splitlines() if line.startswith("ii"))
        assert software["total"] == inventory["software_count"] > 0
        assert (
            abs(software["total"] - installed) <= installed // 20 + 1
        )  # the same packages as dpkg (arch/scope merges aside)

        unchanged = collector(state, "run", "--force")  # the delta protocol: sections sent as hashes only
        assert unchanged.returncode == 0, unchanged.stderr

        server.stop()
        offline = collector(state, "run", "--force")
        assert offline.returncode == 75, offline.stderr  # kept in the spool
        assert any(state.rglob("*spool*")), list(state.iterdir())
        server.start()
        back = collector(state, "run", "--force")
        assert back.returncode == 0, back.stderr
    finally:
        server.stop()
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Asset)) == 1
        assert s.scalar(select(func.count()).select_from(Collector)) == 1
        reports = s.scalar(
            select(InventoryState.report_count).where(InventoryState.asset_id == uuid.UUID(str(asset.id)))
        )
    assert reports == 3  # first, unchanged, and the spooled run's newer snapshot: nothing lost, nothing twice


#: The collector, with one of this machine's dpkg packages hidden (as if it had been removed): `DROP_PACKAGE`.
WITHOUT_ONE = """
import os, sys
from collector.platforms.linux import dpkg
real = dpkg.read_dpkg_packages
dpkg.read_dpkg_packages = lambda *a, **k: [p for p in real(*a, **k) or [] if p.name != os.environ["DROP_PACKAGE"]]
from collector.cli import main
sys.exit(main())
"""


def test_a_removed_and_reinstalled_package_goes_as_a_software_delta(db, tmp_path, make_user):
    secret = make_secret(db, make_site(db))
    admin = make_user("admin")
    state = tmp_path / "state"
    server = LiveServer(db.url, tmp_path, INVENTORY_REPORT_MIN_INTERVAL_SECONDS="0")
    version = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "dpkg"], capture_output=True, text=True)
    server.start()
    try:
        assert collector(state, "enroll", "--server", server.url, "--secret", secret).returncode == 0
        assert collector(state, "run", "--force").returncode == 0
        with db.sessions() as s:
            asset_id = s.scalar(select(Asset.id))
        with httpx.Client(base_url=server.url, headers=admin) as api:

            def installed() -> int:
                return api.get(f"/api/v1/assets/{asset_id}/software?count=true&limit=1").json()["total"]

            before = installed()
            env = {**os.environ, "INVENTORY_COLLECTOR_STATE_DIR": str(state), "DROP_PACKAGE": "dpkg"}
            without = subprocess.run(
                [sys.executable, "-c", WITHOUT_ONE, "--state-dir", str(state), "run", "--force"],
                env=env, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            assert without.returncode == 0, without.stderr
            assert "software as a delta: 0 added, 1 removed" in without.stderr
            assert installed() == before - 1
            back = collector(state, "run", "--force")
            assert back.returncode == 0, back.stderr
            assert "software as a delta: 1 added, 0 removed" in back.stderr
            assert installed() == before
    finally:
        server.stop()
    with db.sessions() as s:
        lines = s.scalars(select(ChangeEvent.summary).where(ChangeEvent.subject_id == asset_id)).all()
    assert f"dpkg {version.stdout} removed" in lines
    assert f"dpkg {version.stdout} installed" in lines
