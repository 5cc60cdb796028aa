"""The organisation: sites ▸ buildings ▸ floors ▸ rooms, closets with patch panels and switches, wall jacks patched
through to switch ports, number pools, technicians and the people at their desks."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from inventory_api.auth.models import User
from inventory_api.cabling.models import Jack, PatchPanel, PatchPanelPort, SwitchPort
from inventory_api.demo.context import TEAMS, Demo, Person, Room, Site
from inventory_api.demo.fleet import add_asset
from inventory_api.demo.vocab import DEPARTMENTS, FIRST, LAST, SITES
from inventory_api.locations.models import Location
from inventory_api.numbers.models import NumberPool
from inventory_api.people.models import Person as PersonRow

PEOPLE_PER_ROOM = 3
ROOMS_PER_FLOOR = 24
FLOORS_PER_BUILDING = 6
PORTS_PER_SWITCH = 48
DATA_VLAN, VOICE_VLAN = 20, 120
#: People with an IP phone (and so an extension); the others use a softphone or none.
PHONE_SHARE = 0.85


def _place(demo: Demo, kind: str, name: str, parent: Any, site_id: Any, **extra: Any) -> Any:
    place_id = demo.uuid()
    demo.add(Location, {
        "id": place_id, "kind": kind, "name": name, "parent_id": parent, "site_id": site_id or place_id,
        "code": extra.get("code"), "time_zone": extra.get("time_zone"), "city": extra.get("city"),
        "country": extra.get("country"), "created_at": demo.now - timedelta(days=900), "updated_at": demo.now,
        "version": 1,
    })  # fmt: skip
    return place_id


def make_sites(demo: Demo) -> None:
    """Sites with buildings and floors, enough rooms for everyone, and a closet per floor wired to its rooms."""
    weights = [3, 2, 2, 1, 1, 1][: demo.scale.sites]
    for index, (code, name, city, country, zone, prefix) in enumerate(SITES[: demo.scale.sites]):
        site = Site(_place(demo, "site", name, None, None, code=code, time_zone=zone, city=city, country=country),
                    code, index, prefix)  # fmt: skip
        demo.sites.append(site)
        people = math.ceil(demo.scale.people * weights[index] / sum(weights))
        rooms = math.ceil(people / PEOPLE_PER_ROOM * 1.15) + 2  # spare offices and meeting rooms
        floors = math.ceil(rooms / ROOMS_PER_FLOOR)
        for b in range(math.ceil(floors / FLOORS_PER_BUILDING)):
            building = _place(demo, "building", f"Building {chr(65 + b)}", site.id, site.id)
            for f in range(1, min(FLOORS_PER_BUILDING, floors - b * FLOORS_PER_BUILDING) + 1):
                floor = _place(demo, "floor", f"Floor {f}", building, site.id)
                count = min(ROOMS_PER_FLOOR, rooms - len(site.rooms))
                _floor(demo, site, building_no=b + 1, floor_no=f, floor_id=floor, rooms=count)
        _pools(demo, site)


def _floor(demo: Demo, site: Site, *, building_no: int, floor_no: int, floor_id: Any, rooms: int) -> None:
    """Rooms like 3-114 (floor 3, building 1, room 14) with jacks 3-114-A…, panel P3 and switches sw-3-1…."""
    closet = _place(demo, "closet", f"Closet {building_no}-{floor_no}", floor_id, site.id)
    tag = f"{floor_no}" if building_no == 1 else f"{chr(64 + building_no)}{floor_no}"
    jacks_per_room = PEOPLE_PER_ROOM + 1
    ports = rooms * jacks_per_room
    panel = demo.uuid()
    demo.add(PatchPanel, {"id": panel, "name": f"P{tag}", "site_id": site.id, "location_id": closet,
                          "port_count": ports, "created_at": demo.now, "updated_at": demo.now, "version": 1})  # fmt: skip
    switches = [
        add_asset(
            demo,
            "switch",
            "Catalyst 9200-48P",
            site,
            closet,
            name=f"sw-{site.code.lower()}-{tag.lower()}-{n + 1}",
        )
        for n in range(math.ceil(ports / PORTS_PER_SWITCH))
    ]
    port_no = 0
    for r in range(1, rooms + 1):
        name = f"{floor_no}-{building_no}{r:02}"
        room = Room(_place(demo, "room", name, floor_id, site.id), name, site)
        site.rooms.append(room)
        for j in range(jacks_per_room):
            port_no += 1
            panel_port = demo.uuid()
            switch_port = None
            if j < jacks_per_room - 1:  # the spare jack by the door stays unpatched
                switch_port = demo.uuid()
                switch, number = (
                    switches[(port_no - 1) // PORTS_PER_SWITCH],
                    (port_no - 1) % PORTS_PER_SWITCH + 1,
                )
                demo.add(SwitchPort, {
                    "id": switch_port, "switch_id": switch, "site_id": site.id, "name": f"Gi1/0/{number}",
                    "description": f"{name}-{chr(65 + j)}", "vlan": DATA_VLAN, "voice_vlan": VOICE_VLAN, "poe": True,
                    "admin_state": "up", "oper_state": "up", "speed_mbps": 1000, "tagged_vlans": [],
                    "created_at": demo.now, "updated_at": demo.now, "version": 1,
                })  # fmt: skip
            demo.add(PatchPanelPort, {"id": panel_port, "panel_id": panel, "number": port_no,
                                      "switch_port_id": switch_port})  # fmt: skip
            label = (
                f"{name}-{chr(65 + j)}"
                if building_no == 1
                else f"{chr(64 + building_no)}{name}-{chr(65 + j)}"
            )
            jack = demo.uuid()
            demo.add(Jack, {"id": jack, "label": label, "jack_type": "combo", "site_id": site.id, "room_id": room.id,
                            "panel_port_id": panel_port, "created_at": demo.now, "updated_at": demo.now, "version": 1})  # fmt: skip
            room.jacks.append((jack, label, switch_port))


def first_extension(demo: Demo, site: Site) -> str:
    """4021 at the first site on the small scale (4 digits), 20021 on the large one (5 digits)."""
    digits = 4 if demo.scale.people < 5_000 else 5
    return f"{site.index + 2}{'0' * (digits - 1)}"


def _pools(demo: Demo, site: Site) -> None:
    """An extension pool and a DID pool of the same size: the DID is the site's prefix and the extension."""
    first = first_extension(demo, site)
    last = first[0] + "9" * (len(first) - 1)
    site.ext_pool, site.did_pool = demo.uuid(), demo.uuid()
    common = {
        "site_id": site.id,
        "dial_plan": "default",
        "created_at": demo.now,
        "updated_at": demo.now,
        "version": 1,
    }
    demo.add(NumberPool, {"id": site.ext_pool, "name": f"{site.code} extensions", "kind": "extension",
                          "first": first, "last": last, **common})  # fmt: skip
    demo.add(NumberPool, {"id": site.did_pool, "name": f"{site.code} DIDs", "kind": "did",
                          "first": site.did_prefix + first, "last": site.did_prefix + last, **common})  # fmt: skip


def make_technicians(demo: Demo) -> None:
    """Technicians (users without a password: they are names in the reports, not logins) per site and team."""
    for site in demo.sites:
        for team in TEAMS:
            site.technicians[team] = []
            for _ in range(demo.scale.technicians):
                first, last = demo.rng.choice(FIRST), demo.rng.choice(LAST)
                username = f"{first[0]}{last}{len(demo.technicians) + 1}".lower()
                user = demo.uuid()
                demo.add(User, {"id": user, "username": username, "full_name": f"{first} {last}",
                                "email": f"{username}@example.org", "password_hash": None, "role": "technician",
                                "all_sites": True, "is_active": True, "created_at": demo.now,
                                "updated_at": demo.now, "version": 1})  # fmt: skip
                demo.technicians[username] = user
                site.technicians[team].append(user)


def make_people(demo: Demo) -> None:
    """Everyone at a desk in a room of their site, spread like the sites' sizes."""
    desks = [
        (room, desk) for site in demo.sites for room in site.rooms[2:] for desk in range(PEOPLE_PER_ROOM)
    ]
    demo.rng.shuffle(desks)
    desks.sort(key=lambda d: d[0].site.index)  # stable: the shuffle stays within each site
    by_site: dict[int, list[tuple[Room, int]]] = {}
    for room, desk in desks:
        by_site.setdefault(room.site.index, []).append((room, desk))
    weights = [3, 2, 2, 1, 1, 1][: len(demo.sites)]
    for n in range(demo.scale.people):
        site = demo.sites[demo.rng.choices(range(len(demo.sites)), weights)[0]]
        free = by_site[site.index] or next(v for v in by_site.values() if v)
        room, desk = free.pop()
        first, last = demo.rng.choice(FIRST), demo.rng.choice(LAST)
        name = f"{first} {last}"
        person = Person(demo.uuid(), name, demo.pick(DEPARTMENTS), room.site, room, desk)
        if demo.rng.random() < PHONE_SHARE:
            room.site.extensions += 1
            person.extension = str(int(first_extension(demo, room.site)) + room.site.extensions)
        demo.people.append(person)
        hired = demo.days_ago(30, 3000)
        demo.add(PersonRow, {
            "id": person.id, "name": name, "name_key": name.lower(),
            "email": f"{first}.{last}{n + 1}@example.org".lower(), "employee_id": f"E{n + 1:06}",
            "department": person.department, "phone": person.extension, "site_id": room.site.id, "location_id": room.id,
            "active": True, "created_at": hired, "updated_at": hired, "version": 1,
        })  # fmt: skip
