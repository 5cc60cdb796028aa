"""`install-service`: a systemd timer, Windows scheduled task or launchd job running `run` every 15 min."""

from __future__ import annotations

import argparse
import os
import plistlib
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from xml.sax.saxutils import escape

UNIT_NAME = "inventory-collector"
SYSTEMD_DIR = Path("/etc/systemd/system")
TASK_NAME = "InventoryCollector"
LAUNCHD_LABEL = "org.endpoint-inventory.collector"
LAUNCHD_PLIST = Path(f"/Library/LaunchDaemons/{LAUNCHD_LABEL}.plist")
INTERVAL_SECONDS = 900
DEFAULT_SPLAY_SECONDS = 300


@dataclass
class Plan:
    """Files to write and commands to run to install the schedule."""

    files: list[tuple[Path | PureWindowsPath, bytes]] = field(default_factory=list)
    commands: list[list[str]] = field(default_factory=list)


def collector_command() -> list[str]:
    """How the scheduler starts this collector: the frozen binary, the console script, or python -m."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    name = "inventory-collector.exe" if sys.platform == "win32" else "inventory-collector"
    beside = Path(sys.executable).parent / name  # a venv or pipx install keeps the script by its python
    script = str(beside) if beside.is_file() else shutil.which("inventory-collector")
    if script:
        return [str(Path(script).absolute())]
    return [sys.executable, "-m", "collector"]


def systemd_units(command: list[str], *, user: str, splay_seconds: int) -> dict[str, str]:
    """The service and timer unit texts."""
    exec_start = " ".join(_systemd_quote(part) for part in [*command, "run", "--quiet"])
    service = f"""[Unit]
Description=Endpoint inventory collector (one run)
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart={exec_start}
User={user}
StateDirectory={UNIT_NAME}
StateDirectoryMode=0700
UMask=0077
Nice=10
IOSchedulingClass=idle
TimeoutStartSec=300
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=full
ProtectHome=read-only
"""
    timer = f"""[Unit]
Description=Run the endpoint inventory collector every 15 minutes

[Timer]
OnCalendar=*:0/15
RandomizedDelaySec={splay_seconds}
Persistent=true

[Install]
WantedBy=timers.target
"""
    return {f"{UNIT_NAME}.service": service, f"{UNIT_NAME}.timer": timer}


def _systemd_quote(part: str) -> str:
    if part and all(ch.isalnum() or ch in "/._-=:+," for ch in part):
        return part
    return '"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'


def windows_task_xml(command: list[str], *, splay_seconds: int) -> str:
    """Task Scheduler XML: every 15 minutes as SYSTEM with a random delay, never on top of itself."""
    program, arguments = command[0], subprocess.list2cmdline([*command[1:], "run", "--quiet"])
    return f"""<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>Endpoint inventory collector</Description>
    <URI>\\{TASK_NAME}</URI>
  </RegistrationInfo>
  <Triggers>
    <TimeTrigger>
      <StartBoundary>2024-01-01T00:00:00</StartBoundary>
      <Repetition>
        <Interval>PT15M</Interval>
        <StopAtDurationEnd>false</StopAtDurationEnd>
      </Repetition>
      <RandomDelay>PT{splay_seconds}S</RandomDelay>
      <Enabled>true</Enabled>
    </TimeTrigger>
  </Triggers>
  <Principals>
    <Principal id="System">
      <UserId>S-1-5-18</UserId>
      <RunLevel>HighestAvailable</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <ExecutionTimeLimit>PT10M</ExecutionTimeLimit>
    <Priority>7</Priority>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="System">
    <Exec>
      <Command>{escape(program)}</Command>
      <Arguments>{escape(arguments)}</Arguments>
    </Exec>
  </Actions>
</Task>
"""


def launchd_plist(command: list[str], *, splay_seconds: int) -> bytes:
    """A LaunchDaemon every 900 s; launchd has no random delay, so `run --splay` spreads the fleet."""
    job = {
        "Label": LAUNCHD_LABEL,
        "ProgramArguments": [*command, "run", "--quiet", "--splay", str(splay_seconds)],
        "StartInterval": INTERVAL_SECONDS,
        "RunAtLoad": True,
        "ProcessType": "Background",
        "LowPriorityIO": True,
        "Nice": 10,
        "Umask": 0o077,
        "StandardErrorPath": "/Library/Logs/inventory-collector.log",
    }
    return plistlib.dumps(job)


def plan_for(platform: str, command: list[str], *, user: str, splay_seconds: int) -> Plan:
    """What installing the schedule on the given OS writes and runs."""
    if not re.fullmatch(r"[a-z_][a-z0-9_-]{0,31}", user):
        raise ValueError(f"{user!r} is not a valid account name")
    plan = Plan()
    if platform == "linux":
        for name, text in systemd_units(command, user=user, splay_seconds=splay_seconds).items():
            plan.files.append((SYSTEMD_DIR / name, text.encode()))
        if user != "root":
            plan.commands.append(_create_account(user))
        plan.commands.append(["systemctl", "daemon-reload"])
        plan.commands.append(["systemctl", "enable", "--now", f"{UNIT_NAME}.timer"])
    elif platform == "windows":
        data_dir = PureWindowsPath(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "InventoryCollector"
        task_file = data_dir / "task.xml"
        plan.files.append(
            (task_file, windows_task_xml(command, splay_seconds=splay_seconds).encode("utf-16"))
        )
        plan.commands.append(["schtasks", "/Create", "/TN", TASK_NAME, "/XML", str(task_file), "/F"])
        # ProgramData is readable by every user: keep the node key to SYSTEM and Administrators.
        grants = ["/grant:r", "*S-1-5-18:(OI)(CI)F", "/grant:r", "*S-1-5-32-544:(OI)(CI)F"]
        plan.commands.append(["icacls", str(data_dir), "/inheritance:r", *grants])
    elif platform == "macos":
        plan.files.append((LAUNCHD_PLIST, launchd_plist(command, splay_seconds=splay_seconds)))
        reload = f"launchctl bootout system/{LAUNCHD_LABEL} 2>/dev/null; launchctl bootstrap system '{LAUNCHD_PLIST}'"
        plan.commands.append(["sh", "-c", reload])
    else:
        raise ValueError(f"no scheduler known for platform {platform!r}")
    return plan


def _create_account(user: str) -> list[str]:
    """A system account without login or home for the service (skipped if it exists)."""
    script = (
        f"id -u {user} >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin {user}"
    )
    return ["sh", "-c", script]


def current_platform() -> str:
    """This OS in the names install-service uses."""
    return {"win32": "windows", "darwin": "macos"}.get(sys.platform, "linux")


def install_service(args: argparse.Namespace) -> int:
    """Write and enable the schedule, or print it with --dry-run."""
    command = collector_command()
    for flag, name in (("--config", "config"), ("--state-dir", "state_dir")):
        value = getattr(args, name, None)
        if value is not None:
            command += [flag, str(Path(value).absolute())]
    plan = plan_for(args.platform or current_platform(), command, user=args.user, splay_seconds=args.splay)
    if args.dry_run:
        for path, data in plan.files:
            text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode()
            print(f"# would write {path}\n{text}")
        for argv in plan.commands:
            print("# would run: " + subprocess.list2cmdline(argv))
        return 0
    for path, data in plan.files:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"wrote {target}")
    for argv in plan.commands:
        print("running: " + subprocess.list2cmdline(argv))
        result = subprocess.run(argv, check=False)
        if result.returncode != 0:
            print(
                f"inventory-collector: {argv[0]} failed with exit code {result.returncode}", file=sys.stderr
            )
            return 1
    return 0
