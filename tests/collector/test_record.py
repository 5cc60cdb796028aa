"""`record`: a machine's raw outputs written where the fixtures live, readable by the same loaders, redacted on request."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path

from collector.commands import main
from collector.platforms.windows.system import parse_system
from collector.record import MACOS_LAYOUT, REDACTED, WINDOWS_LAYOUT, record
from tests.collector.platforms.macos import loaders as mac
from tests.collector.platforms.windows import loaders as win


def windows_readers(machine: str) -> dict:
    return {"cim": lambda: win.cim(machine), "registry": lambda: win.registry(machine)}


def macos_readers(machine: str) -> dict:
    return {
        "system_profiler": lambda: mac.profile(machine),
        "sysctl": lambda: mac.fixture_bytes("sysctl", f"{machine}.txt").decode(),
        "ioreg:IOPlatformExpertDevice": lambda: mac.fixture_bytes("ioreg", f"{machine}-platform.plist"),
        "ioreg:displays": lambda: mac.fixture_bytes("ioreg", f"{machine}-displays.plist"),
        "fdesetup": lambda: mac.fixture_bytes("fdesetup", "on.txt").decode(),
        "interfaces": lambda: json.loads(mac.fixture_bytes("interfaces", f"{machine}.json")),
        "software": lambda: mac.software(machine),
    }


def test_windows_outputs_land_in_the_fixture_layout(tmp_path: Path) -> None:
    written, failures = record(
        tmp_path,
        "dell-copy",
        readers=windows_readers("dell-optiplex-7090"),
        layout=WINDOWS_LAYOUT,
        hide=False,
    )
    assert failures == []
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "cim/dell-copy.json",
        "registry/dell-copy.json",
    ]
    recorded = json.loads((tmp_path / "cim/dell-copy.json").read_text())
    registry = json.loads((tmp_path / "registry/dell-copy.json").read_text())
    machine = "dell-optiplex-7090"
    assert parse_system(recorded, registry) == parse_system(win.cim(machine), win.registry(machine))


def test_redaction_hides_serials_uuids_and_users(tmp_path: Path) -> None:
    record(tmp_path, "x", readers=windows_readers("dell-optiplex-7090"), layout=WINDOWS_LAYOUT, hide=True)
    cim = json.loads((tmp_path / "cim/x.json").read_text())
    registry = json.loads((tmp_path / "registry/x.json").read_text())
    assert cim["BIOS"][0]["SerialNumber"] == REDACTED
    assert cim["ComputerSystemProduct"][0]["UUID"] == REDACTED
    assert cim["ComputerSystem"][0]["UserName"] == REDACTED
    assert registry["machine_guid"] == REDACTED and registry["last_logged_on_user"] == REDACTED
    assert cim["ComputerSystem"][0]["Model"] == "OptiPlex 7090"  # the facts a parser needs stay


def test_macos_outputs_and_a_failing_source(tmp_path: Path) -> None:
    readers = macos_readers("macbook-pro-m2")
    readers["fdesetup"] = lambda: (_ for _ in ()).throw(OSError("fdesetup: not allowed"))
    written, failures = record(tmp_path, "mbp", readers=readers, layout=MACOS_LAYOUT, hide=True)
    assert failures == ["fdesetup: OSError: fdesetup: not allowed"]
    assert len(written) == len(MACOS_LAYOUT) - 1
    platform = plistlib.loads((tmp_path / "ioreg/mbp-platform.plist").read_bytes())
    entry = platform[0] if isinstance(platform, list) else platform
    assert entry["IOPlatformSerialNumber"] == REDACTED and entry["IOPlatformUUID"] == REDACTED
    assert (tmp_path / "sysctl/mbp.txt").read_text().startswith("machdep.cpu.cores_per_package: 10")


def test_record_on_linux_says_there_is_nothing_to_record(tmp_path: Path, capsys) -> None:
    assert main(["record", str(tmp_path), "--name", "this-box"]) == 1
    assert "tested on the machine itself" in capsys.readouterr().out
    assert main(["record", str(tmp_path), "--name", "Bad Name"]) == 1
