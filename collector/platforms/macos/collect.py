"""The macOS collect_* entry points: each source read at most once per run (≤ 6 child processes)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import psutil

from collector.platforms.common import attempt, cpu_count, hostname, iso_utc
from collector.platforms.macos import commands, devices, hardware, ioreg, network, software, storage
from collector.platforms.windows.status import psutil_status
from collector.report import (
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

READERS: dict[str, Callable[[], Any]] = {
    "system_profiler": commands.run_system_profiler,
    "sysctl": commands.run_sysctl,
    "ioreg:IOPlatformExpertDevice": commands.run_ioreg_platform,
    "ioreg:displays": commands.run_ioreg_displays,
    "fdesetup": commands.run_fdesetup,
    "firewall": commands.read_firewall,
    "interfaces": network.read_interfaces,
    "app_bundles": commands.read_app_bundles,
    "receipts": commands.read_receipts,
    "homebrew": commands.read_homebrew,
    "software_update": lambda: commands.read_plist(commands.SOFTWARE_UPDATE_PLIST),
    "loginwindow": lambda: commands.read_plist(commands.LOGINWINDOW_PLIST),
    "localtime": lambda: os.readlink("/etc/localtime"),
    "boot_time": psutil.boot_time,
    "cpu_count": cpu_count,
    "hostname": hostname,
}


class Sources:
    """The run's readers by name, each called at most once; tests pass fakes."""

    def __init__(self, readers: dict[str, Callable[[], Any]] | None = None) -> None:
        self._readers = {**READERS, **(readers or {})}
        self._results: dict[str, tuple[Any, Exception | None]] = {}

    def read(self, name: str) -> Any:
        """The source's value; its exception again if it failed earlier in this run."""
        if name not in self._results:
            try:
                self._results[name] = (self._readers[name](), None)
            except Exception as exc:  # remembered, so a failed command is not re-run by every section
                self._results[name] = (None, exc)
        value, failure = self._results[name]
        if failure is not None:
            raise failure.with_traceback(None)
        return value


SHARED = Sources()


def _get(errors: list[ReportError], section: str, sources: Sources, name: str, default: Any) -> Any:
    return attempt(errors, section, name, lambda: sources.read(name), default)


def _platform(errors: list[ReportError], section: str, sources: Sources) -> dict[str, Any]:
    raw = _get(errors, section, sources, "ioreg:IOPlatformExpertDevice", None)
    if raw is None:
        return {}
    return attempt(errors, section, "ioreg:IOPlatformExpertDevice", lambda: ioreg.parse_platform(raw), {})


def _profile(errors: list[ReportError], section: str, sources: Sources) -> dict[str, Any]:
    profile = _get(errors, section, sources, "system_profiler", {})
    return profile if isinstance(profile, dict) else {}


def _filevault(errors: list[ReportError], section: str, sources: Sources) -> tuple[bool | None, str | None]:
    text = _get(errors, section, sources, "fdesetup", None)
    if text is None:
        return None, None
    return attempt(errors, section, "fdesetup", lambda: software.parse_fdesetup(text), (None, None))


def collect_system(errors: list[ReportError], sources: Sources | None = None) -> SystemSection:
    """Model, serial, UUID, boot ROM and macOS version."""
    src = sources or SHARED
    profile, platform_info = _profile(errors, "system", src), _platform(errors, "system", src)
    section = attempt(
        errors,
        "system",
        "system_profiler",
        lambda: hardware.parse_system(profile, platform_info),
        SystemSection(),
    )
    section.os.boot_time = iso_utc(_get(errors, "system", src, "boot_time", None))
    localtime = _get(errors, "system", src, "localtime", None)
    if isinstance(localtime, str) and "zoneinfo/" in localtime:
        section.os.timezone = localtime.split("zoneinfo/", 1)[1]
    if section.os.last_user is None:
        last = (_get(errors, "system", src, "loginwindow", None) or {}).get("lastUserName")
        section.os.last_user = last if isinstance(last, str) and last else None
    return section


def collect_hardware(errors: list[ReportError], sources: Sources | None = None) -> HardwareSection:
    """CPU, memory, drives, volumes and GPUs."""
    src = sources or SHARED
    profile = _profile(errors, "hardware", src)
    filevault, _ = _filevault([], "hardware", src)  # a failure is reported once, by the security section
    sysctl_text = _get(errors, "hardware", src, "sysctl", None)
    sysctl = attempt(errors, "hardware", "sysctl", lambda: hardware.parse_sysctl(sysctl_text or ""), {})
    cpu = attempt(errors, "hardware", "SPHardwareDataType", lambda: hardware.parse_cpu(profile, sysctl), None)
    if cpu is not None and cpu.logical_processors is None:
        # Intel Macs without sysctl's thread count: hyper-threads are not in system_profiler
        cpu.logical_processors = _get(errors, "hardware", src, "cpu_count", None)
    total, modules = attempt(
        errors, "hardware", "SPMemoryDataType", lambda: hardware.parse_memory(profile), (None, [])
    )
    disks, volumes = attempt(
        errors, "hardware", "SPStorageDataType", lambda: storage.parse_storage(profile, filevault), ([], [])
    )
    return HardwareSection(
        cpus=[cpu] if cpu else [],
        memory_total_bytes=total,
        memory_modules=modules,
        disks=disks,
        volumes=volumes,
        gpus=attempt(errors, "hardware", "SPDisplaysDataType", lambda: hardware.parse_gpus(profile), []),
    )


def collect_network(errors: list[ReportError], sources: Sources | None = None) -> NetworkSection:
    """Interfaces (psutil) with kinds, gateways and DNS from the network services."""
    src = sources or SHARED
    profile = _profile(errors, "network", src)
    interfaces = _get(errors, "network", src, "interfaces", {})
    return attempt(
        errors,
        "network",
        "SPNetworkDataType",
        lambda: network.parse_network(profile, interfaces),
        NetworkSection(),
    )


def collect_peripherals(errors: list[ReportError], sources: Sources | None = None) -> PeripheralsSection:
    """Monitors (ioreg EDID, else system_profiler), USB devices, printers and the battery."""
    src = sources or SHARED
    profile = _profile(errors, "peripherals", src)
    raw = _get(errors, "peripherals", src, "ioreg:displays", None)
    monitors, problems = ([], [])
    if raw is not None:
        monitors, problems = attempt(
            errors, "peripherals", "ioreg:displays", lambda: ioreg.parse_display_monitors(raw), ([], [])
        )
    errors.extend(ReportError(section="peripherals", source="ioreg:displays", message=p) for p in problems)
    if not monitors:
        monitors = attempt(
            errors, "peripherals", "SPDisplaysDataType", lambda: devices.parse_profiler_monitors(profile), []
        )
    batteries, _ = attempt(
        errors, "peripherals", "SPPowerDataType", lambda: devices.parse_battery(profile), ([], {})
    )
    return PeripheralsSection(
        monitors=monitors,
        usb_devices=attempt(
            errors, "peripherals", "SPUSBDataType", lambda: devices.parse_usb_devices(profile), []
        ),
        printers=attempt(
            errors, "peripherals", "SPPrintersDataType", lambda: devices.parse_printers(profile), []
        ),
        batteries=batteries,
    )


def collect_security(errors: list[ReportError], sources: Sources | None = None) -> SecuritySection:
    """FileVault, the application firewall and automatic update checks."""
    src = sources or SHARED
    filevault, status = _filevault(errors, "security", src)
    firewall = _get(errors, "security", src, "firewall", None)
    updates = _get(errors, "security", src, "software_update", None) or {}
    automatic = updates.get("AutomaticCheckEnabled")
    encryption = []
    if filevault is not None:
        encryption = [VolumeEncryption(volume="/", encrypted=filevault, method="filevault", status=status)]
    enabled = None
    if firewall is not None:
        enabled = attempt(errors, "security", "firewall", lambda: software.parse_firewall(firewall), None)
    return SecuritySection(
        disk_encryption=encryption,
        firewall_enabled=enabled,
        firewall_product="macOS Application Firewall" if firewall is not None else None,
        auto_updates=automatic if isinstance(automatic, bool) else None,
    )


def collect_software(errors: list[ReportError], sources: Sources | None = None) -> SoftwareSection:
    """App bundles, installer receipts and Homebrew."""
    src = sources or SHARED
    parts = (
        ("app_bundles", software.parse_app_bundles),
        ("receipts", software.parse_receipts),
        ("homebrew", software.parse_homebrew),
    )
    packages = []
    for name, parse in parts:
        raw = _get(errors, "software", src, name, [])
        packages.extend(attempt(errors, "software", name, lambda raw=raw, parse=parse: parse(raw), []))
    return SoftwareSection(packages=packages)


def collect_status(errors: list[ReportError], sources: Sources | None = None) -> Status:
    """psutil's status, with charging state and console user from system_profiler."""
    status = psutil_status(errors, keep_mount=keep_macos_mount)
    profile = _profile(errors, "status", sources or SHARED)
    _, state = attempt(errors, "status", "SPPowerDataType", lambda: devices.parse_battery(profile), ([], {}))
    status.battery_charging = state.get("charging")
    if state.get("on_ac_power") is not None:
        status.on_ac_power = state["on_ac_power"]
    console = attempt(
        errors, "status", "SPSoftwareDataType", lambda: hardware.parse_operating_system(profile), None
    )
    if console is not None and console.last_user:
        status.logged_in_user = console.last_user  # SPSoftwareDataType's user is the console user
    return status


def keep_macos_mount(mount: str, fstype: str, opts: str) -> bool:
    """The root, the data volume and mounted disks; not the sealed system's helper volumes."""
    return mount in ("/", "/System/Volumes/Data") or mount.startswith("/Volumes/")


def collect_identity(errors: list[ReportError], sources: Sources | None = None) -> Identity:
    """Host name, IOPlatformUUID (machine and system id), serial, model, physical MACs."""
    src = sources or SHARED
    platform_info = _platform(errors, "identity", src)
    interfaces = attempt(errors, "identity", "interfaces", lambda: collect_network([], src).interfaces, [])
    return Identity(
        hostname=_get(errors, "identity", src, "hostname", None),
        machine_id=platform_info.get("uuid"),
        system_uuid=platform_info.get("uuid"),
        serial=platform_info.get("serial"),
        manufacturer=platform_info.get("manufacturer") or "Apple Inc.",
        product=platform_info.get("model"),
        physical_macs=sorted({item.mac for item in interfaces if item.is_physical and item.mac}),
    )
