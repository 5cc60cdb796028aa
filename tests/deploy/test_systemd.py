"""The systemd units in deploy/ pass `systemd-analyze verify` (syntax, keys, executables)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNITS = sorted((Path(__file__).parents[2] / "deploy" / "systemd").glob("*.service"))


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_unit_verifies(unit: Path, tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed")
    # The unit names the production path; here the console script of this venv stands in for it.
    script = Path(sys.executable).parent / "inventory-api"
    copy = tmp_path / unit.name
    copy.write_text(unit.read_text().replace("/opt/inventory/bin/inventory-api", str(script)))
    done = subprocess.run([tool, "verify", str(copy)], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_both_units_are_here() -> None:
    assert [u.name for u in UNITS] == ["inventory-api.service", "inventory-worker.service"]
