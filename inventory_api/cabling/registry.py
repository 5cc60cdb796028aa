"""Look-ups in the asset registry (locations, assets, people) shared by the voice/data domains.

They go through the registry's own service functions; the voice/data services pass the caller's sites, not the
whole principal, so a small adapter stands in for it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from inventory_api.assets import service as assets
from inventory_api.assets.models import Asset
from inventory_api.locations import service as locations
from inventory_api.locations.models import Location
from inventory_api.people import service as people
from inventory_api.people.models import Person

#: None means every site (an admin or a grant without site limits).
Sites = frozenset[uuid.UUID] | None


def visible(sites: Sites, site_id: uuid.UUID | None) -> bool:
    """Whether a record of `site_id` may be seen by someone limited to `sites`."""
    return sites is None or site_id in sites


@dataclass(frozen=True, slots=True)
class SiteScope:
    """What the registry's services ask of a principal: which sites it can see."""

    site_ids: Sites

    def can_see_site(self, site_id: uuid.UUID | None) -> bool:
        return visible(self.site_ids, site_id)


def site_of(location: Location) -> uuid.UUID:
    """The root site of a location (a site is its own)."""
    return location.site_id or location.id


def require_location(session: Session, location_id: uuid.UUID, sites: Sites = None) -> Location:
    """A live location the caller may see, or NotFound."""
    return locations.require_location(session, location_id, SiteScope(sites))  # type: ignore[arg-type]


def require_asset(session: Session, asset_id: uuid.UUID, sites: Sites = None) -> Asset:
    """A live asset the caller may see, or NotFound."""
    return assets.require_asset(session, asset_id, SiteScope(sites))  # type: ignore[arg-type]


def require_person(session: Session, person_id: uuid.UUID, sites: Sites = None) -> Person:
    """A live person the caller may see, or NotFound."""
    return people.require_person(session, person_id, SiteScope(sites))  # type: ignore[arg-type]


def location_chain(session: Session, location_id: uuid.UUID | None) -> list[Location]:
    """A location and its ancestors, the site first."""
    location = session.get(Location, location_id) if location_id else None
    return locations.breadcrumb(session, location) if location is not None else []
