"""Find the start of a path from what a technician types: an id, a label, a tag, a switch and port."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.cabling import paths
from inventory_api.cabling import service as cabling
from inventory_api.cabling.registry import Sites, require_asset, require_location, require_person, visible
from inventory_api.errors import BadRequest, NotFound
from inventory_api.people.models import Person


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _switch_port(session: Session, value: str, sites: Sites):
    port_id = _uuid(value)
    if port_id is not None:
        return cabling.require_switch_port(session, port_id, sites)
    switch_name, _, port_name = value.replace(":", " ").strip().rpartition(" ")
    switches = select(Asset).where(Asset.name == switch_name.strip(), Asset.deleted_at.is_(None))
    for switch in session.scalars(switches):
        port = cabling.find_switch_port(session, switch.id, port_name)
        if port is not None and visible(sites, port.site_id):
            return port
    raise NotFound("switch port", value)


def _person(session: Session, value: str, sites: Sites) -> Person:
    person_id = _uuid(value)
    if person_id is not None:
        return require_person(session, person_id, sites)
    found = session.scalar(select(Person).where(Person.employee_id == value, Person.deleted_at.is_(None)))
    if found is None or not visible(sites, found.site_id):
        raise NotFound("person", value)
    return found


def _asset(session: Session, value: str, sites: Sites) -> Asset:
    asset_id = _uuid(value)
    if asset_id is not None:
        return require_asset(session, asset_id, sites)
    found = session.scalar(select(Asset).where(Asset.asset_tag == value, Asset.deleted_at.is_(None)))
    if found is None or not visible(sites, found.site_id):
        raise NotFound("asset", value)
    return found


def resolve_path_query(
    session: Session, sites: Sites, *, jack: str | None, switch_port: str | None,
    person: str | None, asset: str | None, room: uuid.UUID | None,
) -> list[dict[str, Any]]:  # fmt: skip
    """The paths for exactly one of jack, switch port, person, asset or room."""
    given = [k for k, v in {"jack": jack, "switch_port": switch_port, "person": person, "asset": asset,
                            "room": room}.items() if v is not None]  # fmt: skip
    if len(given) != 1:
        raise BadRequest("give exactly one of jack, switch_port, person, asset, room", code="one_start")
    if jack is not None:
        jack_id = _uuid(jack)
        found = (
            cabling.require_jack(session, jack_id, sites)
            if jack_id
            else cabling.find_jack(session, jack, sites)
        )
        if found is None:
            raise NotFound("jack", jack)
        return paths.paths_for_jack(session, found)
    if switch_port is not None:
        return paths.paths_for_switch_port(session, _switch_port(session, switch_port, sites))
    if person is not None:
        return paths.paths_for_person(session, _person(session, person, sites), sites)
    if asset is not None:
        return paths.paths_for_asset(session, _asset(session, asset, sites))
    return paths.paths_for_room(session, require_location(session, room, sites))
