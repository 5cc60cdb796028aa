"""Small builders of sites, places and people for the tests of the registry domains."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from inventory_api.locations import service as locations
from inventory_api.locations.models import Location
from inventory_api.people import service as people
from inventory_api.people.models import Person


def make_site(
    session: Session, name: str = "Lyon", time_zone: str = "Europe/Paris", **extra: Any
) -> Location:
    return locations.create_location(session, {"kind": "site", "name": name, "time_zone": time_zone, **extra})


def make_place(session: Session, parent: Location, name: str, kind: str = "room") -> Location:
    return locations.create_location(session, {"kind": kind, "name": name, "parent_id": parent.id})


def make_person(session: Session, site: Location, name: str = "Ada Lovelace", **extra: Any) -> Person:
    return people.create_person(session, {"name": name, "site_id": site.id, **extra})
