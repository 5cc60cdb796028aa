"""`make run`'s main job: admin account, enroll secret, this machine enrolled and inventoried, on SQLite."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from inventory_api import migrations
from inventory_api.assets.models import Asset
from inventory_api.db import Database
from tests.e2e.conftest import free_port

DONE = "quickstart: this machine is inventoried"


def quickstart(workdir: Path, url: str, port: int) -> tuple[subprocess.Popen[str], str]:
    """Start `inventory-api quickstart` and read its output until this machine is inventoried."""
    env = {
        **os.environ,
        "INVENTORY_DATABASE_URL": url,
        "INVENTORY_PORT": str(port),
        "INVENTORY_WORKER_IN_SERVE": "false",
    }
    env.pop("INVENTORY_ADMIN_PASSWORD", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "inventory_api.cli", "quickstart"], cwd=workdir, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    output = ""
    deadline = time.monotonic() + 90
    while DONE not in output and time.monotonic() < deadline and process.poll() is None:
        output += process.stdout.readline()
    return process, output


def test_quickstart_inventories_this_machine_and_survives_a_database_reset(tmp_path):
    url = f"sqlite:///{tmp_path / 'var' / 'inventory.db'}"
    (tmp_path / "var").mkdir()
    migrations.upgrade(url)
    process, output = quickstart(tmp_path, url, free_port())
    process.terminate()
    process.wait(timeout=20)
    assert DONE in output, output[-3000:]
    assert re.search(r"Admin account created: username 'admin', password '\S{12,}'", output)
    assert oct((tmp_path / "var" / "enroll-secret").stat().st_mode & 0o777) == "0o600"

    # The database is reset; the collector's node key and the saved secret are stale: both are renewed.
    (tmp_path / "var" / "inventory.db").unlink()
    migrations.upgrade(url)
    process, output = quickstart(tmp_path, url, free_port())
    process.terminate()
    process.wait(timeout=20)
    assert DONE in output, output[-3000:]
    db = Database(url)
    try:
        with db.sessions() as session:
            machines = list(session.scalars(select(Asset).where(Asset.last_seen.is_not(None))))
        assert len(machines) == 1
        assert machines[0].hostname
    finally:
        db.dispose()
