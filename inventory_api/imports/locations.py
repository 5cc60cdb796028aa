"""Import the location tree, with jacks and patch panels, upserted by code (jacks by label, panels by name)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inventory_api.cabling import service as cabling
from inventory_api.cabling.models import Jack, PatchPanel, PatchPanelPort
from inventory_api.imports.context import ImportContext, as_int, required
from inventory_api.imports.readers import RowError
from inventory_api.locations import service as locations
from inventory_api.locations.models import LOCATION_KINDS, Location

PLACE_FIELDS = ("name", "time_zone", "address", "city", "region", "postal_code", "country", "notes")


def import_location(ctx: ImportContext, row: dict[str, Any]) -> None:
    """A row of kind site, building, floor, room, closet, rack …, or `jack`, or `panel`."""
    kind = required(row, "kind")
    if kind == "jack":
        return _jack(ctx, row)
    if kind == "panel":
        return _panel(ctx, row)
    if kind not in LOCATION_KINDS:
        raise RowError("kind", f"{kind!r} is not one of {', '.join((*LOCATION_KINDS, 'jack', 'panel'))}")
    code = required(row, "code")
    values = {f: row[f] for f in PLACE_FIELDS if f in row}
    values["name"] = required(row, "name")
    parent = ctx.location(row["parent"], "parent") if row.get("parent") else None
    if kind != "site" and parent is None:
        raise RowError("parent", f"a {kind} needs the code of its parent")
    session = ctx.session
    existing = session.scalar(select(Location).where(Location.code == code, Location.deleted_at.is_(None)))
    if existing is None:
        created = locations.create_location(session, values | {"kind": kind, "code": code,
                                                               "parent_id": parent.id if parent else None}, ctx.scope)  # fmt: skip
        ctx.remember_location(created)
        ctx.counts.created += 1
        return
    ctx.location(code, "code")  # visible to the caller
    if existing.kind != kind:
        raise RowError("kind", f"{code!r} is a {existing.kind}")
    changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
    if parent is not None and existing.parent_id != parent.id:
        changed["parent_id"] = parent.id
    if not changed:
        ctx.counts.unchanged += 1
        return
    locations.update_location(session, existing, changed, ctx.scope)
    ctx.counts.updated += 1


def _panel(ctx: ImportContext, row: dict[str, Any]) -> None:
    name = required(row, "name")
    place = ctx.location(required(row, "location"), "location")
    port_count = as_int(row, "port_count")
    if port_count is None or port_count < 1:
        raise RowError("port_count", "a panel has at least one port")
    session = ctx.session
    existing = session.scalar(select(PatchPanel).where(PatchPanel.site_id == place.site_id, PatchPanel.name == name,
                                                       PatchPanel.deleted_at.is_(None)))  # fmt: skip
    if existing is None:
        cabling.create_panel(
            session, {"name": name, "location_id": place.id, "port_count": port_count}, ctx.sites
        )
        ctx.counts.created += 1
        return
    if port_count < existing.port_count:
        raise RowError(
            "port_count", f"panel {name} has {existing.port_count} ports; an import does not remove ports"
        )
    if port_count == existing.port_count and existing.location_id == place.id:
        ctx.counts.unchanged += 1
        return
    session.add_all(
        PatchPanelPort(panel_id=existing.id, number=n) for n in range(existing.port_count + 1, port_count + 1)
    )
    existing.port_count, existing.location_id = port_count, place.id
    existing.version += 1
    ctx.counts.updated += 1


def _jack(ctx: ImportContext, row: dict[str, Any]) -> None:
    label = required(row, "label") if row.get("label") else required(row, "name")
    room = ctx.location(required(row, "room") if "room" in row else required(row, "location"), "room")
    values = {"label": label, "room_id": room.id, "jack_type": row.get("jack_type") or "data"}
    if values["jack_type"] not in ("voice", "data", "combo"):
        raise RowError("jack_type", "voice, data or combo")
    session = ctx.session
    jack = session.scalar(
        select(Jack).where(Jack.site_id == room.site_id, Jack.label == label, Jack.deleted_at.is_(None))
    )
    created = changed = False
    if jack is None:
        jack = cabling.create_jack(session, values, ctx.sites)
        created = True
    elif any(getattr(jack, k) != v for k, v in values.items()):
        cabling.update_jack(session, jack, values, ctx.sites)
        changed = True
    if row.get("panel") and _cross_connect(ctx, row, jack):
        changed = True
    if created:
        ctx.counts.created += 1
    elif changed:
        ctx.counts.updated += 1
    else:
        ctx.counts.unchanged += 1


def _cross_connect(ctx: ImportContext, row: dict[str, Any], jack: Jack) -> bool:
    """Patch the jack to `panel` port `panel_port`; True when that is new."""
    session = ctx.session
    panel = session.scalar(select(PatchPanel).where(PatchPanel.site_id == jack.site_id, PatchPanel.name == row["panel"],
                                                    PatchPanel.deleted_at.is_(None)))  # fmt: skip
    if panel is None:
        raise RowError(
            "panel", f"no patch panel {row['panel']!r} at this site (list panels before their jacks)"
        )
    number = as_int(row, "panel_port")
    port = session.scalar(
        select(PatchPanelPort).where(PatchPanelPort.panel_id == panel.id, PatchPanelPort.number == number)
    )
    if port is None:
        raise RowError("panel_port", f"panel {panel.name} has no port {number}")
    if jack.panel_port_id == port.id:
        return False
    cabling.patch(session, port.id, jack_id=jack.id, sites=ctx.sites)
    return True
