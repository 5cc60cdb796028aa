"""Monitors and docks with a real serial become assets linked to their host; they move with history on both."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from inventory_api.assets.models import Asset
from inventory_api.history.models import ChangeEvent
from inventory_api.inventory.models import Peripheral, PeripheralLink
from tests.api.ingest.reports import again, enroll, machine, make_secret, make_site, payload, post

MONITOR = {
    "manufacturer": "DEL",
    "manufacturer_name": "Dell",
    "model": "DELL U2720Q",
    "serial": "CN0ABC123",
    "connector": "DP-1",
}


def history(db, asset_id):
    with db.sessions() as s:
        stmt = select(ChangeEvent.summary).where(ChangeEvent.subject_id == asset_id).order_by(ChangeEvent.id)
        return list(s.scalars(stmt))


def monitor_asset(db):
    with db.sessions() as s:
        return s.scalar(select(Asset).where(Asset.kind == "monitor"))


def test_monitor_becomes_an_asset_and_moves_between_desktops(client, db):
    secret = make_secret(db, make_site(db))
    a = machine(hostname="desk-a", monitors=[MONITOR])
    b = machine(
        hostname="desk-b",
        uuid_="4c4c4544-0000-4000-8000-00000000000b",
        serial="B1",
        machine_id="b" * 32,
        macs=("3c:52:82:00:00:0b",),
    )
    key_a, key_b = enroll(client, secret, a)["node_key"], enroll(client, secret, b)["node_key"]
    host_a = uuid.UUID(post(client, key_a, payload(a)).json()["asset_id"])
    host_b = uuid.UUID(post(client, key_b, payload(b)).json()["asset_id"])
    monitor = monitor_asset(db)
    assert (monitor.parent_id, monitor.serial, monitor.name) == (host_a, "CN0ABC123", "DELL U2720Q")
    with db.sessions() as s:  # USB stick: a row on its host, not an asset
        assert s.scalar(select(Peripheral.kind).where(Peripheral.asset_id == host_a)) == "storage"
    b2 = again(b)
    b2.peripherals.monitors = [__import__("collector.report", fromlist=["Monitor"]).Monitor(**MONITOR)]
    assert post(client, key_b, payload(b2)).status_code == 200
    monitor = monitor_asset(db)
    assert monitor.parent_id == host_b
    assert "monitor DELL U2720Q (CN0ABC123) moved to desk-b" in history(db, host_a)
    assert "moved from desk-a to desk-b" in history(db, monitor.id)
    assert "monitor DELL U2720Q (CN0ABC123) connected" in history(db, host_b)


def test_missing_monitor_is_unlinked_only_after_the_grace_period(client, db, app):
    secret = make_secret(db, make_site(db))
    a = machine(hostname="desk-a", monitors=[MONITOR])
    key = enroll(client, secret, a)["node_key"]
    ack = post(client, key, payload(a)).json()["acknowledged"]
    off = again(a)
    off.peripherals.monitors = []  # switched off overnight
    ack = post(client, key, payload(off, acknowledged=ack)).json()["acknowledged"]
    assert monitor_asset(db).parent_id is not None
    with db.transaction() as s:  # a week and a day later
        link = s.scalar(select(PeripheralLink))
        link.missing_since = link.missing_since - timedelta(days=8)
    gone = again(off, seconds=2)
    gone.peripherals.usb_devices = []  # the section changes again, so it is applied
    assert post(client, key, payload(gone, acknowledged=ack)).status_code == 200
    assert monitor_asset(db).parent_id is None
