"""What a network inventory says of one switch port (the GLPI agent JSON format's `network_ports` record; a
FusionInventory PORT is read into the same shape): its state and VLANs, the MACs the switch learned on it, and the
LLDP/CDP neighbours it names. Pure, no I/O."""

from __future__ import annotations

from typing import Any

from inventory_api.agents.mapping import flag, number, text
from inventory_api.assets.identity import normalise_hostname, normalise_mac

#: A neighbour's fields as we keep them, and the agent's names for them (inventory_format's `connections` items).
NEIGHBOUR_FIELDS = {
    "system_name": "sysname", "chassis_mac": "sysmac", "port": "ifdescr", "port_index": "ifnumber",
    "address": "ip", "model": "model", "description": "sysdescr",
}  # fmt: skip
#: The agent fields that only a neighbour (LLDP, CDP, EDP) carries; a learned MAC is a bare `mac`.
NEIGHBOUR_KEYS = frozenset(NEIGHBOUR_FIELDS.values()) - {"ifnumber"}
#: A trunk or an uplink learns thousands of MACs: what is kept of them says which, not all of them.
MAX_KEPT_MACS = 256


def observed(raw: dict[str, Any]) -> dict[str, Any]:
    """The port's description, states, speed and VLANs as the switch reports them (None: not reported)."""
    vlans = [v for v in raw.get("vlans") or [] if isinstance(v, dict)]
    untagged = [number(v.get("number") or v.get("id")) for v in vlans if not flag(v.get("tagged"))]
    tagged = sorted(
        {n for v in vlans if flag(v.get("tagged")) and (n := number(v.get("number") or v.get("id")))}
    )
    speed = number(raw.get("ifspeed"))
    return {
        "description": (text(raw.get("ifalias")) or "")[:200] or None,
        "oper_state": {1: "up", 2: "down"}.get(number(raw.get("ifstatus")) or 0, "unknown"),
        "admin_state": {1: "up", 2: "down"}.get(number(raw.get("ifinternalstatus")) or 0, "up"),
        "speed_mbps": speed // 1_000_000 if speed and speed >= 1_000_000 else None,
        "vlan": next((v for v in untagged if v and 1 <= v <= 4094), None),
        "tagged_vlans": [v for v in tagged if 1 <= v <= 4094],
    }


def _connections(raw: dict[str, Any]) -> list[dict[str, Any]]:
    found = raw.get("connections")
    return [c for c in (found if isinstance(found, list) else [found]) if isinstance(c, dict)]


def _is_neighbour(connection: dict[str, Any]) -> bool:
    return any(text(connection.get(key)) for key in NEIGHBOUR_KEYS)


def learned_macs(raw: dict[str, Any]) -> list[str]:
    """The MAC addresses the switch learned on a port, in its order (not its neighbours, which name a device)."""
    found: list[str] = []
    for connection in _connections(raw):
        if _is_neighbour(connection):
            continue
        values = connection.get("mac")
        for value in values if isinstance(values, list) else [values]:
            mac = normalise_mac(text(value))
            if mac and mac not in found:
                found.append(mac)
    return found


def neighbours(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """The devices the port's LLDP/CDP neighbour tables name. The agents merge LLDP, CDP and EDP into one
    `connections` entry per port under one flag (`lldp` in JSON, `CDP` in XML) that does not say which protocol
    spoke, so none is recorded. Cisco's CDP device id `n9k-2-pa3(SAL1929KJ27)` is the name and the serial."""
    found: list[dict[str, Any]] = []
    for connection in _connections(raw):
        if not _is_neighbour(connection):
            continue
        entry: dict[str, Any] = {
            ours: text(connection.get(theirs)) for ours, theirs in NEIGHBOUR_FIELDS.items()
        }
        entry["chassis_mac"] = normalise_mac(entry["chassis_mac"])
        entry["port_index"] = number(connection.get("ifnumber"))
        entry["description"] = (entry["description"] or "")[:255] or None
        if entry not in found:
            found.append(entry)
    return found


def neighbour_name(entry: dict[str, Any]) -> str | None:
    """The host name a neighbour's system name gives: `n9k-2-pa3(SAL1929KJ27)` and `n9k-2-pa3.example` are
    `n9k-2-pa3`."""
    return normalise_hostname((entry.get("system_name") or "").split("(", 1)[0])
