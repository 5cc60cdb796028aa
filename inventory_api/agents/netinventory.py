"""The network inventory of a switch, an IP phone or a printer (the GLPI agent's JSON, or FusionInventory's XML read
into its shape): the device (and a switch's ports) become our records, and the MAC addresses a switch learned on
each access port and the LLDP/CDP neighbours of its ports say where the site's known machines are plugged in.

A device is found again by its serial, its MAC or its name at the enroll secret's site (never created twice); a
switch's ports are created or updated by name, each keeping the MACs learned and the neighbours seen there at the
last inventory; a printer keeps its page counters and cartridge levels. A learned MAC or a neighbour that is a known
asset links the asset to that port (through the phone when a phone is seen on the same port: the PC behind the
phone); a neighbour that is a switch is an uplink, shown and not linked. An asset whose connection a technician
recorded by hand at another port is flagged, its record left as it is; an access VLAN typed in by hand that the
switch contradicts is flagged on the switch, the switch's value taken."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.agents import netports
from inventory_api.agents.mapping import flag, number, one, records, text
from inventory_api.agents.service import check_secret
from inventory_api.assets import service as assets
from inventory_api.assets.flags import raise_flag
from inventory_api.assets.identity import normalise_mac, normalise_serial
from inventory_api.assets.models import Asset, AssetIdentifier
from inventory_api.cabling import connections
from inventory_api.cabling.models import AssetConnection, SwitchPort
from inventory_api.cabling.ports import normalise_port_name
from inventory_api.cabling.service import find_switch_port, record_cabling_change
from inventory_api.catalog import service as catalog
from inventory_api.db import Database, utcnow
from inventory_api.errors import Unprocessable
from inventory_api.history.service import Actor, diff_fields, set_actor

#: An access port sees a desk's few devices; more learned MACs than this is an uplink or a hub: not a desk.
MAX_DESK_MACS = 4
#: ifType ethernetCsmacd (6) and the gigabit/fast ones some agents report: the ports a desk is patched to.
ETHERNET_TYPES = {6, 62, 117}
#: The flag of an asset seen by the switch at another port than the one recorded by hand.
SEEN_AT_ANOTHER_PORT = "seen_at_another_port"
#: The flag of a switch whose report contradicts a port's VLAN typed in by hand.
DIFFERS_FROM_NETWORK = "differs_from_network"


@dataclass
class Outcome:
    switch_id: uuid.UUID
    created: bool
    ports: int = 0
    linked: list[uuid.UUID] = field(default_factory=list)
    flagged: list[uuid.UUID] = field(default_factory=list)
    #: Ports whose hand-typed VLAN the switch contradicted.
    differs: list[str] = field(default_factory=list)


#: The asset kind of each network inventory: its itemtype, and for network equipment the device's own type.
KINDS = {"printer": "printer", "phone": "ip_phone", "ip phone": "ip_phone", "voip": "ip_phone"}


def kind_of(itemtype: str, device: dict[str, Any]) -> str:
    if itemtype == "Printer":
        return "printer"
    return KINDS.get((text(device.get("type")) or "").lower(), "switch")


def apply(
    db: Database,
    secret: str,
    content: dict[str, Any],
    request_id: str | None = None,
    itemtype: str = "NetworkEquipment",
) -> Outcome:
    """Record the device (a switch, a printer, an IP phone), its ports with the MACs each learned and the LLDP/CDP
    neighbours each sees (linking the known ones), and a printer's page counters and cartridges, in one
    transaction."""
    device = one(content, "network_device")
    name = text(device.get("name"))
    if not name and not text(device.get("serial")) and not normalise_mac(text(device.get("mac"))):
        raise Unprocessable("network_device: a name, serial or MAC is needed", code="validation_error")
    with db.transaction() as session:
        site_id = check_secret(session, secret).site_id
        set_actor(session, Actor("collector", None, f"netinventory {name or ''}".strip(), request_id))
        kind = kind_of(itemtype, device)
        switch, created = _device(
            session, site_id, device, kind, _printer_facts(content) if kind == "printer" else {}
        )
        outcome = Outcome(switch.id, created)
        if kind != "switch":
            return outcome  # a printer's or a phone's own ports lead nowhere we record
        learned: list[tuple[SwitchPort, list[str]]] = []
        neighbours: list[tuple[SwitchPort, list[dict[str, Any]]]] = []
        now = utcnow()
        for raw in records(content, "network_ports"):
            port_name = text(raw.get("ifname")) or text(raw.get("ifdescr"))
            if port_name is None or (number(raw.get("iftype")) or 6) not in ETHERNET_TYPES:
                continue  # port-channels, VLAN interfaces, loopbacks: no desk behind them
            port = _port(session, switch, port_name, raw, outcome)
            port.reported_at = now
            outcome.ports += 1
            macs = netports.learned_macs(raw)
            if port.learned_macs != macs[: netports.MAX_KEPT_MACS]:
                port.learned_macs = macs[: netports.MAX_KEPT_MACS]
            if macs and not flag(raw.get("trunk")) and len(macs) <= MAX_DESK_MACS:
                learned.append((port, macs))
            neighbours.append((port, netports.neighbours(raw)))
        for port, macs in learned:
            _link(session, switch, port, _owners(session, switch, macs), outcome, "learned")
        for port, found in neighbours:
            _neighbours(session, switch, port, found, outcome)
        return outcome


def _printer_facts(content: dict[str, Any]) -> dict[str, Any]:
    """A printer's page counters (each a number) and cartridge levels (percent), as reported."""
    counters = {k: n for k, v in one(content, "pagecounters").items() if (n := number(v)) is not None}
    cartridges = {
        k: n for c in records(content, "cartridges") for k, v in c.items() if (n := number(v)) is not None
    }
    return {"page_counters": counters, "cartridges": cartridges}


def _device(
    session: Session, site_id: uuid.UUID, device: dict[str, Any], kind: str, extra: dict[str, Any]
) -> tuple[Asset, bool]:
    """The site's device of this kind the inventory is about, found by serial, MAC or name; else a new one. What it
    reports of itself (firmware, address, a printer's counters and cartridges) follows it, with a history line."""
    serial, mac = normalise_serial(text(device.get("serial"))), normalise_mac(text(device.get("mac")))
    name = text(device.get("name"))
    here = (Asset.site_id == site_id, Asset.kind == kind, Asset.deleted_at.is_(None))
    found = session.scalar(select(Asset).where(Asset.serial == serial, *here)) if serial else None
    if found is None and mac:
        found = session.scalar(
            select(Asset).join(AssetIdentifier, AssetIdentifier.asset_id == Asset.id)
            .where(AssetIdentifier.kind == "mac", AssetIdentifier.value == mac, *here)
        )  # fmt: skip
    if found is None and name:
        found = session.scalar(select(Asset).where(Asset.hostname_key == name.lower().split(".")[0], *here))
    if found is None and name and kind == "switch":
        found = connections.find_neighbour(session, mac or name, name, site_id)
        found = found if found is not None and found.kind == "switch" else None
    facts = {"firmware": text(device.get("firmware")), "management_ip": _first_ip(device), **extra}
    if found is None:
        maker, product = text(device.get("manufacturer")), text(device.get("model"))
        values: dict[str, Any] = {"kind": kind, "status": "deployed", "site_id": site_id, "name": name,
                                  "hostname": name, "serial": serial,
                                  "attributes": {k: v for k, v in {**facts, "mac": mac}.items() if v}}  # fmt: skip
        if maker:
            manufacturer = catalog.normalise_manufacturer(session, maker)
            values["manufacturer_id"] = manufacturer.id
            if product:
                values["model_id"] = catalog.normalise_model(session, manufacturer, product, kind).id
        switch = assets.create_asset(session, values)
        if mac:
            assets.add_identifier(session, switch, "mac", mac)
        return switch, True
    attributes = {**(found.attributes or {}), **{k: v for k, v in facts.items() if v}}
    if attributes != (found.attributes or {}):
        assets.update_asset(session, found, {"attributes": attributes})
    return found, False


def _first_ip(device: dict[str, Any]) -> str | None:
    ips = device.get("ips")
    candidates = ips if isinstance(ips, list) else [ips]
    return next((text(ip) for ip in candidates if text(ip) and not str(ip).startswith("127.")), None)


def _port(session: Session, switch: Asset, name: str, raw: dict[str, Any], outcome: Outcome) -> SwitchPort:
    """The switch's port of this name, created or brought up to what the switch reports (a change is history)."""
    observed = netports.observed(raw)
    port = find_switch_port(session, switch.id, name)
    if port is None:
        port = SwitchPort(switch_id=switch.id, site_id=switch.site_id, name=normalise_port_name(name)[:60],
                          reported_vlan=observed["vlan"], **{k: v for k, v in observed.items() if v is not None})  # fmt: skip
        session.add(port)
        session.flush()
        return port
    vlan = observed["vlan"]
    if vlan is not None and port.vlan not in (None, vlan, port.reported_vlan):
        _differs(session, switch, port, port.vlan, vlan)  # typed in by hand, not the switch's last word
        outcome.differs.append(port.name)
    # A value the switch does not report leaves what was recorded; the voice VLAN is never in its report.
    changes = diff_fields(port, {k: v for k, v in observed.items() if v is not None and v != []})
    if vlan is not None:
        port.reported_vlan = vlan
    if changes:
        port.version += 1
        record_cabling_change(session, "switch_port", port.id, port.site_id, "updated", changes=changes,
                              summary=f"{switch.name} {port.name} as the switch reports it")  # fmt: skip
    return port


def _differs(session: Session, switch: Asset, port: SwitchPort, recorded: int, reported: int) -> None:
    """Flag the switch: a port's VLAN recorded by hand is not the one the switch reports (which is taken, the
    recorded one kept in the flag and the port's history for a decision)."""
    entry = {"switch_port_id": str(port.id), "port": port.name, "field": "vlan", "recorded": recorded,
             "reported": reported}  # fmt: skip
    open_flag = raise_flag(session, switch, DIFFERS_FROM_NETWORK, {"ports": [entry]},
                           summary=f"{switch.name} {port.name}: VLAN {recorded} was recorded by hand, the switch "
                                   f"reports {reported}")  # fmt: skip
    others = [p for p in open_flag.detail.get("ports", []) if p.get("switch_port_id") != str(port.id)]
    if [*others, entry] != open_flag.detail.get("ports"):
        open_flag.detail = {**open_flag.detail, "ports": [*others, entry]}


def _owners(session: Session, switch: Asset, macs: list[str]) -> list[Asset]:
    """The known assets of the switch's site behind these MACs (not the switch itself)."""
    return list(session.scalars(
        select(Asset).join(AssetIdentifier, AssetIdentifier.asset_id == Asset.id)
        .where(AssetIdentifier.kind == "mac", AssetIdentifier.value.in_(macs), Asset.site_id == switch.site_id,
               Asset.deleted_at.is_(None), Asset.id != switch.id)
    ).unique())  # fmt: skip


def _known(session: Session, switch: Asset, entry: dict[str, Any]) -> Asset | None:
    """The asset of the switch's site a neighbour is: by its chassis MAC, else by its name when only one asset
    has it (eighteen phones all named "Cisco IP Phone SPA303" name none), else a switch entered by hand."""
    mac, name = entry.get("chassis_mac"), netports.neighbour_name(entry)
    here = (Asset.site_id == switch.site_id, Asset.deleted_at.is_(None), Asset.id != switch.id)
    if mac:
        found = _owners(session, switch, [mac])
        if found:
            return found[0]
    if name:
        named = session.scalars(select(Asset).where(Asset.hostname_key == name, *here).limit(2)).all()
        if len(named) == 1:
            return named[0]
    if not mac and not name:
        return None
    # A switch entered by hand may carry its chassis MAC or its name only in its attributes.
    other = connections.find_neighbour(session, mac or name or "", name, switch.site_id)
    return (
        other
        if other is not None and other.kind in connections.SWITCH_KINDS and other.id != switch.id
        else None
    )


def _neighbours(
    session: Session, switch: Asset, port: SwitchPort, found: list[dict[str, Any]], outcome: Outcome
) -> None:
    """Keep the port's neighbours, each with the known asset it is; link those that are not network gear (an
    uplink to another switch is not a desk)."""
    kept, desks = [], []
    for entry in found:
        asset = _known(session, switch, entry)
        kept.append({**entry, "asset_id": str(asset.id) if asset is not None else None})
        if asset is not None and asset.kind not in connections.SWITCH_KINDS and asset not in desks:
            desks.append(asset)
    if port.neighbours != kept:
        port.neighbours = kept
    if desks:
        _link(session, switch, port, desks, outcome, "lldp")


def _link(
    session: Session, switch: Asset, port: SwitchPort, found: list[Asset], outcome: Outcome, source: str
) -> None:
    """Link the assets seen at a port to it: a phone among them carries the others."""
    phone = next((a for a in found if a.kind in connections.PASS_THROUGH_KINDS), None)
    for asset in found:
        via = phone if phone is not None and asset.id != phone.id else None
        if _seen(session, asset, switch, port, via, source):
            outcome.linked.append(asset.id)
        else:
            outcome.flagged.append(asset.id)


def _seen(
    session: Session, asset: Asset, switch: Asset, port: SwitchPort, via: Asset | None, source: str
) -> bool:
    """Link the asset to the port it was seen on; False (and a flag) when a technician recorded another one."""
    recorded = session.get(AssetConnection, asset.id)
    recorded_port = recorded.switch_port_id if recorded else None
    if recorded is not None and recorded.source == "manual" and recorded_port not in (None, port.id):
        was = session.get(SwitchPort, recorded_port)
        raise_flag(session, asset, SEEN_AT_ANOTHER_PORT, {
            "recorded_switch_port_id": str(recorded_port), "recorded_port": was.name if was else None,
            "seen_switch_id": str(switch.id), "seen_port": port.name, "seen_switch_port_id": str(port.id),
        }, summary=f"the switch {switch.name} sees it on {port.name}, not on its recorded port: moved without "
                   "a work order, or wrong records")  # fmt: skip
        return False
    if recorded is not None and recorded_port == port.id:
        recorded.seen_at = utcnow()  # where it was recorded: confirmed, the record kept as entered
        return True
    jack = connections.jack_behind(session, port.id)
    connections.upsert_connection(session, asset, switch_port_id=port.id, jack_id=jack.id if jack else None,
                                  via_asset_id=via.id if via else None, source=source, seen_at=utcnow())  # fmt: skip
    where = f"{switch.name} {port.name}" + (f" behind {via.name}" if via else "")
    how = "learned its MAC" if source == "learned" else "sees it as an LLDP/CDP neighbour"
    record_cabling_change(session, "asset", asset.id, asset.site_id, "connected",
                          summary=f"the switch {how} at {where}")  # fmt: skip
    if jack is not None:
        connections.check_location(session, asset, jack, port)
    return True
