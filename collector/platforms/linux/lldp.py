"""LLDP neighbours from `lldpctl -f json` (lldpd), when lldpd runs on this machine."""

from __future__ import annotations

import json
import shutil
from typing import Any

from collector.report import LldpNeighbor

LLDPCTL_TIMEOUT_SECONDS = 2


def _as_list(value: Any) -> list[Any]:
    """lldpctl's JSON gives one item as an object and several as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _named_entries(value: Any) -> list[tuple[str | None, dict[str, Any]]]:
    """(name, body) pairs of lldpctl's {"name": {...}} objects, in either list or object form."""
    entries: list[tuple[str | None, dict[str, Any]]] = []
    for item in _as_list(value):
        if not isinstance(item, dict):
            raise ValueError("lldpctl entry is not an object")
        if "id" in item or "descr" in item:
            entries.append((None, item))  # a chassis without a system name is not keyed by one
            continue
        for name, body in item.items():
            if not isinstance(body, dict):
                raise ValueError(f"lldpctl entry {name!r} is not an object")
            entries.append((name, body))
    return entries


def _id(body: dict[str, Any]) -> tuple[str | None, str | None]:
    ident = body.get("id")
    if isinstance(ident, dict):
        return ident.get("value"), ident.get("type")
    return (ident if isinstance(ident, str) else None), None


def _vlan(value: Any) -> int | None:
    vlans = [v for v in _as_list(value) if isinstance(v, dict) and v.get("vlan-id") is not None]
    chosen = next((v for v in vlans if v.get("pvid") in (True, "yes")), vlans[0] if vlans else None)
    return int(chosen["vlan-id"]) if chosen else None


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value is not None else None


def parse_lldpctl_json(text: str) -> list[LldpNeighbor]:
    """Neighbours in lldpctl's JSON output; raises ValueError on text that is not its shape."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("lldp"), dict | list):
        raise ValueError("not lldpctl JSON output")
    lldp = data["lldp"] if isinstance(data["lldp"], dict) else (data["lldp"][0] if data["lldp"] else {})
    neighbors = []
    for local_interface, body in _named_entries(lldp.get("interface")):
        chassis_entries = _named_entries(body.get("chassis"))
        system_name, chassis = chassis_entries[0] if chassis_entries else (None, {})
        chassis_id, chassis_subtype = _id(chassis)
        port = body.get("port") if isinstance(body.get("port"), dict) else {}
        port_id, port_subtype = _id(port)
        neighbors.append(
            LldpNeighbor(
                local_interface=local_interface,
                chassis_id=chassis_id,
                chassis_id_subtype=chassis_subtype,
                port_id=port_id,
                port_id_subtype=port_subtype,
                system_name=system_name or _text(chassis.get("name")),
                system_description=_text(chassis.get("descr")),
                port_description=_text(port.get("descr")),
                vlan=_vlan(body.get("vlan")),
                management_address=_text(chassis.get("mgmt-ip")),
            )
        )
    return neighbors


def read_lldp_neighbors() -> list[LldpNeighbor] | None:
    """Neighbours known to the local lldpd, or None when lldpctl is not installed."""
    lldpctl = shutil.which("lldpctl")
    if lldpctl is None:
        return None
    import subprocess  # only when the tool is there: the import costs 3 ms of every run

    completed = subprocess.run(
        [lldpctl, "-f", "json"], capture_output=True, text=True, timeout=LLDPCTL_TIMEOUT_SECONDS, check=True
    )
    return parse_lldpctl_json(completed.stdout)
