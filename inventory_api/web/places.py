"""Places and cabling in the browser: the sites, a location's page with what is in it, a jack's and a patch panel's
page, a switch's ports; adding and changing them, patching and unpatching. Every form is checked by the API's own
input model and goes through the same service function as the API."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.auth.service import Principal
from inventory_api.cabling import connections, paths
from inventory_api.cabling import service as cabling
from inventory_api.cabling.models import JACK_TYPES, Jack, PatchPanel, PatchPanelPort, SwitchPort
from inventory_api.cabling.schemas import JackUpdate, PanelCreate, SwitchPortCreate
from inventory_api.deps import SessionDep
from inventory_api.errors import AppError, NotFound, Unprocessable
from inventory_api.history.service import recent_changes
from inventory_api.locations import service as locations
from inventory_api.locations.models import LOCATION_KINDS, Location
from inventory_api.locations.schemas import LocationCreate, LocationUpdate
from inventory_api.routing import TransactionalRoute
from inventory_api.services.models import Service
from inventory_api.web import orders
from inventory_api.web.router import handle_form, page, web_principal

router = APIRouter(include_in_schema=False, route_class=TransactionalRoute)
#: What the location forms edit (a site also its time zone).
PLACE_FIELDS = ("name", "code", "address", "city", "region", "postal_code", "country", "notes")


def _filled(form: dict[str, str], fields: tuple[str, ...]) -> dict[str, str]:
    """The form's fields, trimmed; empty ones left out (the model's default applies)."""
    return {f: value for f in fields if (value := (form.get(f) or "").strip())}


def _not_found(principal: Principal, what: Any) -> HTMLResponse:
    return page("search.html", status=404, principal=principal, q=str(what), assets=[], people=[])


def _place(session: Session, principal: Principal, location_id: uuid.UUID) -> Location:
    place = locations.get_location(session, location_id, principal)
    if place is None:
        raise NotFound("location", location_id)
    return place


# --- sites and locations -------------------------------------------------------------------------------------


@router.get("/locations")
def sites_page(request: Request, session: SessionDep) -> HTMLResponse:
    """The sites I may see, each with its buildings; an admin adds a site here."""
    principal = web_principal(request, session)
    sites = orders.sites_for(session, principal)
    inside = session.scalars(select(Location).where(
        Location.parent_id.in_([s.id for s in sites]), Location.deleted_at.is_(None)).order_by(Location.name))  # fmt: skip
    children: dict[uuid.UUID, list[Location]] = {}
    for place in inside:
        children.setdefault(place.parent_id, []).append(place)  # type: ignore[arg-type]
    return page("sites.html", principal=principal, sites=sites, children=children, csrf=orders.csrf_token(request),
                can_add="admin" in principal.permissions, form={})  # fmt: skip


@router.post("/locations")
async def add_site(request: Request, session: SessionDep) -> Response:
    """A new site (admins, as through the API): a root with its IANA time zone."""
    return await handle_form(request, session, "/locations", lambda who, form: (
        f"/locations/{new_site(session, who, form)}"))  # fmt: skip


def new_site(session: Session, principal: Principal, form: dict[str, str]) -> uuid.UUID:
    orders.may_write(principal)
    locations.sites_need_admin(principal, "site")
    values = orders.validated(LocationCreate, {"kind": "site", **_filled(form, (*PLACE_FIELDS, "time_zone"))})
    return locations.create_location(session, values, principal).id


@router.get("/locations/{location_id}")
def location_page(location_id: uuid.UUID, request: Request, session: SessionDep) -> HTMLResponse:
    """A site, building, floor or room: the places in it, its jacks with their paths, patch panels, equipment and
    services; with the forms that add to it and change it."""
    principal = web_principal(request, session)
    location = locations.get_location(session, location_id, principal)
    if location is None:
        return _not_found(principal, location_id)
    return page("location.html", principal=principal, location=location, csrf=orders.csrf_token(request),
                can_write="write" in principal.permissions, kinds=LOCATION_KINDS[1:], jack_types=JACK_TYPES,
                can_edit="write" in principal.permissions and (location.kind != "site" or "admin" in principal.permissions),
                panel_places=cabling.PANEL_PLACES, **location_details(session, location))  # fmt: skip


def location_details(session: Session, location: Location) -> dict[str, Any]:
    """A location: where it sits, the places in it, its jacks with their paths, its patch panels, the equipment
    and services there."""
    live = Location.deleted_at.is_(None)
    children = session.scalars(
        select(Location).where(Location.parent_id == location.id, live).order_by(Location.kind, Location.name)
    )
    panels = session.scalars(
        select(PatchPanel)
        .where(PatchPanel.location_id == location.id, PatchPanel.deleted_at.is_(None))
        .order_by(PatchPanel.name)
    )
    equipment = session.scalars(
        select(Asset).where(Asset.location_id == location.id, Asset.deleted_at.is_(None))
        .order_by(Asset.kind, Asset.name).limit(200)
    )  # fmt: skip
    services = session.scalars(
        select(Service).where(Service.location_id == location.id, Service.deleted_at.is_(None))
        .order_by(Service.type, Service.number)
    )  # fmt: skip
    return {
        "breadcrumb": locations.breadcrumb(session, location), "children": list(children),
        "paths": paths.paths_for_room(session, location), "panels": list(panels), "equipment": list(equipment),
        "services": list(services),
    }  # fmt: skip


@router.post("/locations/{location_id}/edit")
async def edit_location(location_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Rename a place, give it a code, an address or notes (a site also its time zone; sites are for admins)."""
    back = f"/locations/{location_id}"
    return await handle_form(request, session, back, lambda who, form: (
        change_location(session, who, location_id, form) or back))  # fmt: skip


def change_location(
    session: Session, principal: Principal, location_id: uuid.UUID, form: dict[str, str]
) -> None:
    orders.may_write(principal)
    place = _place(session, principal, location_id)
    locations.sites_need_admin(principal, place.kind)
    fields = (*PLACE_FIELDS, "time_zone") if place.kind == "site" else PLACE_FIELDS
    # A field left empty is cleared, but the name.
    values = {f: (form.get(f) or "").strip() or None for f in fields}
    if not values["name"]:
        raise Unprocessable(f"name: a {place.kind} needs a name", code="name_required")
    values = orders.validated(LocationUpdate, values)
    if place.kind != "site" and (parent := (form.get("parent") or "").strip()):
        values["parent_id"] = _parent_named(session, principal, place, parent)
    locations.update_location(session, place, values, principal)


def _parent_named(session: Session, principal: Principal, place: Location, name: str) -> uuid.UUID:
    """The one place of the caller's sites called so (by name or code) that a place may move under."""
    wanted = name.lower()
    stmt = select(Location).where(
        or_(func.lower(Location.name) == wanted, func.lower(Location.code) == wanted),
        Location.deleted_at.is_(None),
    )
    found = [
        p for p in session.scalars(stmt.limit(5)) if principal.can_see_site(p.site_id) and p.id != place.id
    ]
    if len(found) != 1:
        what = "no place" if not found else "more than one place"
        raise Unprocessable(
            f"in: {what} called {name!r} that you may see; name its code", code="parent_required"
        )
    return found[0].id


@router.post("/locations/{location_id}/delete")
async def delete_location(location_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Remove a place nothing points at any more (a site: admins); back to the place it was in."""
    return await handle_form(request, session, f"/locations/{location_id}", lambda who, form: (
        remove_location(session, who, location_id, form)))  # fmt: skip


def remove_location(
    session: Session, principal: Principal, location_id: uuid.UUID, form: dict[str, str]
) -> str:
    orders.may_write(principal)
    place = _place(session, principal, location_id)
    locations.sites_need_admin(principal, place.kind)
    _confirmed(form, f"{place.kind} {place.name}")
    locations.delete_location(session, place)
    return f"/locations/{place.parent_id}" if place.parent_id else "/locations"


def _confirmed(form: dict[str, str], what: str) -> None:
    if form.get("confirm") != "on":
        raise Unprocessable(f"confirm: tick the box to remove {what}", code="confirm_required")


@router.post("/locations/{location_id}/places")
async def add_place(location_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Add a building, floor, room … inside a location, from its page."""
    return await handle_form(request, session, f"/locations/{location_id}", lambda who, form: (
        f"/locations/{new_place(session, who, location_id, form)}"))  # fmt: skip


def new_place(
    session: Session, principal: Principal, location_id: uuid.UUID, form: dict[str, str]
) -> uuid.UUID:
    """A building, floor, room, closet … inside this location (the API's rules: a site's place, a parent the
    caller may see); the new place's id."""
    orders.may_write(principal)
    parent = _place(session, principal, location_id)
    if form.get("kind") == "site":
        raise Unprocessable(
            "kind: a site is added from the sites page, not inside a place", code="site_is_root"
        )
    values = orders.validated(
        LocationCreate, {**_filled(form, ("kind", "name", "code")), "parent_id": parent.id}
    )
    return locations.create_location(session, values, principal).id


@router.post("/locations/{location_id}/jacks")
async def add_jack(location_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Add a wall jack to a room, from its page."""
    back = f"/locations/{location_id}"
    return await handle_form(request, session, back, lambda who, form: (
        new_jack(session, who, location_id, form) or back))  # fmt: skip


def new_jack(session: Session, principal: Principal, location_id: uuid.UUID, form: dict[str, str]) -> None:
    """A wall jack in this room, by its label (unique at the site)."""
    orders.may_write(principal)
    values = orders.validated(JackUpdate, _filled(form, ("label", "jack_type", "notes")))
    if not values.get("label"):
        raise Unprocessable("label: a jack needs the label on its faceplate", code="invalid_jack")
    cabling.create_jack(session, {**values, "room_id": location_id}, principal.site_ids)


@router.post("/locations/{location_id}/panels")
async def add_panel(location_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Add a patch panel, with its numbered ports, to a closet, rack or room."""
    return await handle_form(request, session, f"/locations/{location_id}", lambda who, form: (
        f"/patch-panels/{new_panel(session, who, location_id, form)}"))  # fmt: skip


def new_panel(
    session: Session, principal: Principal, location_id: uuid.UUID, form: dict[str, str]
) -> uuid.UUID:
    orders.may_write(principal)
    values = orders.validated(
        PanelCreate, {**_filled(form, ("name", "port_count", "notes")), "location_id": location_id}
    )
    return cabling.create_panel(session, values, principal.site_ids).id


@router.post("/locations/{location_id}/patches")
async def patch_jack(location_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Patch a jack through a panel port to a switch port, from a location's page."""
    back = f"/locations/{location_id}"
    return await handle_form(request, session, back, lambda who, form: (
        patch_by_names(session, who, location_id, form) or back))  # fmt: skip


def patch_by_names(
    session: Session, principal: Principal, location_id: uuid.UUID, form: dict[str, str]
) -> None:
    """Patch a jack to a panel port and the panel port to a switch port, all named as on their labels at the
    location's site (a part left empty is not patched); the devices behind the jack follow, as through the API."""
    orders.may_write(principal)
    site = _place(session, principal, location_id).site_id
    panel = session.scalar(select(PatchPanel).where(
        PatchPanel.site_id == site, PatchPanel.name == (form.get("panel") or "").strip(),
        PatchPanel.deleted_at.is_(None)))  # fmt: skip
    number = int(form["panel_port"]) if (form.get("panel_port") or "").isdigit() else 0
    port = session.scalar(select(PatchPanelPort).where(
        PatchPanelPort.panel_id == panel.id, PatchPanelPort.number == number)) if panel else None  # fmt: skip
    if port is None:
        raise Unprocessable("panel and port: the panel's name and a port number it has, at this site",
                            code="panel_port_required")  # fmt: skip
    jack = None
    if label := (form.get("jack") or "").strip():
        jack = cabling.find_jack(session, label, [site])
        if jack is None:
            raise Unprocessable(f"jack: no jack {label!r} at this site", code="jack_required")
    switch_port = None
    if switch_name := (form.get("switch") or "").strip():
        switch = session.scalar(select(Asset).where(
            Asset.site_id == site, Asset.kind == "switch", Asset.deleted_at.is_(None),
            or_(Asset.name == switch_name, Asset.hostname == switch_name)))  # fmt: skip
        switch_port = (
            cabling.find_switch_port(session, switch.id, form.get("switch_port") or "") if switch else None
        )
        if switch_port is None:
            raise Unprocessable(f"switch port: no port {form.get('switch_port')!r} on a switch {switch_name!r} "
                                "at this site", code="switch_port_required")  # fmt: skip
    connections.patch(session, port.id, jack_id=jack.id if jack else None,
                      switch_port_id=switch_port.id if switch_port else None, sites=principal.site_ids)  # fmt: skip


# --- jacks ---------------------------------------------------------------------------------------------------


@router.get("/jacks/{jack_id}")
def jack_page(jack_id: uuid.UUID, request: Request, session: SessionDep) -> HTMLResponse:
    """A wall jack: its room, its path to the switch with the devices on it, its services, its history."""
    principal = web_principal(request, session)
    try:
        jack = cabling.require_jack(session, jack_id, principal.site_ids)
    except AppError:
        return _not_found(principal, jack_id)
    data_ports = select(Service).where(
        Service.type == "data_port", Service.site_id == jack.site_id, Service.deleted_at.is_(None)
    )
    services = [s for s in session.scalars(data_ports) if s.details.get("jack_id") == str(jack.id)]
    return page("jack.html", principal=principal, jack=jack, room=session.get(Location, jack.room_id),
                paths=paths.paths_for_jack(session, jack), services=services, jack_types=JACK_TYPES,
                history=recent_changes(session, "jack", jack.id, limit=50), csrf=orders.csrf_token(request),
                can_write="write" in principal.permissions)  # fmt: skip


@router.post("/jacks/{jack_id}/edit")
async def edit_jack(jack_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Relabel a jack, change its type or notes."""
    back = f"/jacks/{jack_id}"
    return await handle_form(
        request, session, back, lambda who, form: change_jack(session, who, jack_id, form) or back
    )


def change_jack(session: Session, principal: Principal, jack_id: uuid.UUID, form: dict[str, str]) -> None:
    orders.may_write(principal)
    jack = cabling.require_jack(session, jack_id, principal.site_ids)
    values = orders.validated(
        JackUpdate, {**_filled(form, ("label", "jack_type")), "notes": form.get("notes") or None}
    )
    cabling.update_jack(session, jack, values, principal.site_ids)


@router.post("/jacks/{jack_id}/delete")
async def delete_jack(jack_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Remove a jack taken off the wall (its patching goes with it); back to its room."""
    return await handle_form(request, session, f"/jacks/{jack_id}", lambda who, form: (
        remove_jack(session, who, jack_id, form)))  # fmt: skip


def remove_jack(session: Session, principal: Principal, jack_id: uuid.UUID, form: dict[str, str]) -> str:
    orders.may_write(principal)
    jack = cabling.require_jack(session, jack_id, principal.site_ids)
    _confirmed(form, f"jack {jack.label}")
    connections.remove_jack(session, jack, principal.username)
    return f"/locations/{jack.room_id}"


@router.post("/jacks/{jack_id}/unpatch")
async def unpatch_jack(jack_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Take a jack off its panel port (the cable is cut; its devices lose their switch port)."""
    back = f"/jacks/{jack_id}"
    return await handle_form(request, session, back, lambda who, form: unpatch(session, who, jack_id) or back)


def unpatch(session: Session, principal: Principal, jack_id: uuid.UUID) -> None:
    orders.may_write(principal)
    jack = cabling.require_jack(session, jack_id, principal.site_ids)
    if jack.panel_port_id is None:
        raise Unprocessable(f"jack {jack.label} is not patched", code="not_patched")
    connections.unpatch(session, jack.panel_port_id, jack=True, sites=principal.site_ids)


# --- patch panels and switch ports ---------------------------------------------------------------------------


@router.get("/patch-panels/{panel_id}")
def panel_page(panel_id: uuid.UUID, request: Request, session: SessionDep) -> HTMLResponse:
    """A patch panel: each port with the jack on its front and the switch port on its back."""
    principal = web_principal(request, session)
    try:
        panel = cabling.require_panel(session, panel_id, principal.site_ids)
    except AppError:
        return _not_found(principal, panel_id)
    ports = cabling.panel_ports(session, panel)
    jacks = {j.panel_port_id: j for j in session.scalars(select(Jack).where(
        Jack.panel_port_id.in_([p.id for p in ports]), Jack.deleted_at.is_(None)))}  # fmt: skip
    switch_ports = {s.id: s for s in session.scalars(select(SwitchPort).where(
        SwitchPort.id.in_([p.switch_port_id for p in ports if p.switch_port_id])))}  # fmt: skip
    switches = {a.id: a for a in session.scalars(select(Asset).where(
        Asset.id.in_({s.switch_id for s in switch_ports.values()})))}  # fmt: skip
    rows = [(p, jacks.get(p.id), switch_ports.get(p.switch_port_id)) for p in ports]  # type: ignore[arg-type]
    return page("panel.html", principal=principal, panel=panel, rows=rows, switches=switches,
                location=session.get(Location, panel.location_id), csrf=orders.csrf_token(request),
                history=recent_changes(session, "patch_panel", panel.id, limit=50),
                can_write="write" in principal.permissions)  # fmt: skip


@router.post("/patch-panels/{panel_id}/ports/{number}/unpatch")
async def unpatch_panel_port(
    panel_id: uuid.UUID, number: int, request: Request, session: SessionDep
) -> Response:
    """Pull the patch cord between a panel port and its switch port."""
    back = f"/patch-panels/{panel_id}"
    return await handle_form(request, session, back, lambda who, form: (
        unpatch_switch_side(session, who, panel_id, number) or back))  # fmt: skip


def unpatch_switch_side(session: Session, principal: Principal, panel_id: uuid.UUID, number: int) -> None:
    orders.may_write(principal)
    panel = cabling.require_panel(session, panel_id, principal.site_ids)
    port = session.scalar(select(PatchPanelPort).where(PatchPanelPort.panel_id == panel.id,
                                                       PatchPanelPort.number == number))  # fmt: skip
    if port is None or port.switch_port_id is None:
        raise Unprocessable(
            f"panel {panel.name} port {number} is not patched to a switch", code="not_patched"
        )
    connections.unpatch(session, port.id, switch_port=True, sites=principal.site_ids)


@router.post("/assets/{asset_id}/switch-ports")
async def add_switch_port(asset_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Add a port to a switch, with its VLANs, from the switch's page."""
    back = f"/assets/{asset_id}"
    return await handle_form(request, session, back, lambda who, form: (
        new_switch_port(session, who, asset_id, form) or back))  # fmt: skip


def new_switch_port(
    session: Session, principal: Principal, switch_id: uuid.UUID, form: dict[str, str]
) -> None:
    orders.may_write(principal)
    values = _filled(form, ("name", "description", "vlan", "voice_vlan", "speed_mbps"))
    values = orders.validated(
        SwitchPortCreate, {**values, "switch_id": switch_id, "poe": form.get("poe") == "on"}
    )
    cabling.create_switch_port(session, values, principal.site_ids)
