"""A small world for work-order tests: a site with rooms, a person, assets, a technician."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from inventory_api.assets.models import Asset
from inventory_api.locations.models import Location
from inventory_api.people.models import Person


@dataclass
class World:
    site: uuid.UUID
    other_site: uuid.UUID
    room_a: uuid.UUID
    room_b: uuid.UUID
    person: uuid.UUID
    desktop: uuid.UUID
    phone: uuid.UUID
    old_pc: uuid.UUID


def make_world(session) -> World:
    """Site HQ (rooms 3-114 and 5-210), site Branch, a person, a desktop, a phone and an old PC."""
    site = Location(kind="site", name="HQ", time_zone="America/New_York")
    other = Location(kind="site", name="Branch", time_zone="Europe/Paris")
    session.add_all([site, other])
    session.flush()
    site.site_id, other.site_id = site.id, other.id
    room_a = Location(kind="room", name="3-114", parent_id=site.id, site_id=site.id)
    room_b = Location(kind="room", name="5-210", parent_id=site.id, site_id=site.id)
    person = Person(name="Ada Lovelace", name_key="ada lovelace", site_id=site.id)
    session.add_all([room_a, room_b, person])
    session.flush()
    desktop = Asset(kind="desktop", status="deployed", name="pc-1", site_id=site.id, location_id=room_a.id)
    phone = Asset(kind="ip_phone", status="deployed", name="phone-1", site_id=site.id, location_id=room_a.id)
    old_pc = Asset(kind="desktop", status="in_stock", name="pc-old", site_id=site.id)
    session.add_all([desktop, phone, old_pc])
    session.commit()
    return World(site.id, other.id, room_a.id, room_b.id, person.id, desktop.id, phone.id, old_pc.id)


@pytest.fixture
def world(session) -> World:
    return make_world(session)
