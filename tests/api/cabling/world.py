"""A small world for the voice/data tests: Pat at desk 3-114, a closet with panel P3, switch sw-3-1."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset, AssetIdentifier
from inventory_api.cabling import service as cabling
from inventory_api.locations.models import Location
from inventory_api.people.models import Person


@dataclass
class World:
    site: Location
    building: Location
    floor: Location
    room: Location
    other_room: Location
    closet: Location
    pat: Person
    switch: Asset
    phone: Asset
    desktop: Asset


def place(session: Session, kind: str, name: str, parent: Location | None = None, **extra) -> Location:
    location_id = uuid.uuid4()
    location = Location(id=location_id, kind=kind, name=name, parent_id=parent.id if parent else None,
                        site_id=parent.site_id if parent else location_id, **extra)  # fmt: skip
    session.add(location)
    session.flush()
    return location


def asset(session: Session, kind: str, name: str, site: Location, **extra) -> Asset:
    item = Asset(kind=kind, name=name, site_id=site.id, status=extra.pop("status", "deployed"), **extra)
    session.add(item)
    session.flush()
    return item


def build_world(session: Session, *, site_name: str = "HQ") -> World:
    site = place(session, "site", site_name, address="1 Main Street", city="Springfield", region="IL",
                 postal_code="62701", country="US")  # fmt: skip
    building = place(session, "building", "Main", site)
    floor = place(session, "floor", "3", building)
    room = place(session, "room", "3-114", floor)
    other_room = place(session, "room", "5-210", place(session, "floor", "5", building))
    closet = place(session, "closet", "IDF-3", floor)
    pat = Person(name="Pat Doe", name_key="pat doe", employee_id=f"E100-{site_name}", site_id=site.id,
                 location_id=room.id)  # fmt: skip
    session.add(pat)
    session.flush()
    phone_mac = "aa:bb:cc:00:00:01" if site_name == "HQ" else f"aa:bb:cc:00:{len(site_name):02x}:01"
    switch = asset(session, "switch", "sw-3-1", site, location_id=closet.id,
                   attributes={"mac": "00:11:22:33:44:55", "port_count": 48})  # fmt: skip
    phone = asset(session, "ip_phone", "phone-4021", site, location_id=room.id, assigned_person_id=pat.id,
                  asset_tag=f"PH-4021-{site_name}", attributes={"mac": phone_mac})  # fmt: skip
    session.add(AssetIdentifier(asset_id=phone.id, kind="mac", value=phone_mac))
    desktop = asset(session, "desktop", "pc-pat", site, location_id=room.id, assigned_person_id=pat.id)
    return World(site, building, floor, room, other_room, closet, pat, switch, phone, desktop)


def cable_desk(session: Session, world: World):
    """Jack 3-114-B → panel P3 port 14 → sw-3-1 Gi1/0/14 (VLAN 20, voice 120); the phone at the jack."""
    from inventory_api.cabling.connections import connect_at_jack

    jack = cabling.create_jack(session, {"label": "3-114-B", "jack_type": "combo", "room_id": world.room.id})
    panel = cabling.create_panel(session, {"name": "P3", "location_id": world.closet.id, "port_count": 24})
    port14 = cabling.panel_ports(session, panel)[13]
    switch_port = cabling.create_switch_port(session, {"switch_id": world.switch.id, "name": "GigabitEthernet1/0/14",
                                                       "vlan": 20, "voice_vlan": 120, "poe": True})  # fmt: skip
    cabling.patch(session, port14.id, jack_id=jack.id, switch_port_id=switch_port.id)
    connect_at_jack(session, world.phone, jack)
    return jack, panel, port14, switch_port
