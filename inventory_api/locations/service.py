"""Locations: the site tree, its time zones, and what may point at a place."""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from inventory_api.auth.service import Principal
from inventory_api.db import utcnow
from inventory_api.errors import Conflict, Forbidden, NotFound, Unprocessable
from inventory_api.history.service import current_actor, diff_fields, record_change
from inventory_api.locations.models import Location


def validate_time_zone(name: str) -> str:
    """An IANA time zone name, or Unprocessable."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Unprocessable(
            f"time_zone: {name!r} is not an IANA time zone (e.g. Europe/Paris)", code="invalid_time_zone"
        ) from exc
    return name


def get_location(
    session: Session, location_id: uuid.UUID, principal: Principal | None = None
) -> Location | None:
    """A live location the caller may see, or None."""
    location = session.get(Location, location_id)
    if location is None or location.deleted_at is not None:
        return None
    if principal is not None and not principal.can_see_site(location.site_id):
        return None
    return location


def require_location(
    session: Session, location_id: uuid.UUID, principal: Principal | None = None
) -> Location:
    """A live location the caller may see, or NotFound."""
    location = get_location(session, location_id, principal)
    if location is None:
        raise NotFound("location", location_id)
    return location


def site_of_location(session: Session, location_id: uuid.UUID) -> Location:
    """The site (root) a location belongs to."""
    location = session.get(Location, location_id)
    if location is None or location.site_id is None:
        raise NotFound("location", location_id)
    site = session.get(Location, location.site_id)
    if site is None:
        raise NotFound("site", location.site_id)
    return site


def breadcrumb(session: Session, location: Location) -> list[Location]:
    """The path from the site down to this location, both included."""
    path = [location]
    seen = {location.id}
    while path[0].parent_id is not None and path[0].parent_id not in seen:
        parent = session.get(Location, path[0].parent_id)
        if parent is None:
            break
        seen.add(parent.id)
        path.insert(0, parent)
    return path


def subtree_ids(session: Session, location_id: uuid.UUID) -> list[uuid.UUID]:
    """This location and every location below it, live or not."""
    found = [location_id]
    frontier = [location_id]
    while frontier:
        frontier = list(session.scalars(select(Location.id).where(Location.parent_id.in_(frontier))))
        found.extend(frontier)
    return found


def sites_need_admin(principal: Principal, kind: str) -> None:
    """Sites are the admins' to create, change and delete."""
    if kind == "site" and "admin" not in principal.permissions:
        raise Forbidden("creating, changing or deleting a site needs the 'admin' permission")


def create_location(session: Session, values: dict[str, Any], principal: Principal | None = None) -> Location:
    """A new site (a root, with a time zone) or a place under a parent the caller may see."""
    kind = values["kind"]
    location = Location(id=uuid.uuid4(), **values)
    if kind == "site":
        if values.get("parent_id") is not None:
            raise Unprocessable("parent_id: a site is a root and has no parent", code="site_is_root")
        if not values.get("time_zone"):
            raise Unprocessable("time_zone: a site needs its IANA time zone", code="time_zone_required")
        validate_time_zone(values["time_zone"])
        location.site_id = location.id
    else:
        if values.get("parent_id") is None:
            raise Unprocessable(f"parent_id: a {kind} needs a parent location", code="parent_required")
        if values.get("time_zone"):
            raise Unprocessable("time_zone: only a site carries a time zone", code="time_zone_on_site_only")
        parent = require_location(session, values["parent_id"], principal)
        location.site_id = parent.site_id
    session.add(location)
    session.flush()
    record_change(session, "location", location.id, "created", summary=f"{kind} {location.name}")
    return location


def _move(
    session: Session, location: Location, parent_id: uuid.UUID, principal: Principal | None
) -> dict[str, Any]:
    if location.kind == "site":
        raise Unprocessable("parent_id: a site is a root and cannot be moved", code="site_is_root")
    parent = require_location(session, parent_id, principal)
    subtree = subtree_ids(session, location.id)
    if parent.id in subtree:
        raise Unprocessable("parent_id: cannot move a location under itself", code="location_cycle")
    changes: dict[str, Any] = {}
    if parent.site_id != location.site_id:
        changes["site_id"] = [str(location.site_id), str(parent.site_id)]
        _move_site(session, subtree, parent.site_id)  # type: ignore[arg-type]
    return changes


def _move_site(session: Session, subtree: list[uuid.UUID], site_id: uuid.UUID) -> None:
    """Everything in a moved subtree now belongs to the new site: places, people, assets."""
    from inventory_api.assets.models import Asset  # assets sit above locations; only their rows move here
    from inventory_api.people.models import Person

    session.execute(update(Location).where(Location.id.in_(subtree)).values(site_id=site_id))
    for model in (Person, Asset):
        moved = session.scalars(select(model).where(model.location_id.in_(subtree), model.site_id != site_id))
        for row in moved:
            name = "person" if model is Person else "asset"
            record_change(
                session, name, row.id, "updated", changes={"site_id": [str(row.site_id), str(site_id)]},
                summary="its location moved to another site",
            )  # fmt: skip
            row.site_id = site_id
            row.version += 1
    session.flush()


def update_location(
    session: Session, location: Location, values: dict[str, Any], principal: Principal | None = None
) -> Location:
    """Change a location; a new parent moves it and its subtree (and their site)."""
    if "time_zone" in values:
        if location.kind != "site" and values["time_zone"] is not None:
            raise Unprocessable("time_zone: only a site carries a time zone", code="time_zone_on_site_only")
        if location.kind == "site":
            if not values["time_zone"]:
                raise Unprocessable("time_zone: a site needs its IANA time zone", code="time_zone_required")
            validate_time_zone(values["time_zone"])
    if "kind" in values and (values["kind"] == "site") != (location.kind == "site"):
        raise Unprocessable(
            "kind: a site cannot become a place under a site, nor the reverse", code="site_is_root"
        )
    changes: dict[str, Any] = {}
    parent_id = values.pop("parent_id", location.parent_id)
    if parent_id != location.parent_id:
        if parent_id is None:
            raise Unprocessable("parent_id: only a site is a root", code="parent_required")
        changes.update(_move(session, location, parent_id, principal))
        changes["parent_id"] = [str(location.parent_id), str(parent_id)]
        location.parent_id = parent_id
    changes.update(diff_fields(location, values))
    if changes:
        location.version += 1
        session.flush()
        record_change(session, "location", location.id, "updated", changes=changes)
    return location


def usage(session: Session, location: Location) -> dict[str, int]:
    """How many live records point at this location (children, people, assets)."""
    from inventory_api.assets.models import Asset
    from inventory_api.people.models import Person

    live_children = select(func.count()).where(
        Location.parent_id == location.id, Location.deleted_at.is_(None)
    )
    counts = {"children": session.scalar(live_children) or 0}
    for name, model in (("people", Person), ("assets", Asset)):
        cond = model.location_id == location.id
        if location.kind == "site":
            cond = cond | (model.site_id == location.id)
        counts[name] = session.scalar(select(func.count()).where(cond, model.deleted_at.is_(None))) or 0
    return counts


def delete_location(session: Session, location: Location) -> None:
    """Soft-delete a location nothing live points at."""
    counts = usage(session, location)
    if any(counts.values()):
        used = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
        raise Conflict(
            f"location {location.name!r} is still in use: {used}", code="location_in_use", **counts
        )
    location.deleted_at = utcnow()
    location.deleted_by = current_actor(session).name or current_actor(session).type
    location.version += 1
    session.flush()
    record_change(session, "location", location.id, "deleted", summary=f"{location.kind} {location.name}")


def locations_query(
    principal: Principal | None,
    *,
    kind: str | None = None,
    parent_id: uuid.UUID | None = None,
    site_id: uuid.UUID | None = None,
    name: str | None = None,
    roots: bool = False,
) -> Select[Any]:
    """Live locations the caller may see, filtered."""
    stmt = select(Location).where(Location.deleted_at.is_(None))
    if principal is not None and principal.site_ids is not None:
        stmt = stmt.where(Location.site_id.in_(principal.site_ids))
    if kind:
        stmt = stmt.where(Location.kind == kind)
    if parent_id:
        stmt = stmt.where(Location.parent_id == parent_id)
    if roots:
        stmt = stmt.where(Location.parent_id.is_(None))
    if site_id:
        stmt = stmt.where(Location.site_id == site_id)
    if name:
        stmt = stmt.where(Location.name.istartswith(name, autoescape=True))
    return stmt
