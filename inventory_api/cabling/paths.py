"""The path from a person's device through the wall to a switch port, with a one-line summary."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.cabling.connections import jack_behind, switch_port_of_jack
from inventory_api.cabling.models import AssetConnection, Jack, PatchPanel, PatchPanelPort, SwitchPort
from inventory_api.cabling.registry import Sites
from inventory_api.locations.models import Location
from inventory_api.people.models import Person

KIND_WORDS = {"ip_phone": "phone", "analog_phone": "phone", "ata": "ATA", "video_unit": "video unit"}


def _hop(obj: Any, name: str | None) -> dict[str, Any] | None:
    return {"id": obj.id, "name": name} if obj is not None else None


def asset_words(session: Session, asset: Asset) -> str:
    """ "Pat's phone", or the asset's name when nobody is assigned."""
    kind = KIND_WORDS.get(asset.kind, asset.kind.replace("_", " "))
    person = session.get(Person, asset.assigned_person_id) if asset.assigned_person_id else None
    if person is not None:
        return f"{person.name.split()[0]}'s {kind}"
    return asset.name or asset.asset_tag or kind


def vlan_words(port: SwitchPort) -> str:
    parts = []
    if port.vlan is not None:
        parts.append(f"VLAN {port.vlan}")
    if port.voice_vlan is not None:
        parts.append(f"voice {port.voice_vlan}")
    return "/".join(parts)


def build_path(
    session: Session,
    *,
    asset: Asset | None = None,
    jack: Jack | None = None,
    switch_port: SwitchPort | None = None,
) -> dict[str, Any]:
    """Fill in whatever hops are known on either side of the given ones."""
    panel_port = panel = None
    if jack is not None and jack.panel_port_id is not None:
        panel_port = session.get(PatchPanelPort, jack.panel_port_id)
    if switch_port is None and jack is not None:
        switch_port = switch_port_of_jack(session, jack)
    if panel_port is None and switch_port is not None:
        panel_port = session.scalar(
            select(PatchPanelPort).where(PatchPanelPort.switch_port_id == switch_port.id)
        )
        if jack is None:
            jack = jack_behind(session, switch_port.id)
    if panel_port is not None:
        panel = session.get(PatchPanel, panel_port.panel_id)
    switch = session.get(Asset, switch_port.switch_id) if switch_port else None
    room = session.get(Location, jack.room_id) if jack else None
    person = session.get(Person, asset.assigned_person_id) if asset and asset.assigned_person_id else None
    words: list[str] = []
    if asset is not None:
        words.append(asset_words(session, asset))
    if jack is not None:
        words.append(f"jack {jack.label}")
    if panel is not None:
        words.append(f"panel {panel.name} port {panel_port.number}")
    if switch_port is not None:
        vlans = vlan_words(switch_port)
        name = switch.name or switch.hostname or "?" if switch else "?"
        words.append(f"switch {name} {switch_port.name}" + (f", {vlans}" if vlans else ""))
    if asset is not None and jack is None and switch_port is None:
        words.append("(connection unknown)")
    elif jack is not None and switch_port is None:
        words.append("(not patched to a switch)")
    return {
        "person": _hop(person, person.name if person else None),
        "asset": _hop(asset, asset.name or asset.asset_tag if asset else None),
        "room": _hop(room, room.name if room else None),
        "jack": jack,
        "panel": _hop(panel, panel.name if panel else None),
        "panel_port": panel_port,
        "switch": _hop(switch, (switch.name or switch.hostname) if switch else None),
        "switch_port": switch_port,
        "summary": " → ".join(words),
    }


def paths_for_asset(session: Session, asset: Asset) -> list[dict[str, Any]]:
    connection = session.get(AssetConnection, asset.id)
    if connection is None:
        return [build_path(session, asset=asset)]
    jack = session.get(Jack, connection.jack_id) if connection.jack_id else None
    port = session.get(SwitchPort, connection.switch_port_id) if connection.switch_port_id else None
    return [build_path(session, asset=asset, jack=jack, switch_port=port)]


def _assets_at(session: Session, *, jack_id: uuid.UUID | None = None, port_id: uuid.UUID | None = None):
    stmt = (
        select(Asset)
        .join(AssetConnection, AssetConnection.asset_id == Asset.id)
        .where(Asset.deleted_at.is_(None))
    )
    stmt = stmt.where(AssetConnection.jack_id == jack_id) if jack_id else stmt
    stmt = stmt.where(AssetConnection.switch_port_id == port_id) if port_id else stmt
    return list(session.scalars(stmt.order_by(Asset.name)))


def paths_for_jack(session: Session, jack: Jack) -> list[dict[str, Any]]:
    assets = _assets_at(session, jack_id=jack.id)
    if not assets:
        return [build_path(session, jack=jack)]
    return [build_path(session, asset=a, jack=jack) for a in assets]


def paths_for_switch_port(session: Session, port: SwitchPort) -> list[dict[str, Any]]:
    assets = _assets_at(session, port_id=port.id)
    if not assets:
        return [build_path(session, switch_port=port)]
    return [build_path(session, asset=a, switch_port=port) for a in assets]


def paths_for_person(session: Session, person: Person, sites: Sites = None) -> list[dict[str, Any]]:
    stmt = select(Asset).where(Asset.assigned_person_id == person.id, Asset.deleted_at.is_(None))
    paths: list[dict[str, Any]] = []
    for asset in session.scalars(stmt.order_by(Asset.kind, Asset.name)):
        if sites is None or asset.site_id in sites:
            paths.extend(paths_for_asset(session, asset))
    return paths


def paths_for_room(session: Session, room: Location) -> list[dict[str, Any]]:
    jacks = session.scalars(
        select(Jack).where(Jack.room_id == room.id, Jack.deleted_at.is_(None)).order_by(Jack.label)
    )
    return [path for jack in jacks for path in paths_for_jack(session, jack)]
