"""The frozen collector (packaging/freeze.py, what the Windows and macOS packages carry), built here for Linux with
PyInstaller: it gathers, and the schedule it installs starts the frozen program itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

pytest.importorskip("PyInstaller", reason="PyInstaller is not installed: the frozen collector was not built")


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("frozen")
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging/freeze.py"), str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip()) / "inventory-collector"


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INVENTORY_", "PYTHON"))}
    return env | {"INVENTORY_COLLECTOR_STATE_DIR": str(tmp_path / "state")}


def test_the_frozen_collector_gathers_without_python(frozen: Path, tmp_path: Path) -> None:
    shown = subprocess.run(
        [str(frozen), "show", "--json", "--section", "system", "--section", "hardware"],
        capture_output=True, text=True, env=clean_env(tmp_path), cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["system"]["os"]["family"] == "linux"
    assert report["hardware"]["cpus"]  # psutil and the platform modules were frozen in


@pytest.mark.parametrize("platform", ["windows", "macos"])
def test_install_service_schedules_the_frozen_program(frozen: Path, tmp_path: Path, platform: str) -> None:
    done = subprocess.run(
        [str(frozen), "install-service", "--dry-run", "--platform", platform],
        capture_output=True, text=True, env=clean_env(tmp_path), timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    shown = f"<Command>{frozen}</Command>" if platform == "windows" else f"<string>{frozen}</string>"
    assert shown in done.stdout
