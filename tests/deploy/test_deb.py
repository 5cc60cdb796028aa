"""The collector's .deb: built with dpkg-deb, its contents and metadata checked, its payload run from the package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed")
    out = tmp_path_factory.mktemp("deb")
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging/deb/build_deb.py"), str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def listing(deb: Path) -> dict[str, str]:
    """Path → mode string of every entry."""
    lines = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    entries = {}
    for line in lines.splitlines():
        fields = line.split()
        entries[fields[-1].removeprefix(".")] = fields[0]
    return entries


def test_the_package_holds_the_collector_units_config_and_state_dir(deb: Path) -> None:
    entries = listing(deb)
    assert entries["/usr/bin/inventory-collector"] == "-rwxr-xr-x"
    assert entries["/etc/inventory-collector/config.toml"] == "-rw-------"
    assert entries["/var/lib/inventory-collector/"] == "drwx------"
    for unit in ("inventory-collector.service", "inventory-collector.timer"):
        assert f"/lib/systemd/system/{unit}" in entries
    assert "/usr/lib/inventory-collector/collector/platforms/windows/powershell.py" in entries
    assert not [
        path
        for path in entries
        if "__pycache__" in path or path.startswith("/usr/lib/inventory-collector/inventory_api")
    ]


def test_control_names_debian_dependencies_and_the_conffile(deb: Path) -> None:
    info = subprocess.run(["dpkg-deb", "-I", str(deb)], capture_output=True, text=True, check=True).stdout
    assert "Package: inventory-collector" in info
    assert "Depends: python3 (>= 3.11), python3-psutil, python3-cpuinfo" in info
    conffiles = subprocess.run(
        ["dpkg-deb", "-I", str(deb), "conffiles"], capture_output=True, text=True
    ).stdout
    assert conffiles.strip() == "/etc/inventory-collector/config.toml"


def test_the_packaged_collector_runs_and_its_units_verify(deb: Path, tmp_path: Path) -> None:
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp_path)], check=True)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "usr/lib/inventory-collector")}
    origin = subprocess.run(
        [sys.executable, "-c", "import collector; print(collector.__file__)"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=True,
    ).stdout  # fmt: skip
    assert origin.startswith(str(tmp_path)), origin  # the packaged copy, not the checkout
    shown = subprocess.run(
        [sys.executable, "-m", "collector", "show", "--json", "--section", "system"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["system"]["os"]["family"] == "linux"
    tool = shutil.which("systemd-analyze")
    if tool is None:
        return
    for unit in ("inventory-collector.service", "inventory-collector.timer"):
        text = (tmp_path / "lib/systemd/system" / unit).read_text()
        (tmp_path / unit).write_text(
            text.replace("/usr/bin/inventory-collector", str(tmp_path / "usr/bin/inventory-collector"))
        )
    done = subprocess.run(
        [
            tool,
            "verify",
            str(tmp_path / "inventory-collector.service"),
            str(tmp_path / "inventory-collector.timer"),
        ],
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")
