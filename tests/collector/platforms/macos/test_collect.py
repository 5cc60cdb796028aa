"""The macOS collect_* entry points: fixture machines end to end, failing readers, garbled output."""

from __future__ import annotations

import json

import pytest

import collector.platforms.macos as macos
from collector.platforms.macos.collect import READERS, Sources
from collector.report import (
    Cpu,
    HardwareSection,
    Identity,
    NetworkSection,
    PeripheralsSection,
    ReportError,
    SecuritySection,
    SoftwareSection,
    Status,
    SystemSection,
    VolumeEncryption,
)

from .loaders import FIXTURES, MACHINES, fixture_sources

SECTIONS = {
    "system": SystemSection,
    "hardware": HardwareSection,
    "network": NetworkSection,
    "peripherals": PeripheralsSection,
    "security": SecuritySection,
    "software": SoftwareSection,
    "identity": Identity,
}


def collect(area: str, sources: Sources) -> tuple[object, list[ReportError]]:
    errors: list[ReportError] = []
    return getattr(macos, f"collect_{area}")(errors, sources), errors


EXPECTED_ERRORS = {
    "macbook-pro-m2": [],
    "imac-intel-2019": [],
    "virtualmac-vm": [("security", "fdesetup")],
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


def test_laptop_identity_security_and_time_facts() -> None:
    sources = fixture_sources("macbook-pro-m2")
    identity, _ = collect("identity", sources)
    assert identity == Identity(
        hostname="macbook-pro-m2-host",
        machine_id="6f2d4c1a-9b8e-5a3f-b2c1-0d9e8f7a6b5c",
        system_uuid="6f2d4c1a-9b8e-5a3f-b2c1-0d9e8f7a6b5c",
        serial="C02ZX1ABMD6T",
        manufacturer="Apple Inc.",
        product="Mac14,9",
        physical_macs=["3c:a6:f6:12:34:56", "64:4b:f0:aa:bb:cc"],
    )
    security, _ = collect("security", sources)
    assert security == SecuritySection(
        disk_encryption=[VolumeEncryption(volume="/", encrypted=True, method="filevault", status="on")],
        firewall_enabled=True,
        firewall_product="macOS Application Firewall",
        auto_updates=True,
    )
    system, _ = collect("system", sources)
    assert (system.os.boot_time, system.os.timezone, system.os.last_user) == (
        "2025-11-24T16:00:00Z",
        "Europe/Berlin",
        "maria",
    )


def test_intel_logical_processors_come_from_sysctl_else_the_os() -> None:
    hardware, _ = collect("hardware", fixture_sources("imac-intel-2019"))
    assert (hardware.cpus[0].physical_cores, hardware.cpus[0].logical_processors) == (6, 6)
    hardware, errors = collect("hardware", fixture_sources("imac-intel-2019", sysctl=failing))
    assert (hardware.cpus[0].physical_cores, hardware.cpus[0].logical_processors) == (6, 12)
    assert [(e.section, e.source) for e in errors] == [("hardware", "sysctl")]


def test_network_joins_interfaces_and_services() -> None:
    network, _ = collect("network", fixture_sources("macbook-pro-m2"))
    kinds = {i.name: (i.kind, i.is_physical, i.virtual_kind, i.state) for i in network.interfaces}
    assert kinds == {
        "awdl0": ("other", False, "awdl", "up"),
        "bridge0": ("ethernet", False, "bridge", "down"),
        "en0": ("wireless", True, None, "up"),
        "en7": ("ethernet", True, None, "up"),
        "lo0": ("loopback", False, "loopback", "up"),
        "utun3": ("tunnel", False, "tunnel", "up"),
    }
    assert [(g.address, g.interface) for g in network.gateways] == [
        ("192.168.1.1", "en0"),
        ("10.30.4.1", "en7"),
    ]
    assert network.dns_servers == ["192.168.1.1", "10.30.0.2", "10.30.0.3"]


def failing() -> object:
    raise OSError("system_profiler timed out")


# What is still known with every reader down: the OS family and the Mac's maker.
EMPTY = {area: kind() for area, kind in SECTIONS.items()} | {
    "system": SystemSection(
        os=SystemSection().os, manufacturer="Apple Inc.", bios_vendor="Apple Inc.", virtualization="physical"
    ),
    "identity": Identity(manufacturer="Apple Inc."),
}
EMPTY["system"].os.family = "macos"


@pytest.mark.parametrize("area", SECTIONS)
def test_failing_readers_give_an_empty_section_and_an_error(area: str) -> None:
    sources = Sources({name: failing for name in READERS})
    section, errors = collect(area, sources)
    assert section == EMPTY[area]
    assert errors and all(error.section == area for error in errors)


def test_failing_status_readers_still_give_a_status() -> None:
    status, errors = collect("status", Sources({name: failing for name in READERS}))
    assert isinstance(status, Status) and status.battery_charging is None
    assert ("status", "system_profiler") in [(error.section, error.source) for error in errors]


def test_each_command_runs_once_per_run() -> None:
    calls: dict[str, int] = {}

    def counting(name: str):
        def reader() -> object:
            calls[name] = calls.get(name, 0) + 1
            raise OSError("boom")

        return reader

    sources = Sources({name: counting(name) for name in READERS})
    for area in SECTIONS:
        collect(area, sources)
    assert set(calls.values()) == {1}


def test_truncated_system_profiler_output_gives_errors_not_a_crash() -> None:
    text = (FIXTURES / "system_profiler" / "truncated.json.txt").read_text()
    sources = fixture_sources("macbook-pro-m2", system_profiler=lambda: json.loads(text))
    hardware, errors = collect("hardware", sources)
    assert ("hardware", "system_profiler") in [(e.section, e.source) for e in errors]
    # sysctl alone still names the chip
    assert hardware.cpus == [
        Cpu(socket=0, vendor="Apple", model="Apple M2 Pro", physical_cores=10, logical_processors=10)
    ]


def test_status_takes_charging_and_console_user_from_system_profiler() -> None:
    errors: list[ReportError] = []
    laptop = macos.collect_status(errors, fixture_sources("macbook-pro-m2"))
    imac = macos.collect_status(errors, fixture_sources("imac-intel-2019"))
    assert (laptop.battery_charging, laptop.on_ac_power) == (True, True)
    assert (imac.battery_charging, imac.logged_in_user) == (None, "frontdesk")
    assert not [error for error in errors if error.source == "system_profiler"]
