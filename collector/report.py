"""The inventory report: the one definition of the collector's wire format."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from collector.report_codec import canonical_json, digest, from_dict, json_schema, to_dict

__all__ = [
    "SCHEMA_VERSION",
    "SECTIONS",
    "Report",
    "canonical_json",
    "from_dict",
    "hash_sections",
    "report_json_schema",
    "section_hash",
    "to_dict",
]

SCHEMA_VERSION = "1.2"  # 1.1: software_delta; 1.2: os.last_user_domain, monitor edid_checksum_ok
SECTIONS = ("system", "hardware", "network", "peripherals", "security", "software")


@dataclass(slots=True, kw_only=True)
class ReportError:
    """A source that failed; the rest of the report still went out."""

    section: str
    source: str
    message: str


# --- identity and status: always sent, never hashed ---------------------------------------------


@dataclass(slots=True, kw_only=True)
class Identity:
    """Facts the server matches an asset on, even when every section is sent as a hash only."""

    hostname: str | None = None
    fqdn: str | None = None
    machine_id: str | None = None
    system_uuid: str | None = None
    serial: str | None = None
    manufacturer: str | None = None
    product: str | None = None
    physical_macs: list[str] = field(default_factory=list)  # lowercase "aa:bb:cc:dd:ee:ff"


@dataclass(slots=True, kw_only=True)
class VolumeUsage:
    """Size and free space of one mounted volume at collection time."""

    mount_point: str
    size_bytes: int | None = None
    free_bytes: int | None = None


@dataclass(slots=True, kw_only=True)
class Status:
    """Facts that change on every run: always sent, never hashed."""

    uptime_seconds: int | None = None
    logged_in_user: str | None = None
    logged_in_users: list[str] = field(default_factory=list)
    volumes: list[VolumeUsage] = field(default_factory=list)
    battery_percent: float | None = None
    battery_charging: bool | None = None
    on_ac_power: bool | None = None
    ip_addresses: list[str] = field(default_factory=list)


# --- system ----------------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class OperatingSystem:
    """The installed OS; family is linux, windows or macos; dates are ISO 8601 UTC."""

    family: str | None = None
    name: str | None = None
    distribution_id: str | None = None
    version: str | None = None
    build: str | None = None
    kernel_name: str | None = None
    kernel_version: str | None = None
    architecture: str | None = None
    install_date: str | None = None
    boot_time: str | None = None
    timezone: str | None = None
    #: The last signed-in account, without its domain ("maria", "MariaLopez", "jdoe").
    last_user: str | None = None
    #: Its domain where the OS names one: "CORP", "AzureAD", "example.com"; None for a local account.
    last_user_domain: str | None = None


@dataclass(slots=True, kw_only=True)
class SystemSection:
    """OS, SMBIOS system and BIOS facts, and virtualization (physical, or which hypervisor)."""

    os: OperatingSystem = field(default_factory=OperatingSystem)
    manufacturer: str | None = None
    product: str | None = None
    product_version: str | None = None
    family: str | None = None
    sku: str | None = None
    serial: str | None = None
    system_uuid: str | None = None
    chassis_type: str | None = None  # SMBIOS chassis type name, e.g. "Desktop", "Notebook"
    board_manufacturer: str | None = None
    board_product: str | None = None
    board_serial: str | None = None
    bios_vendor: str | None = None
    bios_version: str | None = None
    bios_date: str | None = None  # ISO 8601 date, "2023-04-17"
    virtualization: str | None = None  # "physical", "kvm", "qemu", "vmware", "hyperv", "xen", "virtualbox", …
    container: str | None = None  # "docker", "podman", "lxc", "systemd-nspawn", "wsl", … or null


# --- hardware --------------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class Cpu:
    """One CPU package (socket)."""

    socket: int | None = None
    vendor: str | None = None
    model: str | None = None
    family: int | None = None
    model_number: int | None = None
    stepping: int | None = None
    physical_cores: int | None = None
    logical_processors: int | None = None
    base_speed_hz: int | None = None
    max_speed_hz: int | None = None


@dataclass(slots=True, kw_only=True)
class MemoryModule:
    """One populated memory slot, from SMBIOS type 17."""

    slot: str | None = None
    bank: str | None = None
    size_bytes: int | None = None
    type: str | None = None  # "DDR4", "LPDDR5", …
    form_factor: str | None = None  # "DIMM", "SODIMM", …
    speed_mts: int | None = None  # rated, megatransfers per second
    configured_speed_mts: int | None = None
    manufacturer: str | None = None
    part_number: str | None = None
    serial: str | None = None


@dataclass(slots=True, kw_only=True)
class Disk:
    """One physical (or virtual) block device; kind is ssd, hdd or null."""

    name: str
    model: str | None = None
    vendor: str | None = None
    serial: str | None = None
    firmware: str | None = None
    size_bytes: int | None = None
    kind: str | None = None
    bus: str | None = None  # "nvme", "sata", "sas", "scsi", "usb", "virtio", "mmc", "xen", …
    removable: bool | None = None
    rotational: bool | None = None


@dataclass(slots=True, kw_only=True)
class Volume:
    """One mounted file system; free space is in status."""

    mount_point: str
    device: str | None = None
    filesystem: str | None = None
    size_bytes: int | None = None
    encrypted: bool | None = None
    encryption: str | None = None  # "luks", "bitlocker", "filevault", …


@dataclass(slots=True, kw_only=True)
class Gpu:
    """One display adapter; vendor_id and device_id are lowercase 4-digit hex (PCI)."""

    vendor: str | None = None
    model: str | None = None
    vendor_id: str | None = None
    device_id: str | None = None
    bus_address: str | None = None
    driver: str | None = None
    memory_bytes: int | None = None


@dataclass(slots=True, kw_only=True)
class HardwareSection:
    """CPUs, memory, disks, volumes and GPUs."""

    cpus: list[Cpu] = field(default_factory=list)
    memory_total_bytes: int | None = None
    memory_modules: list[MemoryModule] = field(default_factory=list)
    disks: list[Disk] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)
    gpus: list[Gpu] = field(default_factory=list)


# --- network ---------------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class IpAddress:
    """One address of an interface; family is ipv4 or ipv6."""

    address: str
    prefix_length: int | None = None
    family: str | None = None


@dataclass(slots=True, kw_only=True)
class NetworkInterface:
    """One network interface; virtual_kind names the kind of a virtual one (bridge, vlan, bond, tun, …)."""

    name: str
    mac: str | None = None  # lowercase "aa:bb:cc:dd:ee:ff"
    kind: str | None = None  # "ethernet", "wireless", "loopback", "tunnel", "other"
    is_physical: bool | None = None
    virtual_kind: str | None = None
    state: str | None = None  # "up", "down", "dormant", "unknown"
    link_speed_mbps: int | None = None
    mtu: int | None = None
    driver: str | None = None
    addresses: list[IpAddress] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Gateway:
    """A default route."""

    address: str
    interface: str | None = None
    family: str | None = None


@dataclass(slots=True, kw_only=True)
class LldpNeighbor:
    """The switch port an interface is plugged into, as announced by LLDP."""

    local_interface: str | None = None
    chassis_id: str | None = None
    chassis_id_subtype: str | None = None  # "mac", "ip", "local", "ifname", …
    port_id: str | None = None
    port_id_subtype: str | None = None
    system_name: str | None = None
    system_description: str | None = None
    port_description: str | None = None
    vlan: int | None = None
    management_address: str | None = None


@dataclass(slots=True, kw_only=True)
class NetworkSection:
    """Interfaces with addresses, default gateways, DNS and LLDP neighbours."""

    interfaces: list[NetworkInterface] = field(default_factory=list)
    gateways: list[Gateway] = field(default_factory=list)
    dns_servers: list[str] = field(default_factory=list)
    dns_search_domains: list[str] = field(default_factory=list)
    lldp_neighbors: list[LldpNeighbor] = field(default_factory=list)


# --- peripherals -----------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class Monitor:
    """A display, from its EDID; manufacturer is the 3-letter PNP id."""

    connector: str | None = None
    manufacturer: str | None = None
    manufacturer_name: str | None = None
    model: str | None = None
    product_code: int | None = None
    serial: str | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    diagonal_inches: float | None = None
    manufacture_year: int | None = None
    manufacture_week: int | None = None
    #: False when the EDID failed its checksum (facts decoded all the same); None without an EDID.
    edid_checksum_ok: bool | None = None


@dataclass(slots=True, kw_only=True)
class UsbDevice:
    """A USB device; ids are lowercase 4-digit hex, classes 2-digit hex."""

    vendor_id: str
    product_id: str
    manufacturer: str | None = None
    product: str | None = None
    serial: str | None = None
    device_class: str | None = None
    interface_classes: list[str] = field(default_factory=list)
    kind: str | None = None  # "hub", "storage", "webcam", "headset", "audio", "hid", "dock", "printer", …


@dataclass(slots=True, kw_only=True)
class Printer:
    """A configured printer queue."""

    name: str
    driver: str | None = None
    port: str | None = None  # device URI or port name
    location: str | None = None
    description: str | None = None
    is_default: bool | None = None
    is_shared: bool | None = None
    is_network: bool | None = None


@dataclass(slots=True, kw_only=True)
class Battery:
    """An internal battery; health is full-charge over design capacity."""

    name: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    serial: str | None = None
    chemistry: str | None = None
    design_capacity_wh: float | None = None
    full_charge_capacity_wh: float | None = None
    cycle_count: int | None = None
    health_percent: float | None = None


@dataclass(slots=True, kw_only=True)
class PeripheralsSection:
    """Monitors, USB devices (docks, webcams, headsets as kinds), printers and batteries."""

    monitors: list[Monitor] = field(default_factory=list)
    usb_devices: list[UsbDevice] = field(default_factory=list)
    printers: list[Printer] = field(default_factory=list)
    batteries: list[Battery] = field(default_factory=list)


# --- security --------------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class VolumeEncryption:
    """Encryption state of one volume or block device."""

    volume: str
    encrypted: bool | None = None
    method: str | None = None  # "luks", "bitlocker", "filevault"
    status: str | None = None


@dataclass(slots=True, kw_only=True)
class Antivirus:
    """An antivirus / endpoint protection product."""

    name: str
    enabled: bool | None = None
    up_to_date: bool | None = None


@dataclass(slots=True, kw_only=True)
class SecuritySection:
    """Disk encryption, firewall, antivirus, Secure Boot and updates."""

    disk_encryption: list[VolumeEncryption] = field(default_factory=list)
    firewall_enabled: bool | None = None
    firewall_product: str | None = None
    antivirus: list[Antivirus] = field(default_factory=list)
    secure_boot: bool | None = None
    tpm_version: str | None = None
    auto_updates: bool | None = None
    pending_updates: int | None = None


# --- software --------------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class Package:
    """One installed package or application; scope is system or user."""

    name: str
    version: str | None = None
    publisher: str | None = None
    architecture: str | None = None
    install_date: str | None = None  # ISO 8601 UTC
    source: str | None = (
        None  # "dpkg", "rpm", "pacman", "apk", "snap", "flatpak", "msi", "appx", "app_bundle", …
    )
    scope: str | None = None
    is_system_component: bool = False
    is_update: bool = False


@dataclass(slots=True, kw_only=True)
class SoftwareSection:
    """Installed software of every package source."""

    packages: list[Package] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class SoftwareDelta:
    """The software section as the packages added and removed since the one the server acknowledged (`base`, its
    hash): sent instead of the section when a few packages changed, with the new section's hash in `hashes`.

    A package changed in any field is removed as it was and added as it is. The server applies it only when
    `base` is the hash it stored; else it answers 409 sections_required and the collector sends the section.
    """

    base: str
    added: list[Package] = field(default_factory=list)
    removed: list[Package] = field(default_factory=list)


# --- the report ------------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class Report:
    """One inventory run; a section left null is unchanged (sent as its hash only) or switched off."""

    schema_version: str = SCHEMA_VERSION
    report_id: str
    collected_at: str  # ISO 8601 UTC ending in "Z"
    collector_version: str
    identity: Identity
    status: Status
    hashes: dict[str, str] = field(default_factory=dict)
    system: SystemSection | None = None
    hardware: HardwareSection | None = None
    network: NetworkSection | None = None
    peripherals: PeripheralsSection | None = None
    security: SecuritySection | None = None
    software: SoftwareSection | None = None
    software_delta: SoftwareDelta | None = None  # since 1.1, only with software null
    errors: list[ReportError] = field(default_factory=list)


SECTION_TYPES: dict[str, type] = {
    "system": SystemSection,
    "hardware": HardwareSection,
    "network": NetworkSection,
    "peripherals": PeripheralsSection,
    "security": SecuritySection,
    "software": SoftwareSection,
}


# --- hashing and schema ----------------------------------------------------------------------


def section_hash(section: Any) -> str:
    """SHA-256 hex of a section's canonical JSON: sorted keys, compact, UTF-8, every list sorted."""
    return digest(section)


def hash_sections(report: Report) -> dict[str, str]:
    """The hash of every section present in a report; identity and status are never hashed."""
    sections = {name: getattr(report, name) for name in SECTIONS}
    return {name: section_hash(section) for name, section in sections.items() if section is not None}


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a report, generated from the dataclasses."""
    schema = json_schema(
        Report,
        title="Endpoint inventory report",
        schema_id="https://endpoint-inventory.example/schemas/report-1.json",
    )
    schema["properties"]["schema_version"] = {"type": "string", "pattern": r"^1\.[0-9]+$"}
    return schema


def schema_text() -> str:
    """The JSON Schema as published in docs/report-schema.json."""
    return json.dumps(report_json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
