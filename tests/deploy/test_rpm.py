"""The collector's RPM: the spec parses with rpmspec, rpmbuild builds it, its contents, metadata and scriptlets are
checked and its payload runs (skipped, saying so, where rpm is not installed: `apt-get install rpm`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SPEC = ROOT / "packaging/rpm/inventory-collector.spec"
needs_rpm = pytest.mark.skipif(
    shutil.which("rpmbuild") is None or shutil.which("rpmspec") is None,
    reason="rpmbuild/rpmspec are not installed (apt-get install rpm): the RPM was not built",
)


@pytest.fixture(scope="module")
def rpm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rpm")
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging/rpm/build_rpm.py"), str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def query(rpm: Path, *flags: str) -> str:
    return subprocess.run(["rpm", "-qp", *flags, str(rpm)], capture_output=True, text=True, check=True).stdout


@needs_rpm
def test_rpmspec_parses_the_spec() -> None:
    done = subprocess.run(
        ["rpmspec", "--parse", "--define", "collector_version 0.1.0", str(SPEC)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "Version:        0.1.0" in done.stdout


@needs_rpm
def test_the_package_holds_the_collector_units_config_and_state_dir(rpm: Path) -> None:
    modes = {line.split()[-1]: line.split()[0] for line in query(rpm, "-lv").splitlines()}
    assert modes["/usr/bin/inventory-collector"] == "-rwxr-xr-x"
    assert modes["/etc/inventory-collector/config.toml"] == "-rw-------"
    assert modes["/var/lib/inventory-collector"] == "drwx------"
    for unit in ("inventory-collector.service", "inventory-collector.timer"):
        assert f"/usr/lib/systemd/system/{unit}" in modes
    assert "/usr/lib/inventory-collector/collector/platforms/windows/powershell.py" in modes
    assert not [path for path in modes if "__pycache__" in path or "inventory_api" in path]


@needs_rpm
def test_requires_psutil_cpuinfo_and_marks_the_config_noreplace(rpm: Path) -> None:
    requires = query(rpm, "--requires").splitlines()
    for need in ("python3 >= 3.11", "python3dist(psutil)", "python3dist(py-cpuinfo)"):
        assert need in requires
    assert query(rpm, "--configfiles").split() == ["/etc/inventory-collector/config.toml"]
    scripts = query(rpm, "--scripts")
    assert "systemctl enable --now inventory-collector.timer" in scripts
    assert "systemctl disable --now inventory-collector.timer" in scripts


@needs_rpm
def test_the_packaged_collector_runs_with_the_debs_units(rpm: Path, tmp_path: Path) -> None:
    with rpm.open("rb") as package, (tmp_path / "payload.tgz").open("wb") as payload:
        subprocess.run(["rpm2archive", "-"], stdin=package, stdout=payload, check=True)
    with tarfile.open(tmp_path / "payload.tgz") as tar:
        tar.extractall(tmp_path / "root", filter="data")
    root = tmp_path / "root"
    from collector.schedule import systemd_units

    for name, text in systemd_units(["/usr/bin/inventory-collector"], user="root", splay_seconds=300).items():
        assert (root / "usr/lib/systemd/system" / name).read_text() == text
    env = {**os.environ, "PYTHONPATH": str(root / "usr/lib/inventory-collector")}
    shown = subprocess.run(
        [sys.executable, "-m", "collector", "show", "--json", "--section", "system"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["system"]["os"]["family"] == "linux"
