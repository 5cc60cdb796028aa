"""The Windows collect_* entry points: read each source once per run, parse, never raise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from collector.platforms.common import attempt, hostname
from collector.platforms.windows import hardware, network, peripherals, security, software, system
from collector.platforms.windows.powershell import as_int, query_errors, rows, run_cim_snapshot
from collector.platforms.windows.registry import read_registry
from collector.platforms.windows.status import keep_windows_mount, psutil_status
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
)

QUERIES = {
    "system": (
        "ComputerSystem",
        "ComputerSystemProduct",
        "BIOS",
        "SystemEnclosure",
        "BaseBoard",
        "OperatingSystem",
    ),
    "hardware": (
        "Processor",
        "PhysicalMemory",
        "DiskDrive",
        "PhysicalDisk",
        "LogicalDisk",
        "VideoController",
    ),
    "network": ("NetworkAdapter", "NetworkAdapterConfiguration"),
    "peripherals": ("PnPEntity", "Printer", "WmiMonitorID", "BatteryStaticData"),
    "security": ("AntiVirusProduct", "EncryptableVolume", "NetFirewallProfile", "SecureBoot", "Tpm"),
    "software": ("AppxPackage",),
}


# root\wmi classes answer "Not supported" on machines without the device; Confirm-SecureBootUEFI on legacy
# BIOS, where Secure Boot is then reported off.
ABSENT_WHEN_NOT_SUPPORTED = {"BatteryStaticData", "WmiMonitorID", "SecureBoot"}


class Sources:
    """The run's two readers, each called at most once: one PowerShell process, one registry walk."""

    def __init__(
        self,
        *,
        run_cim: Callable[[], dict[str, Any]] = run_cim_snapshot,
        read_registry: Callable[[], dict[str, Any]] = read_registry,
    ) -> None:
        self._readers = {"powershell": run_cim, "registry": read_registry}
        self._results: dict[str, tuple[Any, Exception | None]] = {}

    def cim(self) -> dict[str, Any]:
        """The decoded PowerShell document."""
        return self._read("powershell")

    def registry(self) -> dict[str, Any]:
        """The registry dump."""
        return self._read("registry")

    def _read(self, name: str) -> dict[str, Any]:
        if name not in self._results:
            try:
                self._results[name] = (self._readers[name](), None)
            except Exception as exc:  # remembered, so a failed source is not retried by every section
                self._results[name] = (None, exc)
        value, failure = self._results[name]
        if failure is not None:
            raise failure.with_traceback(None)
        return value


SHARED = Sources()


def _snapshot(errors: list[ReportError], section: str, sources: Sources) -> dict[str, Any]:
    """The CIM snapshot, with this section's failed queries reported; {} when PowerShell failed."""
    snapshot = attempt(errors, section, "powershell", sources.cim, {})
    for key, message in query_errors(snapshot, QUERIES.get(section, ())):
        if key in ABSENT_WHEN_NOT_SUPPORTED and "not supported" in message.lower():
            continue  # no battery, no monitor (VMs), legacy BIOS: an answer, not a failure
        errors.append(ReportError(section=section, source=f"cim:{key}", message=message))
    return snapshot


def _registry(errors: list[ReportError], section: str, sources: Sources) -> dict[str, Any]:
    return attempt(errors, section, "registry", sources.registry, {})


def collect_system(errors: list[ReportError], sources: Sources | None = None) -> SystemSection:
    """SMBIOS, BIOS and OS facts."""
    src = sources or SHARED
    snapshot, registry = _snapshot(errors, "system", src), _registry(errors, "system", src)
    return attempt(errors, "system", "cim", lambda: system.parse_system(snapshot, registry), SystemSection())


def collect_hardware(errors: list[ReportError], sources: Sources | None = None) -> HardwareSection:
    """CPUs, memory, disks, volumes and GPUs, each part on its own so one garbled query costs only it."""
    src = sources or SHARED
    snapshot, registry = _snapshot(errors, "hardware", src), _registry(errors, "hardware", src)
    encrypted = attempt(
        errors,
        "hardware",
        "cim:EncryptableVolume",
        lambda: security.encrypted_letters(rows(snapshot, "EncryptableVolume")),
        {},
    )

    def part(source: str, parse: Callable[[dict[str, Any]], list[Any]]) -> list[Any]:
        return attempt(errors, "hardware", f"cim:{source}", lambda: parse(snapshot), [])

    return HardwareSection(
        cpus=part("Processor", hardware.parse_cpus),
        memory_total_bytes=as_int(system.first(snapshot, "ComputerSystem").get("TotalPhysicalMemory")),
        memory_modules=part("PhysicalMemory", hardware.parse_memory_modules),
        disks=part("DiskDrive", hardware.parse_disk_drives),
        volumes=part(
            "LogicalDisk",
            lambda found: hardware.parse_volumes(
                rows(found, "LogicalDisk"), encrypted, rows(found, "Volume")
            ),
        ),
        gpus=part("VideoController", lambda found: hardware.parse_gpus(found, registry)),
    )


def collect_network(errors: list[ReportError], sources: Sources | None = None) -> NetworkSection:
    """Interfaces, addresses, gateways and DNS servers."""
    snapshot = _snapshot(errors, "network", sources or SHARED)
    return attempt(errors, "network", "cim", lambda: network.parse_network(snapshot), NetworkSection())


def collect_peripherals(errors: list[ReportError], sources: Sources | None = None) -> PeripheralsSection:
    """Monitors (registry EDID), USB devices, printers and batteries."""
    src = sources or SHARED
    snapshot, registry = _snapshot(errors, "peripherals", src), _registry(errors, "peripherals", src)
    failed = snapshot.get("_errors") or {}
    wmi_monitors = None if "WmiMonitorID" in failed or not snapshot else rows(snapshot, "WmiMonitorID")
    monitors, problems = attempt(
        errors,
        "peripherals",
        "registry:EDID",
        lambda: peripherals.parse_monitors(registry.get("displays") or [], wmi_monitors),
        ([], []),
    )
    errors.extend(ReportError(section="peripherals", source="registry:EDID", message=p) for p in problems)
    return PeripheralsSection(
        monitors=monitors,
        usb_devices=attempt(
            errors,
            "peripherals",
            "cim:PnPEntity",
            lambda: peripherals.parse_usb_devices(rows(snapshot, "PnPEntity")),
            [],
        ),
        printers=attempt(
            errors,
            "peripherals",
            "cim:Printer",
            lambda: peripherals.parse_printers(rows(snapshot, "Printer")),
            [],
        ),
        batteries=attempt(
            errors, "peripherals", "cim:Battery", lambda: peripherals.parse_batteries(snapshot), []
        ),
    )


def collect_security(errors: list[ReportError], sources: Sources | None = None) -> SecuritySection:
    """BitLocker, firewall, antivirus, Secure Boot and TPM."""
    snapshot = _snapshot(errors, "security", sources or SHARED)
    return attempt(errors, "security", "cim", lambda: security.parse_security(snapshot), SecuritySection())


def collect_software(errors: list[ReportError], sources: Sources | None = None) -> SoftwareSection:
    """Uninstall-key programs of every view and loaded user hive, plus Store packages."""
    src = sources or SHARED
    registry = _registry(errors, "software", src)
    snapshot = _snapshot(errors, "software", src)
    native = attempt(
        errors,
        "software",
        "cim:Processor",
        lambda: system.parse_operating_system(snapshot, registry).architecture or "x86_64",
        "x86_64",
    )
    for key, message in (registry.get("_errors") or {}).items():
        if key.startswith("uninstall"):
            errors.append(ReportError(section="software", source=f"registry:{key}", message=message))
    programs = attempt(
        errors,
        "software",
        "registry:Uninstall",
        lambda: software.parse_uninstall(registry.get("uninstall") or [], native=native),
        [],
    )
    store = attempt(
        errors, "software", "cim:AppxPackage", lambda: software.parse_appx(rows(snapshot, "AppxPackage")), []
    )
    return SoftwareSection(packages=programs + store)


def collect_status(errors: list[ReportError], sources: Sources | None = None) -> Status:
    """Uptime, users, volumes and battery from psutil; console user and charging state from CIM."""
    status = psutil_status(errors, keep_mount=keep_windows_mount)
    snapshot = attempt(errors, "status", "powershell", (sources or SHARED).cim, {})
    charging = [
        row.get("Charging")
        for row in rows(snapshot, "BatteryStatus")
        if isinstance(row.get("Charging"), bool)
    ]
    status.battery_charging = any(charging) if charging else None
    console = system.first(snapshot, "ComputerSystem").get("UserName")
    if isinstance(console, str) and console:
        status.logged_in_user = console  # the console session's user, of all the sessions psutil lists
    return status


def collect_identity(errors: list[ReportError], sources: Sources | None = None) -> Identity:
    """Host name, MachineGuid, SMBIOS UUID and serial, physical MACs."""
    src = sources or SHARED
    snapshot, registry = _snapshot(errors, "identity", src), _registry(errors, "identity", src)
    interfaces = attempt(
        errors, "identity", "cim:NetworkAdapter", lambda: network.parse_network(snapshot).interfaces, []
    )
    macs = [item.mac for item in interfaces if item.is_physical and item.mac]
    identity = attempt(
        errors, "identity", "cim", lambda: system.parse_identity(snapshot, registry, macs=macs), Identity()
    )
    identity.hostname = identity.hostname or attempt(errors, "identity", "socket", hostname, None)
    return identity
