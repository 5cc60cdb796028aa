"""A machine typed in or imported by the support desk before its collector came: matched by its serial."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import event, func, select

from collector.report import to_dict
from inventory_api.assets.models import Asset, AssetFlag
from inventory_api.catalog.models import Model
from inventory_api.ingest.models import Collector
from inventory_api.locations.models import Location
from tests.api.ingest.reports import again, enroll, machine, make_secret, make_site, payload, post
from tests.api.ingest.server import serve

SERIAL = "5CG1234XYZ"  # machine()'s: an HP EliteBook 840 G8, chassis Notebook
LOCATIONS = "kind,code,name,parent,time_zone\nsite,HQ,Headquarters,,Europe/Berlin\nbuilding,HQ-M,Main,HQ,\nroom,3-114,3-114,HQ-M,\n"
PEOPLE = "employee_id,name,email,site\nE100,Pat Doe,pat@example.com,HQ\n"
ASSETS = (
    "asset_tag,serial,kind,status,name,site,location,manufacturer,model,assigned_to,purchase_date,warranty_end,"
    "cost,currency,supplier\n"
    "PC-0042,5cg1234xyz,desktop,deployed,Pat's laptop,HQ,3-114,Hewlett-Packard,EliteBook 840 G8 (32 GB),E100,"
    "2025-03-01,2028-02-28,1299.00,EUR,Bechtle\n"
)


def upload(client, headers, kind, body):
    answer = client.post(
        f"/api/v1/imports?kind={kind}", content=body, headers={**headers, "Content-Type": "text/csv"}
    )
    assert answer.status_code == 202, answer.text
    job = client.get(f"/api/v1/imports/{answer.json()['id']}", headers=headers).json()
    assert job["status"] == "succeeded" and job["error_count"] == 0, job["errors"]
    return job


def register(client, admin, site, **fields):
    """An asset typed in by hand through the API."""
    body = {"kind": "laptop", "site_id": str(site), "manufacturer": "HP", "serial": SERIAL, **fields}
    answer = client.post("/api/v1/assets", json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    return uuid.UUID(answer.json()["id"])


def report_first(client, secret, report):
    """Enroll and send the first full report; (node key, asset id)."""
    enrolled = enroll(client, secret, report)
    answer = post(client, enrolled["node_key"], payload(report))
    assert answer.status_code == 200, answer.text
    return enrolled["node_key"], uuid.UUID(enrolled["asset_id"])


def computers(db):
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(Asset).where(Asset.kind.in_(("desktop", "laptop"))))


def flags(db, asset_id):
    with db.sessions() as s:
        return {f.kind: f.detail for f in s.scalars(select(AssetFlag).where(AssetFlag.asset_id == asset_id))}


def history(client, admin, asset_id):
    return client.get(f"/api/v1/assets/{asset_id}/history", headers=admin).json()["items"]


def test_an_imported_asset_is_the_machine_its_collector_enrolls(client, db, admin):
    for kind, body in (("locations", LOCATIONS), ("people", PEOPLE), ("assets", ASSETS)):
        upload(client, admin, kind, body)
    with db.sessions() as s:
        hq = s.scalar(select(Location.id).where(Location.code == "HQ"))
        imported_id = s.scalar(select(Asset.id).where(Asset.asset_tag == "PC-0042"))
    imported = client.get(f"/api/v1/assets/{imported_id}", headers=admin).json()
    secret = make_secret(db, hq)

    report = machine()  # "HP" in SMBIOS, imported as "Hewlett-Packard": one maker in the catalog
    key, asset_id = report_first(client, secret, report)
    assert str(asset_id) == imported["id"]
    assert computers(db) == 1
    assert flags(db, asset_id) == {}
    after = client.get(f"/api/v1/assets/{asset_id}", headers=admin).json()
    kept = ("asset_tag", "serial", "name", "site_id", "location_id", "assigned_person_id", "purchase_date",
            "warranty_end", "cost", "currency", "supplier", "manufacturer_id", "model_id")  # fmt: skip
    assert {f: after[f] for f in kept} == {f: imported[f] for f in kept}
    with db.sessions() as s:
        assert (
            s.get(Model, uuid.UUID(after["model_id"])).name == "EliteBook 840 G8 (32 GB)"
        )  # the hand-set model
    assert after["kind"] == "laptop"  # the chassis corrects a machine kind, as on any first report
    assert after["hostname"] == "pc-001" and after["last_seen"] is not None
    inventory = client.get(f"/api/v1/assets/{asset_id}/inventory", headers=admin).json()
    assert (
        inventory["system"] and inventory["memory_modules"] and inventory["interfaces"] and inventory["disks"]
    )

    enrolled = [e for e in history(client, admin, asset_id) if e["action"] == "enrolled"]
    assert [e["changes"]["matched_by"] for e in enrolled] == [[None, "registered_serial"]]
    assert enrolled[0]["summary"] == "collector enrolled; matched by serial of a registered asset"
    with db.sessions() as s:
        assert s.scalar(select(Collector.matched_by)) == "registered_serial"

    # The report's identifiers are the asset's now: the next enrollment matches by hardware, like any machine.
    assert post(client, key, payload(again(report))).json()["status"] == "applied"
    reinstalled = enroll(client, secret, again(report, seconds=2))
    assert reinstalled["asset_id"] == str(asset_id)
    matched = [
        e["changes"]["matched_by"][1] for e in history(client, admin, asset_id) if e["action"] == "enrolled"
    ]
    assert matched == ["registered_serial", "hardware"]


def test_a_registered_asset_without_a_maker_is_matched_and_linked(client, db, site, secret, admin):
    registered = register(client, admin, site, manufacturer=None, kind="desktop")
    _, asset_id = report_first(client, secret, machine())
    assert asset_id == registered and computers(db) == 1
    after = client.get(f"/api/v1/assets/{asset_id}", headers=admin).json()
    assert after["manufacturer_id"] is not None and after["model_id"] is not None  # filled from the report


@pytest.mark.parametrize("serial", ["To Be Filled By O.E.M.", "Default string", "0123456789", "00000000"])
def test_a_junk_serial_matches_no_registered_asset(client, db, site, secret, admin, serial):
    registered = register(client, admin, site, serial=serial)
    _, asset_id = report_first(client, secret, machine(serial=serial))
    assert asset_id != registered
    assert computers(db) == 2


def test_the_same_serial_of_another_maker_is_another_machine(client, db, site, secret, admin):
    registered = register(client, admin, site, manufacturer="Lenovo")
    _, asset_id = report_first(client, secret, machine())
    assert asset_id != registered and computers(db) == 2
    assert flags(db, asset_id) == {}  # serials are unique per maker: nothing to merge


def test_a_registered_asset_of_another_kind_is_not_a_machine(client, db, site, secret, admin):
    registered = register(client, admin, site, kind="monitor")
    _, asset_id = report_first(client, secret, machine())
    assert asset_id != registered and computers(db) == 1


def test_a_registered_asset_bound_to_another_machines_uuid_is_not_matched(client, db, site, secret, admin):
    registered = register(client, admin, site)
    other = {"kind": "smbios_uuid", "value": "11111111-2222-4333-8444-555555555555"}
    assert (
        client.post(f"/api/v1/assets/{registered}/identifiers", json=other, headers=admin).status_code == 201
    )
    _, asset_id = report_first(client, secret, machine())
    assert asset_id != registered and computers(db) == 2
    with db.sessions() as s:  # flagged as before this rule: maker and serial are unique together
        assert s.get(Asset, asset_id).manufacturer_id is None
    assert flags(db, asset_id)["duplicate_identifier"] == {
        "identifiers": [["serial", SERIAL, str(registered)]]
    }


def test_a_second_machine_with_a_bound_assets_serial_is_a_new_flagged_asset(client, db, site, secret, admin):
    registered = register(client, admin, site)
    _, first = report_first(client, secret, machine())
    assert first == registered
    clone = machine(hostname="pc-002", uuid_="4c4c4544-0042-3510-8052-b4c04f4b4c32", machine_id="ab" * 16,
                    macs=("3c:52:82:11:22:34",))  # fmt: skip
    _, second = report_first(client, secret, clone)
    assert second != registered and computers(db) == 2
    assert flags(db, second)["duplicate_identifier"] == {
        "identifiers": [["serial", f"hp:{SERIAL}", str(registered)]]
    }


def test_a_deleted_registered_asset_is_not_brought_back(client, db, site, secret, admin):
    registered = register(client, admin, site, asset_tag="PC-0001")
    assert client.delete(f"/api/v1/assets/{registered}", headers=admin).status_code == 204
    _, asset_id = report_first(client, secret, machine())
    # As any deleted machine that reports: the report lands on it, it stays deleted, a technician decides.
    assert asset_id == registered and computers(db) == 1
    with db.sessions() as s:
        assert s.get(Asset, registered).deleted_at is not None
    assert flags(db, registered)["reported_while_retired"] == {"status": "in_stock", "deleted": True}


def test_a_live_registered_asset_wins_over_a_deleted_one(client, db, site, secret, admin):
    deleted = register(client, admin, site)
    assert client.delete(f"/api/v1/assets/{deleted}", headers=admin).status_code == 204
    live = register(client, admin, site)
    _, asset_id = report_first(client, secret, machine())
    assert asset_id == live and flags(db, live) == {}


def test_a_retired_registered_asset_is_matched_and_flagged(client, db, site, secret, admin):
    registered = register(client, admin, site, status="retired")
    _, asset_id = report_first(client, secret, machine())
    assert asset_id == registered
    with db.sessions() as s:
        assert s.get(Asset, registered).status == "retired"
    assert "reported_while_retired" in flags(db, registered)


def test_two_registered_assets_with_the_serial_match_neither(client, db, site, secret, admin):
    with_maker = register(client, admin, site)
    without = register(client, admin, site, manufacturer=None)
    _, asset_id = report_first(client, secret, machine())
    assert asset_id not in (with_maker, without) and computers(db) == 3
    assert "duplicate_identifier" in flags(db, asset_id)


def test_a_typed_in_pc_of_that_name_but_another_serial_is_not_matched_by_name(
    client, db, site, secret, admin
):
    registered = register(client, admin, site, hostname="pc-001", serial="OTHER123")
    _, asset_id = report_first(client, secret, machine())
    assert asset_id != registered and computers(db) == 2
    named = register(client, admin, site, hostname="pc-002", serial=None)
    _, asset_id = report_first(client, secret, machine(hostname="pc-002", serial="NEW123", uuid_=None,
                                                       machine_id="cd" * 16, macs=()))  # fmt: skip
    assert asset_id == named  # no serial typed in: the name still matches


def test_a_known_machine_reenrolling_looks_for_no_registered_serial(client, db, secret):
    report = machine()
    enroll(client, secret, report)
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        enroll(client, secret, again(report))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert statements and not [s for s in statements if "assets.serial_key =" in s]


RACERS = 6


def race(db, tmp_path, reports, site=None):
    """Enroll each report at the same moment, each with an enroll secret of its own (one secret's use counter
    would queue them) of `site` (a new one by default); the answers."""
    site = site or make_site(db)
    secrets = [make_secret(db, site, name=f"s{i}") for i in range(len(reports))]
    with serve(db.url, log=tmp_path / "server.log", INVENTORY_ENROLL_RATE_PER_MINUTE="100000",
               INVENTORY_REPORT_MIN_INTERVAL_SECONDS="0") as url, httpx.Client(base_url=url, timeout=60) as http:  # fmt: skip

        def send(pair):
            secret, report = pair
            body = {"secret": secret, "identity": to_dict(report.identity), "collector_version": "1.0.0"}
            return http.post("/api/v1/collectors/enroll", json=body)

        with ThreadPoolExecutor(len(reports)) as pool:
            return site, list(pool.map(send, zip(secrets, reports, strict=True)))


def registered_in(db, site):
    with db.transaction() as s:
        asset = Asset(kind="laptop", status="deployed", serial=SERIAL, serial_key=SERIAL, site_id=site)
        s.add(asset)
        s.flush()
        return asset.id


def test_one_machine_racing_for_its_registered_asset_binds_one_collector(db, tmp_path):
    site = make_site(db)
    registered = registered_in(db, site)
    _, answers = race(db, tmp_path, [machine() for _ in range(RACERS)], site)
    assert [a.status_code for a in answers] == [201] * RACERS, [a.text for a in answers]
    assert {a.json()["asset_id"] for a in answers} == {str(registered)}
    with db.sessions() as s:
        live = s.scalars(select(Collector.asset_id).where(Collector.revoked_at.is_(None))).all()
        assert live == [registered]
        assert s.scalar(select(func.count()).select_from(Asset)) == 1


def test_machines_sharing_a_serial_racing_for_a_registered_asset_bind_one(db, tmp_path):
    site = make_site(db)
    registered = registered_in(db, site)
    reports = [machine(hostname=f"pc-{i}", uuid_=f"4c4c4544-0000-4000-8000-{i:012d}", machine_id=f"{i + 1:032x}",
                       macs=(f"3c:52:82:00:00:{i:02x}",)) for i in range(RACERS)]  # fmt: skip
    _, answers = race(db, tmp_path, reports, site)
    assert [a.status_code for a in answers] == [201] * RACERS, [a.text for a in answers]
    owners = [a.json()["asset_id"] for a in answers]
    assert owners.count(str(registered)) == 1 and len(set(owners)) == RACERS
    with db.sessions() as s:
        bound = s.scalars(select(Collector.asset_id).where(Collector.asset_id == registered)).all()
        assert len(bound) == 1
        flagged = set(s.scalars(select(AssetFlag.asset_id).where(AssetFlag.kind == "duplicate_identifier")))
    assert flagged == {uuid.UUID(o) for o in owners} - {registered}
