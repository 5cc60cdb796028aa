"""Turning the collector's hardware, network, peripheral and security sections into component rows."""

from __future__ import annotations

import ipaddress
from typing import Any

from inventory_api.inventory import models as m
from inventory_api.inventory.diff import ComponentSpec, human_bytes


def _pick(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(obj, f, None) for f in fields}


def _cols(model: Any, *skip: str) -> tuple[str, ...]:
    return tuple(c.name for c in model.__table__.columns if c.name not in ("id", "key", "asset_id", *skip))


def _join(*parts: Any) -> str:
    return " ".join(str(p) for p in parts if p not in (None, ""))


CPUS = ComponentSpec(
    m.Cpu, "CPU", _cols(m.Cpu),
    key=lambda r: f"{r['socket'] if r['socket'] is not None else ''}|{r['model'] or ''}",
    describe=lambda r: _join(r.get("model") or "unknown model", f"(socket {r['socket']})" if r.get("socket") is not None else None),
)  # fmt: skip
MEMORY = ComponentSpec(
    m.MemoryModule, "memory module", _cols(m.MemoryModule),
    key=lambda r: r["slot"] or r["serial"] or "",
    describe=lambda r: _join(r.get("slot"), human_bytes(r.get("size_bytes")), r.get("type")),
)  # fmt: skip
DISKS = ComponentSpec(
    m.Disk, "disk", _cols(m.Disk),
    key=lambda r: r["serial"] or f"name:{r['name']}",
    describe=lambda r: _join(r.get("model") or r.get("name"), f"({human_bytes(r.get('size_bytes'))})", r.get("serial")),
)  # fmt: skip
VOLUMES = ComponentSpec(
    m.Volume, "volume", _cols(m.Volume),
    key=lambda r: r["mount_point"],
    describe=lambda r: _join(r.get("mount_point"), r.get("filesystem"), f"({human_bytes(r.get('size_bytes'))})"),
)  # fmt: skip
GPUS = ComponentSpec(
    m.Gpu, "GPU", _cols(m.Gpu),
    key=lambda r: r["bus_address"] or f"{r['vendor_id']}:{r['device_id']}:{r['model']}",
    describe=lambda r: _join(r.get("vendor"), r.get("model")) or "unknown",
)  # fmt: skip
INTERFACES = ComponentSpec(
    m.NetworkInterface, "network interface", _cols(m.NetworkInterface, "state"),
    key=lambda r: r["name"],
    describe=lambda r: _join(r.get("name"), r.get("mac")),
)  # fmt: skip
ADDRESSES = ComponentSpec(
    m.IpAddress, "address", _cols(m.IpAddress),
    key=lambda r: f"{r['interface'] or ''}|{r['address']}",
    describe=lambda r: _join(f"{r['address']}/{r['prefix_length']}" if r.get("prefix_length") is not None else r.get("address"), f"on {r['interface']}" if r.get("interface") else None),
)  # fmt: skip
LLDP = ComponentSpec(
    m.LldpNeighbor, "switch port", _cols(m.LldpNeighbor),
    key=lambda r: f"{r['local_interface'] or ''}|{r['chassis_id'] or ''}|{r['port_id'] or ''}",
    describe=lambda r: _join(r.get("system_name") or r.get("chassis_id"), r.get("port_id"), f"(via {r['local_interface']})" if r.get("local_interface") else None),
)  # fmt: skip
BATTERIES = ComponentSpec(
    m.Battery, "battery", _cols(m.Battery),
    key=lambda r: r["serial"] or r["name"] or "",
    describe=lambda r: _join(r.get("manufacturer"), r.get("model") or r.get("name")),
)  # fmt: skip
PERIPHERALS = ComponentSpec(
    m.Peripheral, "device", _cols(m.Peripheral),
    key=lambda r: f"{r['kind']}|{r['vendor_id'] or r['manufacturer'] or ''}|{r['product_id'] or r['model'] or r['name'] or ''}|{r['serial'] or ''}",
    describe=lambda r: _join(r.get("kind"), r.get("manufacturer"), r.get("model") or r.get("name")),
)  # fmt: skip


def normalize_ip(text: str) -> tuple[str, str] | None:
    """An address in its canonical text form and family, or None if it is not an address ("fe80::1%eth0" → "fe80::1")."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0].split("/", 1)[0].strip())
    except ValueError:
        return None
    return address.compressed, f"ipv{address.version}"


def hardware_rows(hw: Any) -> dict[ComponentSpec, list[dict[str, Any]]]:
    """CPU, memory, disk, volume and GPU rows of a hardware section."""
    return {
        CPUS: [_pick(c, CPUS.fields) for c in hw.cpus],
        MEMORY: [_pick(mm, MEMORY.fields) for mm in hw.memory_modules],
        DISKS: [_pick(d, DISKS.fields) for d in hw.disks],
        VOLUMES: [_pick(v, VOLUMES.fields) for v in hw.volumes],
        GPUS: [_pick(g, GPUS.fields) for g in hw.gpus],
    }


def network_rows(net: Any) -> dict[ComponentSpec, list[dict[str, Any]]]:
    """Interface, address and LLDP rows of a network section."""
    addresses = []
    for nic in net.interfaces:
        for addr in nic.addresses:
            norm = normalize_ip(addr.address)
            if norm is not None:
                addresses.append(
                    {
                        "interface": nic.name,
                        "address": norm[0],
                        "family": norm[1],
                        "prefix_length": addr.prefix_length,
                    }
                )
    return {
        INTERFACES: [
            {**_pick(n, INTERFACES.fields), "mac": (n.mac or "").lower() or None} for n in net.interfaces
        ],
        ADDRESSES: addresses,
        LLDP: [_pick(n, LLDP.fields) for n in net.lldp_neighbors],
    }


def usb_row(device: Any) -> dict[str, Any]:
    """A USB device as a host's device row."""
    return {
        "kind": device.kind or "usb", "name": device.product, "manufacturer": device.manufacturer,
        "model": device.product, "serial": device.serial, "vendor_id": device.vendor_id,
        "product_id": device.product_id, "details": {"device_class": device.device_class, "interface_classes": list(device.interface_classes)},
    }  # fmt: skip


def monitor_row(monitor: Any) -> dict[str, Any]:
    """A monitor as a host's device row."""
    return {
        "kind": "monitor", "name": monitor.model, "manufacturer": monitor.manufacturer_name or monitor.manufacturer,
        "model": monitor.model, "serial": monitor.serial, "vendor_id": None, "product_id": None,
        "details": {"connector": monitor.connector, "diagonal_inches": monitor.diagonal_inches, "manufacture_year": monitor.manufacture_year,
                    "edid_checksum_ok": monitor.edid_checksum_ok},
    }  # fmt: skip


def printer_row(printer: Any) -> dict[str, Any]:
    """A printer queue as a host's device row."""
    return {
        "kind": "printer_queue", "name": printer.name, "manufacturer": None, "model": printer.driver,
        "serial": None, "vendor_id": None, "product_id": None,
        "details": {"port": printer.port, "location": printer.location, "is_default": printer.is_default, "is_network": printer.is_network},
    }  # fmt: skip


def battery_rows(batteries: list[Any]) -> list[dict[str, Any]]:
    return [_pick(b, BATTERIES.fields) for b in batteries]
