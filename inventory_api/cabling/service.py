"""Jacks, patch panels, switch ports and the cross-connects between them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.cabling.models import Jack, PatchPanel, PatchPanelPort, SwitchPort
from inventory_api.cabling.ports import normalise_port_name
from inventory_api.cabling.registry import Sites, require_asset, require_location, site_of, visible
from inventory_api.db import utcnow
from inventory_api.errors import Conflict, NotFound, Unprocessable
from inventory_api.etag import check_if_match
from inventory_api.events.service import emit_event
from inventory_api.history.service import diff_fields, record_change

ROOM_KINDS = ("room", "area", "other", "floor")
PANEL_PLACES = ("closet", "rack", "room", "area", "other", "floor")


def record_cabling_change(
    session: Session,
    subject_type: str,
    subject_id: uuid.UUID,
    site_id: uuid.UUID,
    action: str,
    *,
    changes: dict[str, Any] | None = None,
    summary: str | None = None,
) -> None:
    """A change to the cabling plant: its history event, and a `cabling.changed` outbox event in the same
    transaction, so that integrations (a NOC's tools, a ticketing system) follow patching as it happens."""
    record_change(session, subject_type, subject_id, action, changes=changes, summary=summary)
    emit_event(session, "cabling.changed", subject_type, subject_id, {
        "subject_type": subject_type, "id": str(subject_id), "site_id": str(site_id), "action": action,
        "summary": summary, "changes": changes or {},
    })  # fmt: skip


# --- jacks ---------------------------------------------------------------------------------------------


def require_jack(session: Session, jack_id: uuid.UUID, sites: Sites = None) -> Jack:
    jack = session.get(Jack, jack_id)
    if jack is None or jack.deleted_at is not None or not visible(sites, jack.site_id):
        raise NotFound("jack", jack_id)
    return jack


def find_jack(session: Session, label: str, sites: Sites = None) -> Jack | None:
    """A live jack by its label (labels are unique within a site)."""
    stmt = select(Jack).where(Jack.label == label.strip(), Jack.deleted_at.is_(None))
    return next((j for j in session.scalars(stmt) if visible(sites, j.site_id)), None)


def _room(session: Session, room_id: uuid.UUID, sites: Sites):
    room = require_location(session, room_id, sites)
    if room.kind not in ROOM_KINDS:
        raise Unprocessable(f"a jack is in a room, not a {room.kind}", code="not_a_room")
    return room


def _label_free(session: Session, site_id: uuid.UUID, label: str, jack_id: uuid.UUID | None = None) -> None:
    stmt = select(Jack.id).where(Jack.site_id == site_id, Jack.label == label, Jack.deleted_at.is_(None))
    if jack_id is not None:
        stmt = stmt.where(Jack.id != jack_id)
    if session.scalar(stmt) is not None:
        raise Conflict(f"jack {label!r} already exists at this site", code="duplicate_label")


def create_jack(session: Session, data: dict[str, Any], sites: Sites = None) -> Jack:
    room = _room(session, data["room_id"], sites)
    _label_free(session, site_of(room), data["label"])
    jack = Jack(**data, site_id=site_of(room))
    session.add(jack)
    session.flush()
    record_cabling_change(
        session, "jack", jack.id, jack.site_id, "created", summary=f"jack {jack.label} created"
    )
    return jack


def update_jack(
    session: Session, jack: Jack, data: dict[str, Any], sites: Sites = None, if_match: str | None = None
) -> Jack:
    check_if_match(if_match, jack.version)
    if "room_id" in data and data["room_id"] is not None:
        room = _room(session, data["room_id"], sites)
        if site_of(room) != jack.site_id:
            raise Unprocessable("a jack cannot move to another site", code="other_site")
    if data.get("label"):
        _label_free(session, jack.site_id, data["label"], jack.id)
    changes = diff_fields(jack, {k: v for k, v in data.items() if v is not None or k == "notes"})
    if changes:
        jack.version += 1
        record_cabling_change(session, "jack", jack.id, jack.site_id, "updated", changes=changes)
    return jack


def delete_jack(session: Session, jack: Jack, deleted_by: str | None = None) -> None:
    jack.deleted_at = utcnow()
    jack.deleted_by = deleted_by
    jack.panel_port_id = None
    jack.version += 1
    record_cabling_change(
        session, "jack", jack.id, jack.site_id, "deleted", summary=f"jack {jack.label} deleted"
    )


def jacks_query(sites: Sites, **filters: Any) -> Select[Any]:
    stmt = select(Jack).where(Jack.deleted_at.is_(None))
    if sites is not None:
        stmt = stmt.where(Jack.site_id.in_(sites))
    for field in ("site_id", "room_id", "jack_type", "label"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(Jack, field) == filters[field])
    return stmt


# --- patch panels ----------------------------------------------------------------------------------------


def require_panel(session: Session, panel_id: uuid.UUID, sites: Sites = None) -> PatchPanel:
    panel = session.get(PatchPanel, panel_id)
    if panel is None or panel.deleted_at is not None or not visible(sites, panel.site_id):
        raise NotFound("patch panel", panel_id)
    return panel


def create_panel(session: Session, data: dict[str, Any], sites: Sites = None) -> PatchPanel:
    place = require_location(session, data["location_id"], sites)
    if place.kind not in PANEL_PLACES:
        raise Unprocessable(f"a patch panel is in a closet or rack, not a {place.kind}", code="bad_place")
    site_id = site_of(place)
    taken = select(PatchPanel.id).where(
        PatchPanel.site_id == site_id, PatchPanel.name == data["name"], PatchPanel.deleted_at.is_(None)
    )
    if session.scalar(taken) is not None:
        raise Conflict(f"patch panel {data['name']!r} already exists at this site", code="duplicate_name")
    panel = PatchPanel(**data, site_id=site_id)
    session.add(panel)
    session.flush()
    session.add_all(PatchPanelPort(panel_id=panel.id, number=n) for n in range(1, panel.port_count + 1))
    record_cabling_change(
        session,
        "patch_panel",
        panel.id,
        panel.site_id,
        "created",
        summary=f"patch panel {panel.name} created",
    )
    return panel


def panel_ports(session: Session, panel: PatchPanel) -> list[PatchPanelPort]:
    stmt = select(PatchPanelPort).where(PatchPanelPort.panel_id == panel.id).order_by(PatchPanelPort.number)
    return list(session.scalars(stmt))


def require_panel_port(session: Session, port_id: uuid.UUID, sites: Sites = None) -> PatchPanelPort:
    port = session.get(PatchPanelPort, port_id)
    if port is None:
        raise NotFound("panel port", port_id)
    require_panel(session, port.panel_id, sites)
    return port


def panels_query(sites: Sites, **filters: Any) -> Select[Any]:
    stmt = select(PatchPanel).where(PatchPanel.deleted_at.is_(None))
    if sites is not None:
        stmt = stmt.where(PatchPanel.site_id.in_(sites))
    for field in ("site_id", "location_id", "name"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(PatchPanel, field) == filters[field])
    return stmt


# --- switch ports ------------------------------------------------------------------------------------------


def require_switch(session: Session, switch_id: uuid.UUID, sites: Sites = None) -> Asset:
    switch = require_asset(session, switch_id, sites)
    if switch.kind not in ("switch", "router"):
        raise Unprocessable(f"asset {switch_id} is a {switch.kind}, not a switch", code="not_a_switch")
    return switch


def require_switch_port(session: Session, port_id: uuid.UUID, sites: Sites = None) -> SwitchPort:
    port = session.get(SwitchPort, port_id)
    if port is None or not visible(sites, port.site_id):
        raise NotFound("switch port", port_id)
    return port


def find_switch_port(session: Session, switch_id: uuid.UUID, name: str) -> SwitchPort | None:
    """A switch's port by any spelling of its name."""
    stmt = select(SwitchPort).where(
        SwitchPort.switch_id == switch_id, SwitchPort.name == normalise_port_name(name)
    )
    return session.scalar(stmt)


def create_switch_port(session: Session, data: dict[str, Any], sites: Sites = None) -> SwitchPort:
    switch = require_switch(session, data["switch_id"], sites)
    data = {**data, "name": normalise_port_name(data["name"])}
    if find_switch_port(session, switch.id, data["name"]) is not None:
        raise Conflict(f"switch {switch.name} already has port {data['name']}", code="duplicate_port")
    port = SwitchPort(**data, site_id=switch.site_id)
    session.add(port)
    session.flush()
    record_cabling_change(
        session, "switch_port", port.id, port.site_id, "created", summary=f"{switch.name} {port.name} created"
    )
    return port


def update_switch_port(
    session: Session, port: SwitchPort, data: dict[str, Any], if_match: str | None = None
) -> SwitchPort:
    check_if_match(if_match, port.version)
    changes = diff_fields(port, {k: v for k, v in data.items() if v is not None})
    if changes:
        port.version += 1
        record_cabling_change(session, "switch_port", port.id, port.site_id, "updated", changes=changes)
    return port


def switch_ports_query(sites: Sites, **filters: Any) -> Select[Any]:
    stmt = select(SwitchPort)
    if sites is not None:
        stmt = stmt.where(SwitchPort.site_id.in_(sites))
    for field in ("site_id", "switch_id", "vlan", "voice_vlan", "oper_state", "admin_state"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(SwitchPort, field) == filters[field])
    if filters.get("name"):
        stmt = stmt.where(SwitchPort.name == normalise_port_name(filters["name"]))
    return stmt


# --- patching ------------------------------------------------------------------------------------------------


def patch(
    session: Session,
    panel_port_id: uuid.UUID,
    *,
    jack_id: uuid.UUID | None = None,
    switch_port_id: uuid.UUID | None = None,
    sites: Sites = None,
) -> PatchPanelPort:
    """Cross-connect a jack to a panel port and/or patch it to a switch port; a port is patched once."""
    if jack_id is None and switch_port_id is None:
        raise Unprocessable("name a jack_id, a switch_port_id or both", code="nothing_to_patch")
    port = require_panel_port(session, panel_port_id, sites)
    panel = session.get(PatchPanel, port.panel_id)
    if jack_id is not None:
        jack = require_jack(session, jack_id, sites)
        if jack.site_id != panel.site_id:
            raise Unprocessable("the jack and the panel are at different sites", code="other_site")
        holder = session.scalar(select(Jack).where(Jack.panel_port_id == port.id, Jack.deleted_at.is_(None)))
        if holder is not None and holder.id != jack.id:
            raise Conflict(
                f"panel {panel.name} port {port.number} is already cross-connected to jack {holder.label}",
                code="already_patched",
            )
        if jack.panel_port_id is not None and jack.panel_port_id != port.id:
            raise Conflict(f"jack {jack.label} is already cross-connected", code="already_patched")
        if jack.panel_port_id != port.id:
            jack.panel_port_id = port.id
            jack.version += 1
            record_cabling_change(session, "jack", jack.id, jack.site_id, "patched",
                          summary=f"jack {jack.label} → panel {panel.name} port {port.number}")  # fmt: skip
    if switch_port_id is not None:
        switch_port = require_switch_port(session, switch_port_id, sites)
        if port.switch_port_id is not None and port.switch_port_id != switch_port.id:
            raise Conflict(
                f"panel {panel.name} port {port.number} is already patched", code="already_patched"
            )
        holder = session.scalar(select(PatchPanelPort).where(PatchPanelPort.switch_port_id == switch_port.id))
        if holder is not None and holder.id != port.id:
            raise Conflict(f"switch port {switch_port.name} is already patched", code="already_patched")
        if port.switch_port_id != switch_port.id:
            port.switch_port_id = switch_port.id
            record_cabling_change(session, "switch_port", switch_port.id, switch_port.site_id, "patched",
                          summary=f"panel {panel.name} port {port.number} → {switch_port.name}")  # fmt: skip
    session.flush()
    return port


def unpatch(
    session: Session,
    panel_port_id: uuid.UUID,
    *,
    jack: bool = False,
    switch_port: bool = False,
    sites: Sites = None,
) -> PatchPanelPort:
    """Remove the jack side and/or the switch side of a panel port's patching."""
    port = require_panel_port(session, panel_port_id, sites)
    if jack:
        for holder in session.scalars(select(Jack).where(Jack.panel_port_id == port.id)):
            holder.panel_port_id = None
            holder.version += 1
            record_cabling_change(
                session,
                "jack",
                holder.id,
                holder.site_id,
                "unpatched",
                summary=f"jack {holder.label} unpatched",
            )
    if switch_port and port.switch_port_id is not None:
        panel = session.get_one(PatchPanel, port.panel_id)  # the switch port is at the panel's site
        record_cabling_change(session, "switch_port", port.switch_port_id, panel.site_id, "unpatched")
        port.switch_port_id = None
    session.flush()
    return port
