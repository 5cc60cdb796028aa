"""Which asset a machine is: each rule, and the cases that make duplicates or wrong merges elsewhere."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from collector import report as r
from inventory_api.assets.models import Asset, AssetFlag
from inventory_api.db import utcnow
from inventory_api.history.models import ChangeEvent
from inventory_api.ingest.matching import Ids, identity_conflict, physical_mac, report_ids, rule_allows
from inventory_api.ingest.models import Collector
from tests.api.ingest.reports import again, enroll, machine, make_secret, make_site, payload, post


@pytest.fixture
def secret(db):
    return make_secret(db, make_site(db))


def assets(db):
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(Asset))


def silence(db, asset_id):
    """The asset's collectors were last heard from a month ago: no longer live."""
    with db.transaction() as s:
        for collector in s.scalars(select(Collector).where(Collector.asset_id == uuid.UUID(asset_id))):
            collector.enrolled_at = collector.last_contact_at = utcnow() - timedelta(days=30)


def flags(db, asset_id):
    with db.sessions() as s:
        return sorted(s.scalars(select(AssetFlag.kind).where(AssetFlag.asset_id == uuid.UUID(asset_id))))


def matched_by(db, asset_id):
    with db.sessions() as s:
        stmt = select(ChangeEvent.changes).where(
            ChangeEvent.subject_id == uuid.UUID(asset_id), ChangeEvent.action.in_(("enrolled", "created"))
        )
        return [c["matched_by"][1] for c in s.scalars(stmt.order_by(ChangeEvent.id))]


@pytest.mark.parametrize(
    ("mac", "kept"),
    [
        ("3C:52:82:11:22:33", "3c:52:82:11:22:33"),
        ("02:42:ac:11:00:02", None),  # docker: locally administered
        ("da:a1:19:00:00:01", None),  # randomised Wi-Fi MAC: locally administered
        ("00:50:56:01:02:03", None),  # VMware
        ("08:00:27:aa:bb:cc", None),  # VirtualBox
        ("00:15:5d:00:00:01", None),  # Hyper-V
        ("01:00:5e:00:00:01", None),  # multicast
        ("00:00:00:00:00:00", None),
        ("not a mac", None),
    ],
)
def test_only_physical_macs_identify(mac, kept):
    assert physical_mac(mac) == kept


def test_junk_identifiers_are_ignored():
    ids = report_ids(
        r.Identity(
            system_uuid="00000000-0000-0000-0000-000000000000",
            serial="To Be Filled By O.E.M.",
            machine_id="0" * 32,
        )
    )
    assert ids.pairs() == []


def test_weaker_rule_never_matches_when_a_stronger_identifier_differs():
    stored = Ids(system_uuid="u1", machine_id="m1", macs={"3c:52:82:00:00:01"})
    assert rule_allows("hardware", Ids(system_uuid="u1"), stored)
    assert not rule_allows("machine_id", Ids(system_uuid="u2", machine_id="m1"), stored)
    assert not rule_allows("mac", Ids(machine_id="m2", macs={"3c:52:82:00:00:01"}), stored)
    assert rule_allows("mac", Ids(macs={"3c:52:82:00:00:01"}), stored)
    assert not rule_allows("hostname", Ids(macs={"3c:52:82:00:00:09"}), stored)
    assert rule_allows("hostname", Ids(), stored)
    # same UUID (a vendor's batch of boards with one UUID) but other serial: another machine
    assert not rule_allows(
        "hardware", Ids(system_uuid="u1", serial="hp:B"), Ids(system_uuid="u1", serial="hp:A")
    )


def test_identity_conflict_rules():
    stored = Ids(system_uuid="u1", serial="hp:A", machine_id="m1", macs={"3c:52:82:00:00:01"})
    assert not identity_conflict(Ids(system_uuid="u1", machine_id="m2", macs={"3c:52:82:00:00:02"}), stored)
    assert identity_conflict(Ids(system_uuid="u2", machine_id="m1"), stored)
    unprivileged = Ids(machine_id="m1", macs={"3c:52:82:00:00:01"})
    assert not identity_conflict(Ids(machine_id="m1", macs={"3c:52:82:00:00:01"}), unprivileged)
    assert identity_conflict(Ids(machine_id="m1", macs={"3c:52:82:00:00:77"}), unprivileged)


def test_reenrolling_the_same_machine_finds_its_asset_and_revokes_the_old_key(client, db, secret):
    report = machine()
    first = enroll(client, secret, report)
    assert post(client, first["node_key"], payload(report)).status_code == 200
    second = enroll(client, secret, report)  # reinstalled collector
    assert second["asset_id"] == first["asset_id"]
    assert assets(db) == 1
    assert post(client, first["node_key"], payload(again(report))).json()["code"] == "invalid_node_key"
    assert post(client, second["node_key"], payload(again(report, seconds=2))).json()["status"] == "applied"
    assert matched_by(db, first["asset_id"]) == ["new", "hardware"]
    with db.sessions() as s:  # the old key reported just now: a possible clone or takeover
        assert s.scalar(select(AssetFlag.kind)) == "possible_clone"


def test_reimaged_pc_keeps_its_asset(client, db, secret):
    first = enroll(client, secret, machine())
    again_ = enroll(client, secret, machine(machine_id="aa" * 16, hostname="pc-001-new"))
    assert again_["asset_id"] == first["asset_id"]


def test_cloned_images_become_two_assets(client, db, secret):
    a = enroll(
        client,
        secret,
        machine(uuid_="11111111-0000-4000-8000-000000000001", serial="S1", macs=("3c:52:82:00:00:01",)),
    )
    b = enroll(
        client,
        secret,
        machine(uuid_="11111111-0000-4000-8000-000000000002", serial="S2", macs=("3c:52:82:00:00:02",)),
    )
    assert a["asset_id"] != b["asset_id"]
    assert assets(db) == 2
    with db.sessions() as s:  # the second holds a machine id that the first already has
        assert (
            s.scalar(select(AssetFlag.kind).where(AssetFlag.asset_id == uuid.UUID(b["asset_id"])))
            == "duplicate_identifier"
        )


def test_cloned_vms_without_hardware_ids_split_by_mac(client, db, secret):
    a = enroll(client, secret, machine(uuid_=None, serial=None, macs=("3c:52:82:00:00:01",), hostname="vm"))
    b = enroll(client, secret, machine(uuid_=None, serial=None, macs=("3c:52:82:00:00:02",), hostname="vm"))
    assert a["asset_id"] != b["asset_id"]  # one machine id, no SMBIOS ids, other NICs: two clones
    c = enroll(
        client, secret, machine(uuid_=None, serial=None, macs=("3c:52:82:00:00:01",), hostname="vm-renamed")
    )
    assert c["asset_id"] == a["asset_id"]


def test_virtual_macs_never_match(client, db, secret):
    a = enroll(
        client,
        secret,
        machine(uuid_=None, serial=None, machine_id=None, macs=("02:42:ac:11:00:02",), hostname="a"),
    )
    b = enroll(
        client,
        secret,
        machine(uuid_=None, serial=None, machine_id=None, macs=("02:42:ac:11:00:02",), hostname="b"),
    )
    assert a["asset_id"] != b["asset_id"]


def test_physical_mac_matches_when_nothing_stronger(client, db, secret):
    a = enroll(
        client,
        secret,
        machine(uuid_=None, serial=None, machine_id=None, macs=("3c:52:82:00:00:05",), hostname="a"),
    )
    same_mac = machine(
        uuid_=None, serial=None, machine_id=None, macs=("3c:52:82:00:00:05",), hostname="renamed"
    )
    # While a's collector is live, a MAC address alone does not take its asset over: a new asset, flagged.
    other = enroll(client, secret, same_mac)
    assert other["asset_id"] != a["asset_id"] and flags(db, other["asset_id"]) == ["duplicate_identifier"]
    silence(db, a["asset_id"])
    silence(db, other["asset_id"])
    b = enroll(client, secret, same_mac)
    assert a["asset_id"] == b["asset_id"]
    assert matched_by(db, a["asset_id"])[-1] == "mac"


def test_hostname_matches_only_without_stronger_identifiers_and_only_one_candidate(client, db, secret):
    a = enroll(client, secret, machine(uuid_=None, serial=None, machine_id=None, macs=(), hostname="kiosk-1"))
    silence(db, a["asset_id"])
    b = enroll(
        client,
        secret,
        machine(uuid_=None, serial=None, machine_id=None, macs=(), hostname="KIOSK-1.corp.example"),
    )
    assert a["asset_id"] == b["asset_id"]
    silence(db, a["asset_id"])
    c = enroll(
        client,
        secret,
        machine(
            uuid_="22222222-0000-4000-8000-000000000001",
            serial="X9",
            machine_id=None,
            macs=(),
            hostname="kiosk-1",
        ),
    )
    assert c["asset_id"] == a["asset_id"]  # a has no hardware ids: the name may match, and c adds them
    d = enroll(
        client,
        secret,
        machine(
            uuid_="22222222-0000-4000-8000-000000000002",
            serial="X8",
            machine_id=None,
            macs=(),
            hostname="kiosk-1",
        ),
    )
    assert d["asset_id"] != a["asset_id"]  # same name, other hardware: another machine


def test_retired_asset_that_reports_again_is_flagged_not_revived(client, db, secret):
    report = machine()
    enrolled = enroll(client, secret, report)
    post(client, enrolled["node_key"], payload(report))
    with db.transaction() as s:
        s.get(Asset, uuid.UUID(enrolled["asset_id"])).status = "retired"
    again_ = enroll(client, secret, report)
    assert again_["asset_id"] == enrolled["asset_id"]
    assert post(client, again_["node_key"], payload(again(report))).json()["status"] == "applied"
    with db.sessions() as s:
        assert s.get(Asset, uuid.UUID(enrolled["asset_id"])).status == "retired"
        kinds = set(s.scalars(select(AssetFlag.kind)))
    assert "reported_while_retired" in kinds
