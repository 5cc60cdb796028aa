"""The collect_* entry points: fixture machines end to end, failing readers and garbled output."""

from __future__ import annotations

import json
import sys

import pytest

import collector.platforms.windows as windows
from collector.platforms.common import hostname
from collector.platforms.windows.collect import QUERIES, Sources
from collector.platforms.windows.powershell import (
    SCRIPT,
    parse_cim_snapshot,
    powershell_command,
    run_cim_snapshot,
)
from collector.report import (
    HardwareSection,
    Identity,
    NetworkSection,
    OperatingSystem,
    PeripheralsSection,
    ReportError,
    SecuritySection,
    SoftwareSection,
    SystemSection,
)

from .loaders import FIXTURES, MACHINES, cim, registry

SECTIONS = {
    "system": SystemSection,
    "hardware": HardwareSection,
    "network": NetworkSection,
    "peripherals": PeripheralsSection,
    "security": SecuritySection,
    "software": SoftwareSection,
    "identity": Identity,
}


def fixture_sources(machine: str) -> Sources:
    return Sources(run_cim=lambda: cim(machine), read_registry=lambda: registry(machine))


def collect(area: str, sources: Sources) -> tuple[object, list[ReportError]]:
    errors: list[ReportError] = []
    return getattr(windows, f"collect_{area}")(errors, sources), errors


# machine → the (section, source) of every error entry expected from a full run
EXPECTED_ERRORS = {
    "dell-optiplex-7090": [],
    "lenovo-thinkpad-t14": [
        ("software", "registry:uninstall:HKU\\S-1-5-21-3623811015-3361044348-30300820-1013"),
    ],
    "hyperv-server-2022": [
        ("hardware", "cim:PhysicalDisk"),
        ("security", "cim:AntiVirusProduct"),
        ("security", "cim:EncryptableVolume"),
        ("security", "cim:Tpm"),
    ],
    "vmware-win10-32bit": [("software", "cim:AppxPackage")],
    "proxmox-win11-vm": [],  # the failed battery queries are expected on a desktop: no error for them
}


@pytest.mark.parametrize("machine", MACHINES)
def test_full_run_on_fixture_machine(machine: str) -> None:
    sources = fixture_sources(machine)
    found = []
    for area, kind in SECTIONS.items():
        section, errors = collect(area, sources)
        assert isinstance(section, kind)
        found.extend((error.section, error.source) for error in errors)
    assert found == EXPECTED_ERRORS[machine]


def failing() -> dict:
    raise OSError("powershell.exe not found")


# What is still known with both readers down: the OS family, and the host name from the socket layer.
EMPTY = {area: kind() for area, kind in SECTIONS.items()} | {
    "system": SystemSection(os=OperatingSystem(family="windows", kernel_name="Windows NT")),
    "identity": Identity(hostname=hostname()),
}


@pytest.mark.parametrize("area", SECTIONS)
def test_failing_readers_give_an_empty_section_and_an_error(area: str) -> None:
    section, errors = collect(area, Sources(run_cim=failing, read_registry=failing))
    assert section == EMPTY[area]
    assert errors and all(error.section == area for error in errors)
    assert any("powershell.exe not found" in error.message for error in errors)


def test_powershell_runs_once_for_all_sections() -> None:
    calls = []

    def counting() -> dict:
        calls.append(1)
        raise OSError("timed out")

    sources = Sources(run_cim=counting, read_registry=lambda: registry("dell-optiplex-7090"))
    for area in SECTIONS:
        collect(area, sources)
    assert len(calls) == 1


def test_garbled_values_cost_only_their_part() -> None:
    sources = Sources(
        run_cim=lambda: json.loads((FIXTURES / "cim" / "garbled.json").read_text()),
        read_registry=lambda: {"uninstall": "x", "displays": [{"instance": "DISPLAY\\X\\1", "edid": "zz"}]},
    )
    hardware, hardware_errors = collect("hardware", sources)
    assert hardware.memory_modules[0].size_bytes is None  # "sixteen gigs" is not a size
    assert {error.source for error in hardware_errors} == {
        "cim:Processor",
        "cim:DiskDrive",
        "cim:VideoController",
    }
    software, _ = collect("software", sources)
    assert [package.name for package in software.packages] == ["Contoso.App"]
    for area in ("system", "network", "peripherals", "security", "identity"):
        section, errors = collect(area, sources)
        assert isinstance(section, SECTIONS[area]) and errors


@pytest.mark.parametrize("name", ["truncated.txt", "garbled.txt", "not-an-object.txt"])
def test_unreadable_powershell_output_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="PowerShell output"):
        parse_cim_snapshot((FIXTURES / "powershell" / name).read_text())


def test_document_is_decoded_as_is() -> None:
    assert parse_cim_snapshot('{"ComputerSystem": [{"Name": "PC"}], "_errors": {}}') == {
        "ComputerSystem": [{"Name": "PC"}],
        "_errors": {},
    }


def test_command_is_one_encoded_powershell_call() -> None:
    argv = powershell_command("Write-Output 1")
    assert argv[0] == "powershell.exe" and argv[-2] == "-EncodedCommand"


@pytest.mark.parametrize(
    "key",
    sorted({key for keys in QUERIES.values() for key in keys} | {"BatteryStatus", "TimeZone", "Volume"}),
)
def test_every_query_the_parsers_read_is_in_the_script(key: str) -> None:
    assert f"\nQ {key} " in SCRIPT


def python_printing(text: str, *, exit_code: int = 0) -> list[str]:
    """An argv standing in for powershell.exe: prints raw bytes, exits with a code."""
    code = f"import sys; sys.stdout.buffer.write({text.encode('utf-8-sig')!r}); sys.exit({exit_code})"
    return [sys.executable, "-c", code]


def test_run_decodes_utf8_with_a_byte_order_mark() -> None:
    document = run_cim_snapshot(python_printing('{"Printer": [{"Name": "Drucker Büro"}], "_errors": {}}'))
    assert document == {"Printer": [{"Name": "Drucker Büro"}], "_errors": {}}


def test_run_failure_is_an_os_error() -> None:
    with pytest.raises(OSError, match="exited with 1"):
        run_cim_snapshot(python_printing("", exit_code=1))


def test_status_takes_console_user_and_charging_from_cim() -> None:
    errors: list[ReportError] = []
    status = windows.collect_status(errors, fixture_sources("lenovo-thinkpad-t14"))
    assert (status.logged_in_user, status.battery_charging) == ("NB-0077\\maria", True)
    assert not [error for error in errors if error.source == "powershell"]


@pytest.mark.parametrize(
    ("message", "reported"), [("Not supported ", False), ("Access denied ", True), ("Invalid class ", True)]
)
def test_not_supported_monitor_class_means_no_monitor(message: str, reported: bool) -> None:
    snapshot = {"WmiMonitorID": None, "_errors": {"WmiMonitorID": message}}
    sources = Sources(run_cim=lambda: snapshot, read_registry=lambda: {"displays": []})
    _, errors = collect("peripherals", sources)
    assert (("peripherals", "cim:WmiMonitorID") in [(e.section, e.source) for e in errors]) is reported


def test_bios_date_is_cut_in_utc() -> None:
    """CIM hands the BIOS date over in local time: cut in local time, it is a day early west of Greenwich."""
    bios = next(line for line in SCRIPT.splitlines() if line.startswith("Q BIOS "))
    assert "ReleaseDate.ToUniversalTime().ToString('yyyy-MM-dd'" in bios
