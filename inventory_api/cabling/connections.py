"""Where assets are plugged in: recorded by hand at a jack, or seen by LLDP at a switch port."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.assets.flags import raise_flag
from inventory_api.assets.models import Asset, AssetFlag, AssetIdentifier
from inventory_api.cabling import service as cabling
from inventory_api.cabling.devices import normalise_mac
from inventory_api.cabling.models import AssetConnection, Jack, PatchPanelPort, SwitchPort
from inventory_api.cabling.ports import normalise_port_name
from inventory_api.cabling.registry import Sites
from inventory_api.cabling.service import find_switch_port, record_cabling_change
from inventory_api.db import utcnow
from inventory_api.history.service import plain

SWITCH_KINDS = ("switch", "router")
#: Devices a PC can be daisy-chained behind: LLDP from the PC names the phone, not the switch.
PASS_THROUGH_KINDS = ("ip_phone", "ata", "video_unit")
SEEN_ELSEWHERE = "seen_at_another_location"


def get_connection(session: Session, asset_id: uuid.UUID) -> AssetConnection | None:
    return session.get(AssetConnection, asset_id)


def jack_behind(session: Session, switch_port_id: uuid.UUID) -> Jack | None:
    """The jack cross-connected, through a panel port, to a switch port."""
    stmt = (
        select(Jack)
        .join(PatchPanelPort, Jack.panel_port_id == PatchPanelPort.id)
        .where(PatchPanelPort.switch_port_id == switch_port_id, Jack.deleted_at.is_(None))
    )
    return session.scalar(stmt)


def switch_port_of_jack(session: Session, jack: Jack) -> SwitchPort | None:
    if jack.panel_port_id is None:
        return None
    panel_port = session.get(PatchPanelPort, jack.panel_port_id)
    return (
        session.get(SwitchPort, panel_port.switch_port_id)
        if panel_port and panel_port.switch_port_id
        else None
    )


def find_neighbour(
    session: Session, chassis_id: str, system_name: str | None, site_id: uuid.UUID
) -> Asset | None:
    """The switch or phone of the reporting asset's site that an LLDP chassis id (usually a MAC) or system name
    names: a device is plugged into its own site's network, and a name or MAC another site also has must not
    cable it there."""
    kinds = SWITCH_KINDS + PASS_THROUGH_KINDS
    mac = normalise_mac(chassis_id)
    here = (Asset.site_id == site_id, Asset.kind.in_(kinds), Asset.deleted_at.is_(None))
    by_identifier = (
        select(Asset)
        .join(AssetIdentifier, AssetIdentifier.asset_id == Asset.id)
        .where(AssetIdentifier.value.in_({mac, chassis_id}), *here)
    )
    found = session.scalar(by_identifier)
    if found is not None:
        return found
    names = {n.strip().lower().split(".")[0] for n in (system_name, chassis_id) if n}
    by_name = select(Asset).where(Asset.hostname_key.in_(names), *here)
    found = session.scalar(by_name)
    if found is not None:
        return found
    # A switch entered by hand may carry its chassis MAC only in its attributes: look among this site's switches
    # (a few; phones are found by their MAC identifier, which setting their attributes records).
    candidates = select(Asset).where(
        Asset.site_id == site_id, Asset.kind.in_(SWITCH_KINDS), Asset.deleted_at.is_(None)
    )
    for device in session.scalars(candidates):
        attrs = device.attributes or {}
        if mac in (attrs.get("mac"), attrs.get("chassis_id")) or (device.name or "").lower() in names:
            return device
    return None


def upsert_connection(session: Session, asset: Asset, **values: Any) -> AssetConnection:
    """Where the asset is plugged in, created or changed."""
    connection = session.get(AssetConnection, asset.id)
    if connection is None:
        connection = AssetConnection(asset_id=asset.id)
        session.add(connection)
    for field, value in values.items():
        setattr(connection, field, value)
    session.flush()
    return connection


def connect_at_jack(session: Session, asset: Asset, jack: Jack) -> AssetConnection:
    """Record by hand that an asset is plugged into a jack."""
    switch_port = switch_port_of_jack(session, jack)
    connection = upsert_connection(session, asset, jack_id=jack.id, switch_port_id=switch_port.id if switch_port else None,
                         via_asset_id=None, source="manual", seen_at=utcnow())  # fmt: skip
    summary = f"plugged into jack {jack.label}"
    record_cabling_change(session, "asset", asset.id, asset.site_id, "connected", summary=summary)
    _refresh_numbers(session, [asset.id])
    return connection


def move_connection(session: Session, asset: Asset, jack: Jack | None) -> None:
    """An asset was moved: it is plugged into `jack` now (none: nobody knows yet), its old jack is freed; both
    jacks and the asset get a history entry, and its numbers' emergency state is recomputed."""
    old = session.get(AssetConnection, asset.id)
    old_jack = session.get(Jack, old.jack_id) if old is not None and old.jack_id else None
    if old_jack is not None and (jack is None or old_jack.id != jack.id):
        record_cabling_change(session, "jack", old_jack.id, old_jack.site_id, "freed",
                              summary=f"{asset.name or asset.asset_tag or asset.kind} unplugged")  # fmt: skip
    if jack is not None:
        if old_jack is None or old_jack.id != jack.id or old.source != "manual":
            connect_at_jack(session, asset, jack)
            record_cabling_change(session, "jack", jack.id, jack.site_id, "connected",
                                  summary=f"{asset.name or asset.asset_tag or asset.kind} plugged in")  # fmt: skip
        return
    if old is not None:
        session.delete(old)
        record_cabling_change(session, "asset", asset.id, asset.site_id, "disconnected",
                              summary="moved: connection unknown until it is plugged in or seen")  # fmt: skip
        session.flush()
        _refresh_numbers(session, [asset.id])


def remove_jack(session: Session, jack: Jack, deleted_by: str | None) -> None:
    """A jack taken off the wall: deleted with its patching. What was plugged in there by hand leads nowhere now;
    what a switch saw keeps its switch port; the numbers concerned are recomputed."""
    plugged = list(session.scalars(select(AssetConnection).where(AssetConnection.jack_id == jack.id)))
    cabling.delete_jack(session, jack, deleted_by)
    for connection in plugged:
        connection.jack_id = None
        if connection.source == "manual":
            connection.switch_port_id = None
    if plugged:
        session.flush()
        _refresh_numbers(session, [c.asset_id for c in plugged])


def follow_patching(session: Session, jack_ids: list[uuid.UUID], switch_port_ids: list[uuid.UUID]) -> None:
    """After a re-patch: what LLDP saw at a switch port now leads to the jack patched there, what was plugged in
    by hand at a jack now leads to that jack's switch port; the numbers of the phones concerned are recomputed."""
    touched: list[uuid.UUID] = []
    if switch_port_ids:
        stmt = select(AssetConnection).where(
            AssetConnection.switch_port_id.in_(switch_port_ids),
            AssetConnection.source.in_(("lldp", "learned")),
        )
        for connection in session.scalars(stmt):
            jack = jack_behind(session, connection.switch_port_id)
            connection.jack_id = jack.id if jack else None
            touched.append(connection.asset_id)
    if jack_ids:
        stmt = select(AssetConnection).where(
            AssetConnection.jack_id.in_(jack_ids), AssetConnection.source == "manual"
        )
        for connection in session.scalars(stmt):
            port = switch_port_of_jack(session, session.get_one(Jack, connection.jack_id))
            connection.switch_port_id = port.id if port else None
            touched.append(connection.asset_id)
    if touched:
        _refresh_numbers(session, touched)


def patch_ends(session: Session, panel_port_id: uuid.UUID) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """The jacks and the switch port at either end of a panel port (to follow a re-patch)."""
    port = session.get(PatchPanelPort, panel_port_id)
    if port is None:
        return [], []
    jacks = list(session.scalars(select(Jack.id).where(Jack.panel_port_id == port.id)))
    return jacks, [port.switch_port_id] if port.switch_port_id else []


def repatched(
    session: Session, panel_port_id: uuid.UUID, before: tuple[list[uuid.UUID], list[uuid.UUID]]
) -> None:
    """Follow a patch or unpatch of a panel port, given its ends before the change."""
    after = patch_ends(session, panel_port_id)
    follow_patching(session, before[0] + after[0], before[1] + after[1])


def _refresh_numbers(session: Session, asset_ids: list[uuid.UUID]) -> None:
    from inventory_api.services.emergency import refresh_numbers

    refresh_numbers(session, asset_ids=asset_ids)


def link_lldp_neighbour(
    session: Session,
    asset: Asset,
    chassis_id: str,
    port_id: str,
    *,
    system_name: str | None = None,
    seen_at: datetime | None = None,
) -> AssetConnection | None:
    """Link an asset to the switch port its LLDP neighbour names, and so to a jack and a room.

    Behind an IP phone, the neighbour is the phone: the asset then shares the phone's own switch port. When the
    jack's room is not the asset's recorded location, the asset is flagged "seen at another location" (and a
    phone's numbers get a stale emergency location). Returns None when the neighbour is not a known device.
    """
    neighbour = find_neighbour(session, chassis_id, system_name, asset.site_id)
    if neighbour is None or neighbour.id == asset.id:
        return None
    via: Asset | None = None
    if neighbour.kind in PASS_THROUGH_KINDS:
        via = neighbour
        phone_connection = session.get(AssetConnection, neighbour.id)
        switch_port = (
            session.get(SwitchPort, phone_connection.switch_port_id)
            if phone_connection and phone_connection.switch_port_id
            else None
        )
    else:
        switch_port = find_switch_port(session, neighbour.id, port_id)
        if switch_port is None:  # a port the switch has but nobody entered yet
            switch_port = SwitchPort(switch_id=neighbour.id, site_id=neighbour.site_id,
                                     name=normalise_port_name(port_id), oper_state="up")  # fmt: skip
            session.add(switch_port)
            session.flush()
    jack = jack_behind(session, switch_port.id) if switch_port else None
    previous = session.get(AssetConnection, asset.id)
    moved = previous is None or previous.switch_port_id != (switch_port.id if switch_port else None)
    connection = upsert_connection(session, asset, switch_port_id=switch_port.id if switch_port else None,
                         jack_id=jack.id if jack else None, via_asset_id=via.id if via else None,
                         source="lldp", seen_at=seen_at or utcnow())  # fmt: skip
    if moved:
        where = f"{neighbour.name} {switch_port.name}" if switch_port else f"behind {neighbour.name}"
        summary = f"LLDP: seen at {where}"
        record_cabling_change(session, "asset", asset.id, asset.site_id, "connected", summary=summary)
    if jack is not None:
        check_location(session, asset, jack, switch_port)
    return connection


def check_location(session: Session, asset: Asset, jack: Jack, switch_port: SwitchPort | None) -> None:
    """Flag an asset seen at a jack outside its recorded room; clear the flag once they agree again."""
    from inventory_api.services.emergency import check_numbers_location

    open_flag = session.scalar(
        select(AssetFlag).where(
            AssetFlag.asset_id == asset.id, AssetFlag.kind == SEEN_ELSEWHERE, AssetFlag.resolved_at.is_(None)
        )
    )
    detail = {
        "recorded_location_id": plain(asset.location_id),
        "seen_location_id": plain(jack.room_id),
        "jack": jack.label,
        "switch_port_id": plain(switch_port.id) if switch_port else None,
    }
    if asset.location_id is not None and asset.location_id != jack.room_id:
        if open_flag is None:
            summary = f"seen at jack {jack.label}, outside its recorded location"
            raise_flag(session, asset, SEEN_ELSEWHERE, detail, summary=summary)
        elif open_flag.detail != detail:
            open_flag.detail = detail
    elif open_flag is not None:
        open_flag.resolved_at = utcnow()
        open_flag.resolved_by = "system"
    check_numbers_location(session, asset, jack)
    session.flush()


def patch(
    session: Session,
    panel_port_id: uuid.UUID,
    *,
    jack_id: uuid.UUID | None,
    switch_port_id: uuid.UUID | None,
    sites: Sites = None,
) -> PatchPanelPort:
    """Patch a panel port to a jack and/or a switch port; the devices behind the jack follow (see `repatched`)."""
    before = patch_ends(session, panel_port_id)
    port = cabling.patch(session, panel_port_id, jack_id=jack_id, switch_port_id=switch_port_id, sites=sites)
    repatched(session, port.id, before)
    return port


def unpatch(
    session: Session,
    panel_port_id: uuid.UUID,
    *,
    jack: bool = False,
    switch_port: bool = False,
    sites: Sites = None,
) -> PatchPanelPort:
    """Remove a panel port's jack side and/or switch side; the devices behind the jack follow."""
    before = patch_ends(session, panel_port_id)
    port = cabling.unpatch(session, panel_port_id, jack=jack, switch_port=switch_port, sites=sites)
    repatched(session, port.id, before)
    return port
