"""Pat's desk in room 3-114, wired and provisioned through the API, and the empty desk 5-210 they move to.

Jack 3-114-B → panel P3 port 14 → sw-3-1 Gi1/0/14 (phone), jack 3-114-C → P3 port 15 → sw-3-1 Gi1/0/15 (desktop,
data port on VLAN 20), jack 5-210-A → panel P5 port 1 → sw-5-2 Gi1/0/30. Extension 4021 (room 3-114, on the
phone), DID +15551234021 ringing it (no room of its own: it follows the extension), voicemail 4021.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inventory_api.assets.models import Asset
from inventory_api.locations.models import Location
from tests.api.cabling.world import World, asset, build_world, place

API = "/api/v1"


@dataclass
class Desk:
    world: World
    monitor: Asset
    switch5: Asset
    jacks: dict[str, dict[str, Any]]
    ports: dict[str, dict[str, Any]]
    panel_ports: dict[str, dict[str, Any]]
    services: dict[str, dict[str, Any]]


def ok(answer, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json() if answer.content else None


def _wall(client, headers, world: World, switch5: Asset, closet5: Location):
    jacks = {
        label: ok(client.post(f"{API}/jacks", json={"label": label, "jack_type": "combo", "room_id": str(room)},
                              headers=headers), 201)
        for label, room in (("3-114-B", world.room.id), ("3-114-C", world.room.id), ("5-210-A", world.other_room.id))
    }  # fmt: skip
    p3 = ok(client.post(f"{API}/patch-panels", json={"name": "P3", "location_id": str(world.closet.id),
                                                     "port_count": 24}, headers=headers), 201)  # fmt: skip
    p5 = ok(client.post(f"{API}/patch-panels", json={"name": "P5", "location_id": str(closet5.id),
                                                     "port_count": 24}, headers=headers), 201)  # fmt: skip
    p3_ports = ok(client.get(f"{API}/patch-panels/{p3['id']}/ports", headers=headers))
    p5_ports = ok(client.get(f"{API}/patch-panels/{p5['id']}/ports", headers=headers))
    ports, panel_ports = {}, {}
    for label, switch, name, panel_port in (
        ("3-114-B", world.switch, "Gi1/0/14", p3_ports[13]),
        ("3-114-C", world.switch, "Gi1/0/15", p3_ports[14]),
        ("5-210-A", switch5, "Gi1/0/30", p5_ports[0]),
    ):
        port = ok(client.post(f"{API}/switch-ports", json={"switch_id": str(switch.id), "name": name, "poe": True},
                              headers=headers), 201)  # fmt: skip
        ok(client.post(f"{API}/patches", json={"panel_port_id": panel_port["id"], "jack_id": jacks[label]["id"],
                                               "switch_port_id": port["id"]}, headers=headers))  # fmt: skip
        ports[label], panel_ports[label] = port, panel_port
    return jacks, ports, panel_ports


def build_desk(client, headers, db) -> Desk:
    with db.transaction() as session:
        world = build_world(session)
        floor5 = session.get_one(Location, world.other_room.parent_id)
        closet5 = place(session, "closet", "IDF-5", floor5)
        monitor = asset(session, "monitor", "mon-pat", world.site, location_id=world.room.id,
                        assigned_person_id=world.pat.id)  # fmt: skip
        switch5 = asset(session, "switch", "sw-5-2", world.site, location_id=closet5.id,
                        attributes={"mac": "00:11:22:33:55:66", "port_count": 48})  # fmt: skip
    jacks, ports, panel_ports = _wall(client, headers, world, switch5, closet5)
    for device, label in ((world.phone, "3-114-B"), (world.desktop, "3-114-C")):
        ok(
            client.put(
                f"{API}/assets/{device.id}/connection", json={"jack_id": jacks[label]["id"]}, headers=headers
            )
        )
    pat = str(world.pat.id)
    made = {}
    for key, body in (
        ("extension", {"type": "extension", "status": "active", "person_id": pat, "location_id": str(world.room.id),
                       "details": {"number": "4021"}, "asset_ids": [str(world.phone.id)]}),
        ("did", {"type": "did", "status": "active", "person_id": pat,
                 "details": {"number": "+15551234021", "extension": "4021"}}),
        ("voicemail", {"type": "voicemail", "status": "active", "person_id": pat, "location_id": str(world.room.id),
                       "details": {"mailbox": "4021", "extension": "4021"}}),
        ("data_port", {"type": "data_port", "status": "active", "person_id": pat,
                       "details": {"jack_id": jacks["3-114-C"]["id"], "vlan": 20, "voice_vlan": 120}}),
    ):  # fmt: skip
        made[key] = ok(client.post(f"{API}/services", json=body, headers=headers), 201)
    return Desk(world, monitor, switch5, jacks, ports, panel_ports, made)


def move_order(desk: Desk) -> dict[str, Any]:
    """The ticketing system's move order: desktop, monitor, phone and extension 4021 to 5-210, jack 5-210-A."""
    world, room, jack = desk.world, str(desk.world.other_room.id), desk.jacks["5-210-A"]["id"]
    return {
        "kind": "move", "title": "Move Pat from 3-114 to 5-210", "site_id": str(world.site.id),
        "requester_id": str(world.pat.id),
        "items": [
            {"action": "move_asset", "subject_id": str(world.desktop.id), "params": {"location_id": room, "jack_id": jack}},
            {"action": "move_asset", "subject_id": str(desk.monitor.id), "params": {"location_id": room}},
            {"action": "move_asset", "subject_id": str(world.phone.id), "params": {"location_id": room, "jack_id": jack}},
            {"action": "move_service", "subject_id": desk.services["extension"]["id"], "params": {"location_id": room}},
        ],
    }  # fmt: skip
