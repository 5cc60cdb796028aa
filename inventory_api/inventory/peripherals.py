"""Peripherals that are assets of their own (monitors, docks … with a real serial), linked to the host they are seen on."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from collector.edid import PNP_VENDORS
from collector.junk import clean_serial
from inventory_api.assets.models import Asset, AssetIdentifier
from inventory_api.catalog import service as catalog
from inventory_api.history.service import diff_fields, record_change, record_events
from inventory_api.ingest.flags import flag_asset
from inventory_api.ingest.service import link_target, serial_holder
from inventory_api.inventory.models import PeripheralLink
from inventory_api.inventory.sections import monitor_row, usb_row

#: The collector's USB device kinds → asset kinds.
USB_ASSET_KINDS = {"dock": "docking_station", "webcam": "webcam", "headset": "headset", "printer": "printer"}
RETIRED = ("retired", "disposed")
#: A history event as record_events takes it: (subject type, subject id, action, summary, changes).
Event = tuple[str, uuid.UUID, str, str | None, dict[str, Any] | None]


def monitor_maker(monitor: Any) -> str | None:
    """A monitor's maker by name: the collector's, else its EDID PNP id in the collector's table ("GSM" → LG).

    An unknown PNP id is no maker name: it links nothing rather than create a maker called "XYZ".
    """
    return monitor.manufacturer_name or PNP_VENDORS.get((monitor.manufacturer or "").strip().upper())


def split_peripherals(
    section: Any, asset_kinds: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(peripherals that become assets, with their identifier; device rows that stay on the host)."""
    promoted: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for monitor in section.monitors:
        serial = clean_serial(monitor.serial)
        row = monitor_row(monitor)
        if serial and "monitor" in asset_kinds:
            promoted.append(
                {
                    "kind": "monitor",
                    "value": f"monitor:{monitor.manufacturer or ''}:{serial.upper()}",
                    "row": row,
                    "serial": serial,
                    "reported": catalog.reported(monitor_maker(monitor), monitor.model),
                }
            )
        else:
            rows.append(row)
    for device in section.usb_devices:
        kind = USB_ASSET_KINDS.get(device.kind or "")
        serial = clean_serial(device.serial)
        row = usb_row(device)
        if kind and serial and kind in asset_kinds:
            promoted.append(
                {
                    "kind": kind,
                    "value": f"{kind}:{device.vendor_id}:{device.product_id}:{serial.upper()}",
                    "row": row,
                    "serial": serial,
                    "reported": catalog.reported(device.manufacturer, device.product),
                }
            )
        else:
            rows.append(row)
    return promoted, rows


def _find(session: Session, values: list[str]) -> dict[str, uuid.UUID]:
    if not values:
        return {}
    stmt = select(AssetIdentifier.value, AssetIdentifier.asset_id).where(
        AssetIdentifier.kind == "peripheral", AssetIdentifier.value.in_(values)
    )
    return dict(session.execute(stmt).all())


def _new_asset(host: Asset, item: dict[str, Any], now: datetime) -> Asset:
    row = item["row"]
    link = item.get("link")
    return Asset(
        id=uuid.uuid4(), kind=item["kind"], status="deployed", name=row["model"] or row["name"], serial=item["serial"],
        serial_key=item["serial"].upper().replace(" ", ""), site_id=host.site_id, location_id=host.location_id,
        manufacturer_id=link and link.manufacturer_id, model_id=link and link.model_id, first_seen=now, last_seen=now,
        attributes={"manufacturer": row["manufacturer"], "model": row["model"]},
    )  # fmt: skip


def _create(session: Session, host: Asset, item: dict[str, Any], now: datetime) -> uuid.UUID:
    asset = _new_asset(host, item, now)
    try:
        with session.begin_nested():
            session.add(asset)
            session.flush()
            session.add(AssetIdentifier(asset_id=asset.id, kind="peripheral", value=item["value"]))
            session.flush()
    except IntegrityError:  # another host's report created it at the same moment
        held = _find(session, [item["value"]])
        if item["value"] in held or not item.get("link"):
            return held[item["value"]]
        # Not a race: a live asset of this maker has this serial already (typed in by hand): this one unlinked.
        asset_id = _create(session, host, {**item, "link": None}, now)
        twin = serial_holder(session, session.get_one(Asset, asset_id), item["link"].manufacturer_id)
        detail = {"identifiers": [["serial", item["serial"].upper().replace(" ", ""), str(twin)]]}
        flag_asset(session, asset_id, "duplicate_identifier", detail)
        return asset_id
    record_change(
        session,
        "asset",
        asset.id,
        "created",
        summary=f"{item['kind'].replace('_', ' ')} found on {host.name or host.id}",
    )
    return asset.id


def _create_all(
    session: Session, host: Asset, items: list[dict[str, Any]], now: datetime
) -> dict[str, uuid.UUID]:
    """Identifier value → asset for peripherals seen for the first time: one savepoint and two flushes for all of
    them; if one collides (a racing report created it), one at a time as before."""
    if len(items) < 2:
        return {item["value"]: _create(session, host, item, now) for item in items}
    created = [_new_asset(host, item, now) for item in items]
    try:
        with session.begin_nested():
            session.add_all(created)
            session.flush()
            session.add_all(
                AssetIdentifier(asset_id=asset.id, kind="peripheral", value=item["value"])
                for item, asset in zip(items, created, strict=True)
            )
            session.flush()
    except IntegrityError:  # a racing report created one of them: one at a time, each in its own savepoint
        return {item["value"]: _create(session, host, item, now) for item in items}
    record_events(session, [
        ("asset", asset.id, "created", f"{item['kind'].replace('_', ' ')} found on {host.name or host.id}", None)
        for item, asset in zip(items, created, strict=True)
    ])  # fmt: skip
    return {item["value"]: asset.id for item, asset in zip(items, created, strict=True)}


def _unlinked(
    session: Session, promoted: list[dict[str, Any]], found: dict[str, uuid.UUID]
) -> list[tuple[dict[str, Any], Asset]]:
    """Known peripheral assets without the maker (or model) their report names: created before the catalog was
    linked, or emptied by hand. No query: they are in the identity map."""
    items: dict[str, dict[str, Any]] = {}
    for item in promoted:
        if item["value"] in found and item["reported"] is not None:
            items.setdefault(item["value"], item)
    known = [(item, session.get_one(Asset, found[value])) for value, item in items.items()]
    return [
        (item, peripheral)
        for item, peripheral in known
        if peripheral.manufacturer_id is None or (peripheral.model_id is None and item["reported"][1])
    ]


def _resolve_links(session: Session, items: list[dict[str, Any]]) -> dict[catalog.Reported, catalog.Link]:
    """Catalog ids of the peripherals' reported makers and models: no query when none is named."""
    wanted: dict[catalog.Reported, str | None] = {}
    for item in items:
        if item["reported"] is not None:
            wanted.setdefault(item["reported"], item["kind"])
    return catalog.resolve_reported(session, wanted) if wanted else {}


def _fill_links(
    session: Session,
    unlinked: list[tuple[dict[str, Any], Asset]],
    links: dict[catalog.Reported, catalog.Link],
) -> list[Event]:
    """Fill the empty maker and model of known peripheral assets; one set by hand is never replaced (a
    peripheral's identifier holds its maker and product, so its report never changes them). History events."""
    events: list[Event] = []
    for item, peripheral in unlinked:
        target = link_target(peripheral, links[item["reported"]], follow=False)
        if target["manufacturer_id"] != peripheral.manufacturer_id and serial_holder(
            session, peripheral, target["manufacturer_id"]
        ):
            continue  # another asset of this maker has its serial: linking both would break their uniqueness
        changes = diff_fields(peripheral, target)
        if changes:
            peripheral.version += 1
            name = " ".join(p for p in item["reported"] if p)
            events.append(("asset", peripheral.id, "updated", f"model as reported: {name}", changes))
    return events


def sync_peripheral_assets(
    session: Session, host: Asset, promoted: list[dict[str, Any]], *, now: datetime, grace_days: int
) -> list[str]:
    """Link the seen peripheral assets to the host, move those seen elsewhere, unlink the long-missing ones."""
    found = _find(session, [item["value"] for item in promoted])
    if found:  # into the identity map at once, for the session.get() below
        session.scalars(select(Asset).where(Asset.id.in_(set(found.values())))).all()
    fresh: dict[str, dict[str, Any]] = {}
    # One serial twice in a report: the first sighting names the asset, as it always did.
    for item in promoted:
        if item["value"] not in found:
            fresh.setdefault(item["value"], item)
    unlinked = _unlinked(session, promoted, found)
    models = _resolve_links(session, [*fresh.values(), *(item for item, _ in unlinked)])
    for item in fresh.values():
        item["link"] = models.get(item["reported"])
    found.update(_create_all(session, host, list(fresh.values()), now))
    seen: dict[uuid.UUID, dict[str, Any]] = {}
    for item in promoted:
        seen[found[item["value"]]] = item
    links = {
        link.peripheral_id: link
        for link in session.scalars(
            select(PeripheralLink).where(
                (PeripheralLink.host_id == host.id) | PeripheralLink.peripheral_id.in_(list(seen))
            )
        )
    }
    lines: list[str] = []
    events = _fill_links(session, unlinked, models)  # written together below
    host_name = host.name or host.hostname or str(host.id)
    for asset_id, item in seen.items():
        peripheral = session.get(Asset, asset_id)
        label = f"{item['kind'].replace('_', ' ')} {peripheral.name or ''} ({item['serial']})".replace(
            "  ", " "
        )
        peripheral.last_seen = now
        if peripheral.deleted_at is not None or peripheral.status in RETIRED:
            flag_asset(session, asset_id, "reported_while_retired", {"seen_on": str(host.id)})
        link = links.get(asset_id)
        if link is not None and link.host_id == host.id:
            link.missing_since = None
            continue
        if link is not None:
            old_host = session.get(Asset, link.host_id)
            old_name = (old_host.name or old_host.hostname) if old_host else str(link.host_id)
            events.append(("asset", link.host_id, "peripheral_removed", f"{label} moved to {host_name}",
                           {"peripheral": [str(asset_id), None]}))  # fmt: skip
            events.append(("asset", asset_id, "moved", f"moved from {old_name} to {host_name}",
                           {"parent_id": [str(link.host_id), str(host.id)]}))  # fmt: skip
            link.host_id, link.linked_at, link.missing_since = host.id, now, None
        else:
            session.add(PeripheralLink(peripheral_id=asset_id, host_id=host.id, linked_at=now))
            parent = str(peripheral.parent_id) if peripheral.parent_id else None
            events.append(
                (
                    "asset",
                    asset_id,
                    "linked",
                    f"connected to {host_name}",
                    {"parent_id": [parent, str(host.id)]},
                )
            )
        peripheral.parent_id = host.id
        peripheral.version += 1
        lines.append(f"{label} connected")
    record_events(session, events)
    grace = timedelta(days=grace_days)
    for asset_id, link in links.items():
        if asset_id in seen or link.host_id != host.id:
            continue
        if link.missing_since is None:
            link.missing_since = now
        elif now - link.missing_since >= grace:
            lines.append(unlink(session, asset_id, host_name))
    return lines


def unlink(session: Session, peripheral_id: uuid.UUID, host_name: str) -> str:
    """Unlink a peripheral from its host (missing past the grace period); the line for the host's history."""
    peripheral = session.get(Asset, peripheral_id)
    session.execute(delete(PeripheralLink).where(PeripheralLink.peripheral_id == peripheral_id))
    label = f"{peripheral.kind.replace('_', ' ')} {peripheral.name or ''} ({peripheral.serial})".replace(
        "  ", " "
    )
    if peripheral.parent_id is not None:
        record_change(
            session,
            "asset",
            peripheral_id,
            "unlinked",
            summary=f"no longer seen on {host_name}",
            changes={"parent_id": [str(peripheral.parent_id), None]},
        )
        peripheral.parent_id = None
        peripheral.version += 1
    return f"{label} disconnected"
