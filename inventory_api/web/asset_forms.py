"""Create and edit an asset in the browser: the form's text checked by the API's own input models, the change made
by the same service functions (site scope, lifecycle, unique tag and serial)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from inventory_api.assets import service as assets
from inventory_api.assets.models import ASSET_KINDS, ASSET_STATUSES, Asset
from inventory_api.assets.schemas import AssetCreate, AssetUpdate
from inventory_api.auth.service import Principal
from inventory_api.catalog.models import Manufacturer
from inventory_api.errors import NotFound, Unprocessable
from inventory_api.locations.models import Location
from inventory_api.web.orders import may_write, sites_for, validated

#: The fields of the form, in its order (the place is chosen as a site and a room's name or code).
TEXT_FIELDS = ("name", "hostname", "asset_tag", "serial", "manufacturer", "supplier", "purchase_date",
               "warranty_end", "notes")  # fmt: skip
CHOICES = {"kinds": ASSET_KINDS, "statuses": ASSET_STATUSES}


def form_of(session: Session, asset: Asset) -> dict[str, str]:
    """An asset as its edit form shows it."""
    values = {f: "" if getattr(asset, f, None) is None else str(getattr(asset, f)) for f in TEXT_FIELDS}
    maker = session.get(Manufacturer, asset.manufacturer_id) if asset.manufacturer_id else None
    values["manufacturer"] = maker.name if maker else ""
    place = session.get(Location, asset.location_id) if asset.location_id else None
    return {**values, "kind": asset.kind, "status": asset.status, "site_id": str(asset.site_id),
            "room": (place.code or place.name) if place and place.kind != "site" else ""}  # fmt: skip


def _place(session: Session, form: dict[str, str]) -> dict[str, Any]:
    """The site and the location (a room or other place of that site, by its code or name) the form names."""
    try:
        site_id = uuid.UUID(form.get("site_id", ""))
    except ValueError:
        raise Unprocessable("site: choose a site", code="site_required") from None
    room = (form.get("room") or "").strip()
    if not room:
        return {"site_id": site_id, "location_id": None}
    matches = list(session.scalars(select(Location.id).where(
        Location.site_id == site_id, Location.deleted_at.is_(None), Location.kind != "site",
        or_(Location.code == room, Location.name == room)).limit(2)))  # fmt: skip
    if len(matches) != 1:
        found = "no place" if not matches else "more than one place"
        raise Unprocessable(f"room: {found} called {room!r} at this site", code="location_required")
    return {"site_id": site_id, "location_id": matches[0]}


def _values(session: Session, model: Any, form: dict[str, str]) -> dict[str, Any]:
    """The form as the API's input model reads it (an empty box is no value); its errors in words."""
    data: dict[str, Any] = {f: (form.get(f) or "").strip() or None for f in TEXT_FIELDS}
    data |= {"kind": form.get("kind"), "status": form.get("status"), **_place(session, form)}
    return validated(model, data)


def create(session: Session, principal: Principal, form: dict[str, str]) -> uuid.UUID:
    may_write(principal)
    return assets.create_asset(session, _values(session, AssetCreate, form), principal).id


def update(session: Session, principal: Principal, asset_id: uuid.UUID, form: dict[str, str]) -> None:
    may_write(principal)
    asset = assets.get_asset(session, asset_id, principal)
    if asset is None:
        raise NotFound("asset", asset_id)
    values = _values(session, AssetUpdate, form)
    maker = session.get(Manufacturer, asset.manufacturer_id) if asset.manufacturer_id else None
    now = {**{k: getattr(asset, k, None) for k in values}, "manufacturer": maker.name if maker else None}
    changed = {k: v for k, v in values.items() if now[k] != v}
    if changed:
        assets.update_asset(session, asset, changed, principal)


def context(session: Session, principal: Principal) -> dict[str, Any]:
    return {"choices": CHOICES, "sites": sites_for(session, principal)}
