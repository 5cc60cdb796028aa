"""A reported machine's components, one normalised table each, written by ingest from the collector's sections."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from inventory_api.db import Base, BigIntPK, utcnow


class Component:
    """An integer-keyed row of one asset; `key` is its natural key within the asset, for diffing."""

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300))

    @declared_attr
    def asset_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(Uuid, ForeignKey("assets.id", ondelete="CASCADE"))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (Index(f"ix_{cls.__tablename__}_asset", "asset_id"),)


class SystemFacts(Base):
    """The system section and hardware totals of an asset: OS, SMBIOS, BIOS, virtualization, DNS, gateways."""

    __tablename__ = "inv_systems"

    asset_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    os_family: Mapped[str | None] = mapped_column(String(20))
    os_name: Mapped[str | None] = mapped_column(String(200))
    os_version: Mapped[str | None] = mapped_column(String(100))
    os_build: Mapped[str | None] = mapped_column(String(100))
    kernel_version: Mapped[str | None] = mapped_column(String(200))
    architecture: Mapped[str | None] = mapped_column(String(50))
    os_install_date: Mapped[str | None] = mapped_column(String(40))
    boot_time: Mapped[str | None] = mapped_column(String(40))
    timezone: Mapped[str | None] = mapped_column(String(100))
    last_user: Mapped[str | None] = mapped_column(String(200))
    last_user_domain: Mapped[str | None] = mapped_column(String(200))
    manufacturer: Mapped[str | None] = mapped_column(String(200))
    product: Mapped[str | None] = mapped_column(String(200))
    serial: Mapped[str | None] = mapped_column(String(200))
    system_uuid: Mapped[str | None] = mapped_column(String(64))
    chassis_type: Mapped[str | None] = mapped_column(String(50))
    bios_vendor: Mapped[str | None] = mapped_column(String(200))
    bios_version: Mapped[str | None] = mapped_column(String(200))
    bios_date: Mapped[str | None] = mapped_column(String(20))
    virtualization: Mapped[str | None] = mapped_column(String(30))
    container: Mapped[str | None] = mapped_column(String(30))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    memory_total_bytes: Mapped[int | None] = mapped_column(BigInteger)
    dns_servers: Mapped[list[Any]] = mapped_column(default=list)
    dns_search_domains: Mapped[list[Any]] = mapped_column(default=list)
    gateways: Mapped[list[Any]] = mapped_column(default=list)
    collector_version: Mapped[str | None] = mapped_column(String(50))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Cpu(Component, Base):
    """One CPU package."""

    __tablename__ = "inv_cpus"
    socket: Mapped[int | None] = mapped_column(Integer)
    vendor: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(200))
    physical_cores: Mapped[int | None] = mapped_column(Integer)
    logical_processors: Mapped[int | None] = mapped_column(Integer)
    base_speed_hz: Mapped[int | None] = mapped_column(BigInteger)
    max_speed_hz: Mapped[int | None] = mapped_column(BigInteger)


class MemoryModule(Component, Base):
    """One populated memory slot."""

    __tablename__ = "inv_memory_modules"
    slot: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    type: Mapped[str | None] = mapped_column(String(30))
    form_factor: Mapped[str | None] = mapped_column(String(30))
    speed_mts: Mapped[int | None] = mapped_column(Integer)
    manufacturer: Mapped[str | None] = mapped_column(String(100))
    part_number: Mapped[str | None] = mapped_column(String(100))
    serial: Mapped[str | None] = mapped_column(String(100))


class Disk(Component, Base):
    """One physical or virtual disk."""

    __tablename__ = "inv_disks"
    name: Mapped[str] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(200))
    vendor: Mapped[str | None] = mapped_column(String(100))
    serial: Mapped[str | None] = mapped_column(String(200))
    firmware: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str | None] = mapped_column(String(20))
    bus: Mapped[str | None] = mapped_column(String(20))
    removable: Mapped[bool | None]


class Volume(Component, Base):
    """One mounted file system."""

    __tablename__ = "inv_volumes"
    mount_point: Mapped[str] = mapped_column(String(300))
    device: Mapped[str | None] = mapped_column(String(300))
    filesystem: Mapped[str | None] = mapped_column(String(50))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    encrypted: Mapped[bool | None]
    encryption: Mapped[str | None] = mapped_column(String(30))


class Gpu(Component, Base):
    """One display adapter."""

    __tablename__ = "inv_gpus"
    vendor: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(200))
    vendor_id: Mapped[str | None] = mapped_column(String(4))
    device_id: Mapped[str | None] = mapped_column(String(4))
    bus_address: Mapped[str | None] = mapped_column(String(50))
    driver: Mapped[str | None] = mapped_column(String(100))
    memory_bytes: Mapped[int | None] = mapped_column(BigInteger)


class NetworkInterface(Component, Base):
    """One network interface."""

    __tablename__ = "inv_network_interfaces"
    name: Mapped[str] = mapped_column(String(100))
    mac: Mapped[str | None] = mapped_column(String(17))
    kind: Mapped[str | None] = mapped_column(String(20))
    is_physical: Mapped[bool | None]
    virtual_kind: Mapped[str | None] = mapped_column(String(30))
    state: Mapped[str | None] = mapped_column(String(20))
    link_speed_mbps: Mapped[int | None] = mapped_column(Integer)
    mtu: Mapped[int | None] = mapped_column(Integer)
    driver: Mapped[str | None] = mapped_column(String(100))


class IpAddress(Component, Base):
    """One address of an interface; `address` is the normalised (compressed, lower-case) form, indexed for search."""

    __tablename__ = "inv_ip_addresses"
    __table_args__ = (
        Index("ix_inv_ip_addresses_asset", "asset_id"),
        Index("ix_inv_ip_addresses_address", "address"),
    )
    interface: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(45))
    family: Mapped[str | None] = mapped_column(String(4))
    prefix_length: Mapped[int | None] = mapped_column(Integer)


class LldpNeighbor(Component, Base):
    """The switch port an interface is plugged into."""

    __tablename__ = "inv_lldp_neighbors"
    local_interface: Mapped[str | None] = mapped_column(String(100))
    chassis_id: Mapped[str | None] = mapped_column(String(100))
    port_id: Mapped[str | None] = mapped_column(String(100))
    system_name: Mapped[str | None] = mapped_column(String(255))
    port_description: Mapped[str | None] = mapped_column(String(255))
    vlan: Mapped[int | None] = mapped_column(Integer)
    management_address: Mapped[str | None] = mapped_column(String(45))


class Battery(Component, Base):
    """An internal battery."""

    __tablename__ = "inv_batteries"
    name: Mapped[str | None] = mapped_column(String(100))
    manufacturer: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(100))
    serial: Mapped[str | None] = mapped_column(String(100))
    chemistry: Mapped[str | None] = mapped_column(String(30))
    design_capacity_wh: Mapped[float | None] = mapped_column(Float)
    full_charge_capacity_wh: Mapped[float | None] = mapped_column(Float)
    cycle_count: Mapped[int | None] = mapped_column(Integer)
    health_percent: Mapped[float | None] = mapped_column(Float)


class Peripheral(Component, Base):
    """A device seen on the host that is not an asset of its own (USB stick, keyboard, printer queue …)."""

    __tablename__ = "inv_peripherals"
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str | None] = mapped_column(String(255))
    manufacturer: Mapped[str | None] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(200))
    serial: Mapped[str | None] = mapped_column(String(200))
    vendor_id: Mapped[str | None] = mapped_column(String(4))
    product_id: Mapped[str | None] = mapped_column(String(4))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SecurityPosture(Base):
    """Disk encryption, firewall, antivirus, Secure Boot, TPM and updates of one asset."""

    __tablename__ = "inv_security"

    asset_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    firewall_enabled: Mapped[bool | None]
    firewall_product: Mapped[str | None] = mapped_column(String(200))
    secure_boot: Mapped[bool | None]
    tpm_version: Mapped[str | None] = mapped_column(String(20))
    auto_updates: Mapped[bool | None]
    pending_updates: Mapped[int | None] = mapped_column(Integer)
    disk_encryption: Mapped[list[Any]] = mapped_column(default=list)
    antivirus: Mapped[list[Any]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PeripheralLink(Base):
    """A peripheral asset's current host, and since when it has been missing from the host's reports."""

    __tablename__ = "inv_peripheral_links"
    __table_args__ = (Index("ix_inv_peripheral_links_host", "host_id"),)

    peripheral_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    host_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("assets.id", ondelete="CASCADE"))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    missing_since: Mapped[datetime | None]
