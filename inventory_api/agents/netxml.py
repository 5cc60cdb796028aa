"""FusionInventory's network inventory (XML QUERY SNMPQUERY, which GLPI calls NETINVENTORY) read into the GLPI agent
JSON format's netinventory shape, so both go through `netinventory.apply`. Pure, no I/O.

The shape is the FusionInventory agent's (its netinventory protocol, `FusionInventory::Agent::Tools::Hardware`):
CONTENT/DEVICE with INFO (NAME, SERIAL, MAC, TYPE, MODEL, MANUFACTURER, FIRMWARE, IPS/IP), PORTS/PORT (IFNAME,
IFTYPE, IFSTATUS, VLANS/VLAN, TRUNK, CONNECTIONS with CDP and CONNECTION), a printer's PAGECOUNTERS and
CARTRIDGES; a device the agent could not read is CONTENT/DEVICE/ERROR, its start and end of run CONTENT/AGENT."""

from __future__ import annotations

from typing import Any

from inventory_api.agents.mapping import flag, one, records, text

#: The QUERY of a FusionInventory network inventory (and the name GLPI gives the task).
QUERIES = ("SNMPQUERY", "NETINVENTORY")
#: The agent's device TYPE → the GLPI agent's itemtype and `network_device.type`; other types are not taken.
TYPES = {"NETWORKING": ("NetworkEquipment", "Networking"), "PHONE": ("NetworkEquipment", "Phone"),
         "PRINTER": ("Printer", "Printer")}  # fmt: skip


def devices(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The devices an SNMPQUERY message carries with their INFO (not the agent's START/END nor a device ERROR)."""
    return [device for device in records(content, "device") if one(device, "info")]


def itemtype_of(device: dict[str, Any]) -> str | None:
    """The GLPI itemtype of a device (None: a type that is no switch, phone or printer)."""
    found = TYPES.get((text(one(device, "info").get("type")) or "").upper())
    return found[0] if found else None


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _port(port: dict[str, Any]) -> dict[str, Any]:
    connections = one(port, "connections")
    out = {k: v for k, v in port.items() if k not in ("connections", "vlans", "ips")}
    out["lldp"] = bool(flag(connections.get("cdp")))
    out["connections"] = records(connections, "connection")
    out["vlans"] = records(one(port, "vlans"), "vlan")
    out["trunk"] = flag(port.get("trunk"))
    return out


def to_netinventory(device: dict[str, Any]) -> dict[str, Any]:
    """One DEVICE as the GLPI agent's netinventory `content`: `network_device`, `network_ports`, a printer's
    `pagecounters` and `cartridges`."""
    info = one(device, "info")
    kind = TYPES.get((text(info.get("type")) or "").upper(), ("", None))[1]
    network_device = {
        "name": text(info.get("name")), "serial": text(info.get("serial")), "mac": text(info.get("mac")),
        "manufacturer": text(info.get("manufacturer")), "model": text(info.get("model")),
        "firmware": text(info.get("firmware")), "type": kind,
        "ips": [text(ip) for ip in _listed(one(info, "ips").get("ip")) if text(ip)],
    }  # fmt: skip
    return {
        "network_device": network_device,
        "network_ports": [_port(port) for port in records(one(device, "ports"), "port")],
        "pagecounters": one(device, "pagecounters"),
        "cartridges": records(device, "cartridges"),
    }
