"""`install-service`: the systemd units, the Windows task XML and the launchd plist it would write."""

import os
import plistlib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from collector.cli import main
from collector.schedule import launchd_plist, plan_for, systemd_units, windows_task_xml

TASK_NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
COMMAND = ["/opt/inventory collector/bin/inventory-collector"]


@pytest.fixture(autouse=True)
def _no_collector_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("INVENTORY_COLLECTOR_"):
            monkeypatch.delenv(key)


def test_systemd_timer_fires_every_15_minutes_with_a_random_delay() -> None:
    units = systemd_units(COMMAND, user="root", splay_seconds=300)
    timer = units["inventory-collector.timer"].splitlines()
    assert "OnCalendar=*:0/15" in timer
    assert "RandomizedDelaySec=300" in timer
    assert "WantedBy=timers.target" in timer
    service = units["inventory-collector.service"].splitlines()
    assert 'ExecStart="/opt/inventory collector/bin/inventory-collector" run --quiet' in service
    assert "Type=oneshot" in service
    assert "User=root" in service
    assert "StateDirectoryMode=0700" in service


def test_systemd_service_account_is_created_when_not_root() -> None:
    plan = plan_for("linux", COMMAND, user="inventory", splay_seconds=120)
    assert [str(path) for path, _ in plan.files] == [
        "/etc/systemd/system/inventory-collector.service",
        "/etc/systemd/system/inventory-collector.timer",
    ]
    assert b"User=inventory" in plan.files[0][1]
    assert "useradd --system" in plan.commands[0][2]
    assert plan.commands[-1] == ["systemctl", "enable", "--now", "inventory-collector.timer"]


def test_windows_task_repeats_every_15_minutes_as_system_with_random_delay() -> None:
    command = [r"C:\Program Files\InventoryCollector\inventory-collector.exe"]
    root = ET.fromstring(windows_task_xml(command, splay_seconds=300).split("\n", 1)[1])
    trigger = root.find("t:Triggers/t:TimeTrigger", TASK_NS)
    assert trigger is not None
    assert trigger.findtext("t:Repetition/t:Interval", namespaces=TASK_NS) == "PT15M"
    assert trigger.findtext("t:RandomDelay", namespaces=TASK_NS) == "PT300S"
    assert root.findtext("t:Principals/t:Principal/t:UserId", namespaces=TASK_NS) == "S-1-5-18"
    assert root.findtext("t:Settings/t:MultipleInstancesPolicy", namespaces=TASK_NS) == "IgnoreNew"
    assert root.findtext("t:Actions/t:Exec/t:Command", namespaces=TASK_NS) == command[0]
    assert root.findtext("t:Actions/t:Exec/t:Arguments", namespaces=TASK_NS) == "run --quiet"


def test_windows_plan_registers_the_task_and_locks_down_the_state_dir() -> None:
    plan = plan_for("windows", ["inventory-collector.exe"], user="root", splay_seconds=300)
    ((path, data),) = plan.files
    assert str(path).endswith(r"InventoryCollector\task.xml")
    assert data[:2] == b"\xff\xfe"  # UTF-16 with BOM, as schtasks /XML expects
    assert plan.commands[0][:5] == ["schtasks", "/Create", "/TN", "InventoryCollector", "/XML"]
    assert plan.commands[1][0] == "icacls" and "/inheritance:r" in plan.commands[1]


def test_launchd_job_runs_every_900_seconds_and_splays_in_run() -> None:
    job = plistlib.loads(launchd_plist(COMMAND, splay_seconds=300))
    assert job["Label"] == "org.endpoint-inventory.collector"
    assert job["StartInterval"] == 900
    assert job["ProgramArguments"] == [*COMMAND, "run", "--quiet", "--splay", "300"]
    assert job["RunAtLoad"] is True


def test_dry_run_prints_files_and_commands_without_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["install-service", "--dry-run", "--platform", "linux", "--state-dir", str(tmp_path / "s")])
    out = capsys.readouterr().out
    assert rc == 0
    assert "# would write /etc/systemd/system/inventory-collector.timer" in out
    assert "# would run: systemctl enable --now inventory-collector.timer" in out
    assert f"--state-dir {tmp_path / 's'} run --quiet" in out
    assert not (tmp_path / "s").exists()


def test_invalid_account_name_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["install-service", "--dry-run", "--user", "x; rm -rf /"]) == 1
    assert "not a valid account name" in capsys.readouterr().err
