"""The Linux platform's section collectors: each source runs behind its own error boundary."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

from collector.platforms import common
from collector.platforms.common import attempt
from collector.platforms.linux import (
    bundles,
    cpu,
    dmi,
    dpkg,
    lldp,
    memory,
    monitors,
    network,
    osinfo,
    pacman,
    pci,
    power,
    printers,
    rpm,
    security,
    smbios,
    storage,
    usb,
    virt,
)
from collector.platforms.linux.files import read_raw, read_text
from collector.report import (
    HardwareSection,
    Identity,
    NetworkSection,
    OperatingSystem,
    PeripheralsSection,
    ReportError,
    SecuritySection,
    SoftwareSection,
    Status,
    SystemSection,
    Volume,
    VolumeEncryption,
    VolumeUsage,
)


def read_dmi_facts(
    errors: list[ReportError], section: str, read: Callable[[], dmi.DmiValues] = dmi.read_dmi
) -> tuple[dict[str, str], dict[str, str | None]]:
    """(raw values, SystemSection fields) of DMI; unreadable serials are an error in the system section."""
    raw = attempt(errors, section, "dmi", read, dmi.DmiValues())
    if raw.unreadable and section == "system":
        names = ", ".join(raw.unreadable)
        errors.append(
            ReportError(section=section, source="dmi", message=f"not readable without root: {names}")
        )
    return raw.values, attempt(errors, section, "dmi", lambda: dmi.parse_dmi(raw.values), {})


def _cpu_flags() -> set[str]:
    return cpu.parse_cpu_flags(read_raw(Path("/proc/cpuinfo")) or "")


def collect_system(errors: list[ReportError]) -> SystemSection:
    """OS, SMBIOS system and BIOS, virtualization and container."""
    os_facts = attempt(
        errors, "system", "os-release", osinfo.read_operating_system, OperatingSystem(family="linux")
    )
    os_facts.install_date = attempt(errors, "system", "install date", osinfo.read_install_date, None)
    os_facts.last_user = attempt(errors, "system", "wtmp", osinfo.read_last_user, None)
    raw_dmi, facts = read_dmi_facts(errors, "system")
    flags = attempt(errors, "system", "cpuinfo", _cpu_flags, set())
    virt_facts = attempt(
        errors, "system", "virtualization", lambda: virt.read_virt_facts(flags, raw_dmi), None
    )
    section = SystemSection(os=os_facts, **facts)
    if virt_facts is not None:
        section.virtualization = virt.detect_hypervisor(virt_facts)
        section.container = virt.detect_container(virt_facts)
    return section


def collect_hardware(errors: list[ReportError]) -> HardwareSection:
    """CPUs, memory and modules, disks, volumes and GPUs."""
    return HardwareSection(
        cpus=attempt(errors, "hardware", "cpuinfo", lambda: cpu.read_cpus(common.cached_cpuinfo), []),
        memory_total_bytes=attempt(errors, "hardware", "meminfo", memory.read_memory_total, None),
        memory_modules=attempt(errors, "hardware", "smbios", smbios.read_memory_modules, None) or [],
        disks=attempt(errors, "hardware", "sysfs block", storage.read_disks, []),
        volumes=attempt(errors, "hardware", "mounts", storage.read_volumes, []),
        gpus=attempt(errors, "hardware", "pci", pci.read_gpus, []),
    )


def collect_network(errors: list[ReportError]) -> NetworkSection:
    """Interfaces with addresses, default gateways, DNS and LLDP neighbours."""
    servers, search = attempt(errors, "network", "resolv.conf", network.read_dns, ([], []))
    return NetworkSection(
        interfaces=attempt(errors, "network", "sysfs net", network.read_interfaces, []),
        gateways=attempt(errors, "network", "routes", network.read_gateways, []),
        dns_servers=servers,
        dns_search_domains=search,
        lldp_neighbors=attempt(errors, "network", "lldpctl", lldp.read_lldp_neighbors, None) or [],
    )


def collect_peripherals(errors: list[ReportError]) -> PeripheralsSection:
    """Monitors, USB devices, printers and batteries."""
    return PeripheralsSection(
        monitors=attempt(errors, "peripherals", "drm", lambda: monitors.read_monitors(errors), []),
        usb_devices=attempt(errors, "peripherals", "usb", usb.read_usb_devices, []),
        printers=attempt(errors, "peripherals", "cups", printers.read_printers, []),
        batteries=attempt(errors, "peripherals", "power_supply", power.read_batteries, []),
    )


def collect_security(errors: list[ReportError]) -> SecuritySection:
    """Disk encryption, firewall, antivirus, Secure Boot, TPM and updates."""
    volumes = attempt(errors, "security", "mounts", storage.read_volumes, [])
    enabled, product = attempt(errors, "security", "firewall", security.read_firewall, (None, None))
    return SecuritySection(
        disk_encryption=[
            VolumeEncryption(volume=v.mount_point, encrypted=v.encrypted, method=v.encryption)
            for v in volumes
            if v.encrypted is not None
        ],
        firewall_enabled=enabled,
        firewall_product=product,
        antivirus=attempt(errors, "security", "antivirus", security.read_antivirus, []),
        secure_boot=attempt(errors, "security", "efivars", security.read_secure_boot, None),
        tpm_version=attempt(errors, "security", "tpm", security.read_tpm_version, None),
        auto_updates=attempt(errors, "security", "auto updates", security.read_auto_updates, None),
        pending_updates=attempt(errors, "security", "pending updates", security.read_pending_updates, None),
    )


def collect_software(errors: list[ReportError]) -> SoftwareSection:
    """Packages of every package manager found on this machine."""
    sources = (
        ("dpkg", dpkg.read_dpkg_packages),
        ("rpm", rpm.read_rpm_packages),
        ("pacman", pacman.read_pacman_packages),
        ("apk", pacman.read_apk_packages),
        ("snap", bundles.read_snap_packages),
        ("flatpak", bundles.read_flatpak_packages),
    )
    packages = []
    for name, read in sources:
        packages.extend(attempt(errors, "software", name, read, None) or [])
    return SoftwareSection(packages=packages)


def _console_user(users: list[tuple[str, str]]) -> str | None:
    for name, terminal in users:
        if terminal.startswith(("tty", ":", "seat")):
            return name
    return users[0][0] if users else None


def collect_status(errors: list[ReportError]) -> Status:
    """Uptime, users, free space, battery charge and current addresses."""
    status = Status()
    uptime = attempt(errors, "status", "uptime", lambda: read_text(Path("/proc/uptime")), None)
    status.uptime_seconds = int(float(uptime.split()[0])) if uptime else None
    sessions = attempt(errors, "status", "utmp", osinfo.read_sessions, [])
    status.logged_in_user = _console_user(sessions)
    status.logged_in_users = sorted({name for name, _ in sessions})
    mounts = attempt(errors, "status", "mounts", storage.read_volumes, [])
    status.volumes = [usage for usage in map(_usage, mounts) if usage is not None]
    supplies = attempt(errors, "status", "power_supply", power.read_power_supplies, [])
    status.battery_percent, status.battery_charging, status.on_ac_power = power.battery_status(supplies)
    addresses = attempt(errors, "status", "addresses", network.read_current_addresses, [])
    status.ip_addresses = common.status_ip_addresses(addresses)
    return status


def _usage(volume: Volume) -> VolumeUsage | None:
    if volume.size_bytes is None:
        return None  # a network share (never statvfs'ed: a dead server would hang the run) or unreadable
    try:
        stat = os.statvfs(volume.mount_point)
    except OSError:
        return None  # unmounted since it was listed, or an automount that does not answer
    return VolumeUsage(
        mount_point=volume.mount_point,
        size_bytes=stat.f_blocks * stat.f_frsize,
        free_bytes=stat.f_bavail * stat.f_frsize,
    )


def fqdn(hostname: str | None) -> str | None:
    """The canonical name from the resolver (hosts file first), if it is a dotted, non-localhost name."""
    if not hostname:
        return None
    # bytes: a str host name would load the idna codec (4 ms) to encode it
    found = socket.getaddrinfo(hostname.encode(), None, flags=socket.AI_CANONNAME)
    canonical = found[0][3] if found else ""
    return canonical if "." in canonical and not canonical.startswith("localhost") else None


def collect_identity(errors: list[ReportError]) -> Identity:
    """Host name, machine id, SMBIOS identity and the MACs of physical NICs."""
    name = attempt(errors, "identity", "hostname", common.hostname, None)
    _, facts = read_dmi_facts(errors, "identity")
    return Identity(
        hostname=name,
        fqdn=attempt(errors, "identity", "resolver", lambda: fqdn(os.uname().nodename), None),
        machine_id=attempt(errors, "identity", "machine-id", osinfo.read_machine_id, None),
        system_uuid=facts.get("system_uuid"),
        serial=facts.get("serial"),
        manufacturer=facts.get("manufacturer"),
        product=facts.get("product"),
        physical_macs=attempt(errors, "identity", "sysfs net", network.read_physical_macs, []),
    )
