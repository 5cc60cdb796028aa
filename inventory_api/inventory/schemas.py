"""The inventory of a reported machine as the API shows it."""

import uuid
from datetime import datetime
from typing import Any

from inventory_api.schemas import ApiModel, UtcDateTime


class CpuRead(ApiModel):
    socket: int | None
    vendor: str | None
    model: str | None
    physical_cores: int | None
    logical_processors: int | None
    base_speed_hz: int | None
    max_speed_hz: int | None


class MemoryModuleRead(ApiModel):
    slot: str | None
    size_bytes: int | None
    type: str | None
    form_factor: str | None
    speed_mts: int | None
    manufacturer: str | None
    part_number: str | None
    serial: str | None


class DiskRead(ApiModel):
    name: str
    model: str | None
    vendor: str | None
    serial: str | None
    size_bytes: int | None
    kind: str | None
    bus: str | None
    removable: bool | None


class VolumeRead(ApiModel):
    mount_point: str
    device: str | None
    filesystem: str | None
    size_bytes: int | None
    free_bytes: int | None = None
    encrypted: bool | None
    encryption: str | None


class GpuRead(ApiModel):
    vendor: str | None
    model: str | None
    vendor_id: str | None
    device_id: str | None
    driver: str | None
    memory_bytes: int | None


class AddressRead(ApiModel):
    address: str
    family: str | None
    prefix_length: int | None


class InterfaceRead(ApiModel):
    name: str
    mac: str | None
    kind: str | None
    is_physical: bool | None
    virtual_kind: str | None
    link_speed_mbps: int | None
    mtu: int | None
    driver: str | None
    addresses: list[AddressRead] = []


class LldpRead(ApiModel):
    local_interface: str | None
    chassis_id: str | None
    port_id: str | None
    system_name: str | None
    port_description: str | None
    vlan: int | None
    management_address: str | None


class BatteryRead(ApiModel):
    name: str | None
    manufacturer: str | None
    model: str | None
    serial: str | None
    design_capacity_wh: float | None
    full_charge_capacity_wh: float | None
    cycle_count: int | None
    health_percent: float | None


class DeviceRead(ApiModel):
    kind: str
    name: str | None
    manufacturer: str | None
    model: str | None
    serial: str | None
    vendor_id: str | None
    product_id: str | None
    details: dict[str, Any]


class LinkedPeripheral(ApiModel):
    """A peripheral asset of its own, linked to this host."""

    id: uuid.UUID
    kind: str
    name: str | None
    serial: str | None
    missing_since: UtcDateTime | None = None


class SystemRead(ApiModel):
    os_family: str | None
    os_name: str | None
    os_version: str | None
    os_build: str | None
    kernel_version: str | None
    architecture: str | None
    os_install_date: str | None
    boot_time: str | None
    timezone: str | None
    last_user: str | None
    last_user_domain: str | None
    manufacturer: str | None
    product: str | None
    serial: str | None
    system_uuid: str | None
    chassis_type: str | None
    bios_vendor: str | None
    bios_version: str | None
    bios_date: str | None
    virtualization: str | None
    container: str | None
    memory_total_bytes: int | None
    dns_servers: list[Any]
    gateways: list[Any]


class SecurityRead(ApiModel):
    firewall_enabled: bool | None
    firewall_product: str | None
    secure_boot: bool | None
    tpm_version: str | None
    auto_updates: bool | None
    pending_updates: int | None
    disk_encryption: list[Any]
    antivirus: list[Any]


class StatusRead(ApiModel):
    """The facts of the newest report that change on every run."""

    uptime_seconds: int | None
    logged_in_user: str | None
    logged_in_users: list[Any]
    battery_percent: float | None
    on_ac_power: bool | None
    ip_addresses: list[Any]
    volumes: list[Any]
    full_volumes: list[Any]
    errors: list[Any]
    last_report_at: UtcDateTime | None
    last_collected_at: UtcDateTime | None
    clock_skew_seconds: float | None
    collector_version: str | None = None


class InventoryRead(ApiModel):
    """Everything the collector reported about a machine, from the normalised tables."""

    asset_id: uuid.UUID
    last_seen: UtcDateTime | None
    system: SystemRead | None
    cpus: list[CpuRead]
    memory_modules: list[MemoryModuleRead]
    disks: list[DiskRead]
    volumes: list[VolumeRead]
    gpus: list[GpuRead]
    interfaces: list[InterfaceRead]
    lldp_neighbors: list[LldpRead]
    batteries: list[BatteryRead]
    devices: list[DeviceRead]
    peripherals: list[LinkedPeripheral]
    security: SecurityRead | None
    status: StatusRead | None
    software_count: int


class StaleAssetRead(ApiModel):
    id: uuid.UUID
    kind: str
    name: str | None
    hostname: str | None
    site_id: uuid.UUID
    status: str
    last_seen: UtcDateTime | None


class StaleFlagged(ApiModel):
    flagged: int
    older_than: datetime
