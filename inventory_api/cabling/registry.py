"""Look-ups in the asset registry (locations, assets, people) that the voice/data domains share.

The registry's own service functions are being written; until they land these read the models directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.errors import NotFound
from inventory_api.locations.models import Location
from inventory_api.people.models import Person

#: None means every site (an admin or a grant without site limits).
Sites = frozenset[uuid.UUID] | None


def visible(sites: Sites, site_id: uuid.UUID | None) -> bool:
    """Whether a record of `site_id` may be seen by someone limited to `sites`."""
    return sites is None or site_id in sites


def site_of(location: Location) -> uuid.UUID:
    """The root site of a location (a site is its own)."""
    return location.site_id or location.id


def require_location(session: Session, location_id: uuid.UUID, sites: Sites = None) -> Location:
    """A live location the caller may see, or NotFound."""
    location = session.get(Location, location_id)
    if location is None or location.deleted_at is not None or not visible(sites, site_of(location)):
        raise NotFound("location", location_id)
    return location


def require_asset(session: Session, asset_id: uuid.UUID, sites: Sites = None) -> Asset:
    """A live asset the caller may see, or NotFound."""
    asset = session.get(Asset, asset_id)
    if asset is None or asset.deleted_at is not None or not visible(sites, asset.site_id):
        raise NotFound("asset", asset_id)
    return asset


def require_person(session: Session, person_id: uuid.UUID, sites: Sites = None) -> Person:
    """A live person the caller may see, or NotFound."""
    person = session.get(Person, person_id)
    if person is None or person.deleted_at is not None or not visible(sites, person.site_id):
        raise NotFound("person", person_id)
    return person


def location_chain(session: Session, location_id: uuid.UUID | None) -> list[Location]:
    """A location and its ancestors, the site first."""
    chain: list[Location] = []
    seen: set[uuid.UUID] = set()
    while location_id is not None and location_id not in seen:
        seen.add(location_id)
        location = session.get(Location, location_id)
        if location is None:
            break
        chain.append(location)
        location_id = location.parent_id
    return list(reversed(chain))


def location_ids_under(session: Session, root_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Every location at or below the given ones."""
    from sqlalchemy import select

    found = set(root_ids)
    frontier = set(found)
    while frontier:
        children = set(session.scalars(select(Location.id).where(Location.parent_id.in_(frontier))))
        frontier = children - found
        found |= frontier
    return found
