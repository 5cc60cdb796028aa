"""The Windows package's scripts, checked against the collector they drive: every collector command line they run
parses with the collector's own parser, and they use its task name, config folder, config keys and grants. The
scripts themselves run only on Windows (.github/workflows/collector-packages.yml); there is no PowerShell here."""

from __future__ import annotations

import re
import shlex
import sys
import zipfile
from pathlib import Path, PureWindowsPath

import pytest

from collector.commands import build_parser
from collector.config import FILE_KEYS
from collector.delivery import EXIT_SPOOLED
from collector.paths import default_config_path
from collector.schedule import TASK_NAME, plan_for

ROOT = Path(__file__).parents[2]
HERE = ROOT / "packaging/windows"
INSTALL = (HERE / "install-collector.ps1").read_text(encoding="utf-8")
UNINSTALL = (HERE / "uninstall-collector.ps1").read_text(encoding="utf-8")


def collector_calls(script: str) -> list[list[str]]:
    """The argument lists of every `& $Collector …` line; a PowerShell variable stands for one value."""
    calls = re.findall(r"^\s*& \$Collector (.+)$", script, flags=re.MULTILINE)
    return [["VALUE" if word.startswith("$") else word for word in shlex.split(call)] for call in calls]


def test_every_collector_call_parses_with_the_collectors_parser() -> None:
    calls = collector_calls(INSTALL)
    assert [call[0] for call in calls] == ["install-service", "run"]
    for call in calls:
        build_parser().parse_args(call)  # an unknown command or option exits: the test fails


def test_the_install_script_is_silent_with_server_and_secret_parameters() -> None:
    params = re.search(r"param\((.*?)\n\)", INSTALL, flags=re.DOTALL)
    assert params is not None
    assert re.findall(r"\[string\]\$(\w+)", params.group(1)) == ["ServerUrl", "EnrollSecret", "InstallDir"]
    assert "Read-Host" not in INSTALL and "Mandatory" not in INSTALL  # nothing ever prompts


def test_the_config_it_writes_uses_the_collectors_names_and_place() -> None:
    keys = re.findall(r'(?:"|`n)(\w+) = \$\(ConvertTo-TomlString', INSTALL)  # `n: PowerShell's newline
    assert keys == ["server", "enroll_secret"]
    assert set(keys) <= FILE_KEYS
    config = default_config_path("win32", {"ProgramData": r"C:\ProgramData"})
    assert PureWindowsPath(config).parts[-2:] == ("InventoryCollector", "config.toml")
    assert "Join-Path $env:ProgramData 'InventoryCollector'" in INSTALL
    assert "Join-Path $DataDir 'config.toml'" in INSTALL


def test_it_locks_the_state_folder_as_install_service_does() -> None:
    (icacls,) = [argv for argv in plan_for("windows", ["x.exe"], user="root", splay_seconds=300).commands
                 if argv[0] == "icacls"]  # fmt: skip
    for grant in icacls[2:]:
        assert grant in INSTALL


def test_both_scripts_name_the_task_install_service_registers_and_the_spool_exit_code() -> None:
    for script in (INSTALL, UNINSTALL):
        assert re.findall(r"-TaskName '(\w+)'", script) and set(re.findall(r"-TaskName '(\w+)'", script)) == {
            TASK_NAME
        }
    assert f"$Spooled = {EXIT_SPOOLED}" in INSTALL


def test_pack_puts_the_frozen_folder_and_the_scripts_in_one_zip(tmp_path: Path) -> None:
    sys.path.insert(0, str(HERE))
    try:
        from build_windows import pack
    finally:
        sys.path.remove(str(HERE))
    frozen = tmp_path / "inventory-collector"
    (frozen / "_internal").mkdir(parents=True)
    (frozen / "inventory-collector.exe").write_bytes(b"MZ")
    (frozen / "_internal/python311.dll").write_bytes(b"MZ")
    target = pack(frozen, tmp_path / "out/package.zip")
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == [
            "install-collector.ps1",
            "inventory-collector/_internal/python311.dll",
            "inventory-collector/inventory-collector.exe",
            "uninstall-collector.ps1",
        ]


@pytest.mark.parametrize("script", ["install-collector.ps1", "uninstall-collector.ps1"])
def test_scripts_require_administrator_and_stop_on_errors(script: str) -> None:
    text = (HERE / script).read_text(encoding="utf-8")
    assert "#Requires -RunAsAdministrator" in text
    assert "$ErrorActionPreference = 'Stop'" in text
