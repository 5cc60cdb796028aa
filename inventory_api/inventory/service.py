"""Applying a report's changed sections to an asset's normalised inventory, and reading it back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.errors import Conflict
from inventory_api.inventory import sections as s
from inventory_api.inventory.diff import human_bytes, sync_components, sync_single
from inventory_api.inventory.models import SecurityPosture, SystemFacts
from inventory_api.inventory.peripherals import split_peripherals, sync_peripheral_assets
from inventory_api.software.service import DeltaMismatch, apply_installation_delta, sync_installations


@dataclass
class Applied:
    """What applying a report's sections changed: readable lines per section, and counts for a first report."""

    lines: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, section: str, lines: list[str]) -> None:
        if lines:
            self.lines.setdefault(section, []).extend(lines)


def _switch(name: str, on: str = "on", off: str = "off") -> Any:
    def word(old: Any, new: Any) -> str:
        if new is None:
            return f"{name} unknown"
        return f"{name} turned {on if new else off}"

    return word


SECURITY_WORDS = {
    "firewall_enabled": _switch("firewall"),
    "secure_boot": _switch("Secure Boot"),
    "auto_updates": _switch("automatic updates"),
}
SYSTEM_FIELDS = (
    "manufacturer", "product", "serial", "system_uuid", "chassis_type", "bios_vendor", "bios_version",
    "bios_date", "virtualization", "container",
)  # fmt: skip
OS_FIELDS = {
    "family": "os_family", "name": "os_name", "version": "os_version", "build": "os_build",
    "kernel_version": "kernel_version", "architecture": "architecture", "install_date": "os_install_date",
    "timezone": "timezone",
}  # fmt: skip
#: Fields that change without anything being done to the machine: stored, never written to history.
QUIET_FIELDS = ("boot_time", "last_user", "last_user_domain")


def facts_of(session: Session, asset_id: uuid.UUID) -> SystemFacts:
    """The asset's system facts row, created empty on first use."""
    # Added by an earlier section of this report and not flushed yet (see apply_sections): not in the identity map.
    facts = next((o for o in session.new if isinstance(o, SystemFacts) and o.asset_id == asset_id), None)
    facts = facts or session.get(SystemFacts, asset_id)
    if facts is None:
        facts = SystemFacts(asset_id=asset_id, details={}, dns_servers=[], dns_search_domains=[], gateways=[])
        session.add(facts)
    return facts


def asset_kind(system: Any) -> str | None:
    """desktop, laptop, server or virtual_machine, from the chassis type and virtualization."""
    if system.virtualization and system.virtualization != "physical":
        return "virtual_machine"
    chassis = (system.chassis_type or "").lower()
    if any(
        word in chassis for word in ("notebook", "laptop", "portable", "convertible", "detachable", "tablet")
    ):
        return "laptop"
    if any(word in chassis for word in ("server", "rack", "blade")):
        return "server"
    if chassis:
        return "desktop"
    return None


def apply_system(session: Session, asset: Asset, system: Any) -> list[str]:
    """OS, SMBIOS and BIOS facts; "OS Ubuntu 22.04 → 24.04" style lines."""
    facts = facts_of(session, asset.id)
    values = {f: getattr(system, f) for f in SYSTEM_FIELDS}
    values.update({column: getattr(system.os, attr) for attr, column in OS_FIELDS.items()})
    lines = sync_single(facts, values, {})
    facts.boot_time, facts.last_user = system.os.boot_time, system.os.last_user
    facts.last_user_domain = system.os.last_user_domain
    facts.details = {
        k: getattr(system, k)
        for k in ("product_version", "family", "sku", "board_manufacturer", "board_product", "board_serial")
    }
    return lines


def apply_hardware(session: Session, asset: Asset, hardware: Any, *, empty: bool = False) -> list[str]:
    """CPUs, memory, disks, volumes and GPUs; "memory 8 GiB → 16 GiB"."""
    lines: list[str] = []
    facts = facts_of(session, asset.id)
    if facts.memory_total_bytes != hardware.memory_total_bytes:
        lines.append(
            f"memory {human_bytes(facts.memory_total_bytes)} → {human_bytes(hardware.memory_total_bytes)}"
        )
        facts.memory_total_bytes = hardware.memory_total_bytes
    for spec, rows in s.hardware_rows(hardware).items():
        lines += sync_components(session, asset.id, spec, rows, empty=empty)
    return lines


def apply_network(session: Session, asset: Asset, network: Any, *, empty: bool = False) -> list[str]:
    """Interfaces with their addresses, LLDP neighbours, gateways and DNS."""
    lines: list[str] = []
    for spec, rows in s.network_rows(network).items():
        lines += sync_components(session, asset.id, spec, rows, empty=empty)
    facts = facts_of(session, asset.id)
    gateways = sorted(g.address for g in network.gateways)
    if sorted(g["address"] for g in facts.gateways or []) != gateways:
        lines.append(f"default gateway {', '.join(gateways) or 'none'}")
    facts.gateways = [
        {"address": g.address, "interface": g.interface, "family": g.family} for g in network.gateways
    ]
    facts.dns_servers, facts.dns_search_domains = list(network.dns_servers), list(network.dns_search_domains)
    return lines


def apply_peripherals(
    session: Session, asset: Asset, section: Any, *, now: datetime, settings: Any, empty: bool = False
) -> list[str]:
    """Batteries and devices on the host; monitors, docks … with a serial as linked assets of their own."""
    promoted, rows = split_peripherals(section, list(settings.peripheral_asset_kinds))
    rows += [s.printer_row(p) for p in section.printers]
    lines = sync_components(session, asset.id, s.BATTERIES, s.battery_rows(section.batteries), empty=empty)
    lines += sync_components(session, asset.id, s.PERIPHERALS, rows, empty=empty)
    lines += sync_peripheral_assets(
        session, asset, promoted, now=now, grace_days=settings.peripheral_unlink_grace_days
    )
    return lines


def apply_security(session: Session, asset: Asset, security: Any) -> list[str]:
    """Firewall, Secure Boot, TPM, updates, encryption and antivirus; "firewall turned off"."""
    posture = session.get(SecurityPosture, asset.id)
    if posture is None:
        posture = SecurityPosture(asset_id=asset.id, disk_encryption=[], antivirus=[])
        session.add(posture)
    values = {
        f: getattr(security, f)
        for f in ("firewall_enabled", "firewall_product", "secure_boot", "tpm_version", "auto_updates")
    }
    lines = sync_single(posture, values, SECURITY_WORDS)
    posture.pending_updates = security.pending_updates
    encryption = sorted(
        (
            {"volume": e.volume, "encrypted": e.encrypted, "method": e.method, "status": e.status}
            for e in security.disk_encryption
        ),
        key=lambda e: e["volume"],
    )
    before = {e["volume"]: e.get("encrypted") for e in posture.disk_encryption or []}
    for entry in encryption:
        if entry["volume"] in before and before[entry["volume"]] != entry["encrypted"]:
            lines.append(f"encryption of {entry['volume']} turned {'on' if entry['encrypted'] else 'off'}")
    posture.disk_encryption = encryption
    antivirus = sorted(
        ({"name": a.name, "enabled": a.enabled, "up_to_date": a.up_to_date} for a in security.antivirus),
        key=lambda a: a["name"],
    )
    old_av = {a["name"]: a.get("enabled") for a in posture.antivirus or []}
    for entry in antivirus:
        if entry["name"] in old_av and old_av[entry["name"]] != entry["enabled"]:
            lines.append(f"{entry['name']} turned {'on' if entry['enabled'] else 'off'}")
    posture.antivirus = antivirus
    return lines


def apply_software(
    session: Session, asset: Asset, software: Any, *, first: bool = False
) -> tuple[int, list[str]]:
    """Installations through the shared catalog; "Firefox 128.0 → 128.1"."""
    count, changes = sync_installations(session, asset.id, software.packages, describe=not first, empty=first)
    return count, [c.summary() for c in changes]


def apply_software_delta(session: Session, asset: Asset, delta: Any) -> list[str]:
    """The packages added and removed since the stored section; 409 sections_required when they do not fit."""
    try:
        changes = apply_installation_delta(session, asset.id, delta.added, delta.removed)
    except DeltaMismatch as exc:
        raise Conflict(
            f"the software delta does not fit the stored installations ({exc} is not installed): send the "
            "software section in full", code="sections_required", sections=["software"],
        ) from None  # fmt: skip
    return [c.summary() for c in changes]


def apply_sections(
    session: Session,
    asset: Asset,
    report: Any,
    names: list[str],
    *,
    now: datetime,
    settings: Any,
    first: bool = False,
) -> Applied:
    """Apply the named sections of a validated report to the asset.

    Without autoflush: the sections' ORM changes (system facts, security, the asset) go out together at the next
    explicit flush instead of one small flush before each lookup; component and software rows are Core.
    """
    applied = Applied()
    with session.no_autoflush:
        for name in names:
            _apply_section(session, asset, report, name, applied, now=now, settings=settings, first=first)
    return applied


def _apply_section(
    session: Session, asset: Asset, report: Any, name: str, applied: Applied, *, now: datetime, settings: Any,
    first: bool,
) -> None:  # fmt: skip
    """One section into the asset's inventory, its lines and counts into `applied`."""
    section = getattr(report, name)
    if name == "system":
        applied.add(name, apply_system(session, asset, section))
    elif name == "hardware":
        applied.add(name, apply_hardware(session, asset, section, empty=first))
        applied.counts["CPUs"] = len(section.cpus)
        applied.counts["disks"] = len(section.disks)
    elif name == "network":
        applied.add(name, apply_network(session, asset, section, empty=first))
        applied.counts["network interfaces"] = len(section.interfaces)
    elif name == "peripherals":
        applied.add(name, apply_peripherals(session, asset, section, now=now, settings=settings, empty=first))
        applied.counts["peripherals"] = (
            len(section.monitors) + len(section.usb_devices) + len(section.printers)
        )
    elif name == "security":
        applied.add(name, apply_security(session, asset, section))
    elif name == "software" and section is None:  # a delta (see pipeline.plan_sections)
        applied.add(name, apply_software_delta(session, asset, report.software_delta))
    elif name == "software":
        count, lines = apply_software(session, asset, section, first=first)
        applied.add(name, lines)
        applied.counts["packages"] = count
