"""Installed from the built wheel alone, away from the checkout: migrate, serve, /readyz; and the collector without
the server's dependencies."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import dbs
from tests.e2e.conftest import free_port

ROOT = Path(__file__).parents[2]
SKIP = shutil.ignore_patterns(
    ".venv", ".git", "build", "var", "*.egg-info", "__pycache__", ".*_cache", "tests"
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding only the wheel; the server's dependencies come from this venv's site-packages
    through a .pth line (no download, and without the checkout's editable install, whose hook is not read)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=SKIP)  # a clean copy: no stale build/ can leak into the wheel
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work), str(source)], check=True
    )
    wheel = next(work.glob("endpoint_inventory-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
        check=True,
    )
    packages = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                              capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    Path(packages, "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    origin = subprocess.run([str(python), "-c", "import inventory_api, collector; print(inventory_api.__file__, collector.__file__)"],
                            capture_output=True, text=True, cwd=work, check=True).stdout  # fmt: skip
    assert origin.count(packages) == 2, origin  # the wheel's copy, not the checkout
    return venv


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with dbs.fresh_database(request.param, tmp_path) as url:
        yield url


def test_migrate_and_serve_from_the_wheel(installed: Path, empty_url: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVENTORY_")} | {
        "INVENTORY_DATABASE_URL": empty_url,
        "INVENTORY_WORKER_IN_SERVE": "false",
    }
    script = installed / "bin" / "inventory-api"
    migrated = subprocess.run([str(script), "migrate"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert migrated.returncode == 0, migrated.stderr
    assert "database at migration" in migrated.stderr
    port = free_port()
    server = subprocess.Popen([str(script), "serve", "--port", str(port)], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "serve did not become ready"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_the_collector_runs_from_the_wheel_without_the_server(installed: Path, tmp_path: Path) -> None:
    code = (
        "import sys, json; from collector.commands import main; rc = main(['show', '--json', '--section', 'system']);"
        "loaded = sorted(m for m in ('fastapi', 'sqlalchemy', 'pydantic', 'inventory_api') if m in sys.modules);"
        "print(json.dumps({'rc': rc, 'loaded': loaded}), file=sys.stderr)"
    )
    done = subprocess.run(
        [str(installed / "bin" / "python"), "-c", code], cwd=tmp_path, capture_output=True, text=True
    )
    assert json.loads(done.stdout)["system"]["os"]["family"] == "linux"
    assert done.stderr.strip().splitlines()[-1] == '{"rc": 0, "loaded": []}'
