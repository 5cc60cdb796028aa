"""An enroll secret is trusted no further than its site and its evidence: no takeover of another machine (#12)."""

import uuid

import pytest
from sqlalchemy import select

from inventory_api.assets.models import Asset, AssetFlag, AssetIdentifier
from inventory_api.ingest.models import Collector
from tests.api.ingest.reports import again, enroll, machine, make_secret, make_site, payload, post

VICTIM = {"hostname": "ceo-laptop", "macs": ("3c:52:82:aa:bb:cc",)}
NO_STRONG = {"uuid_": None, "serial": None, "machine_id": None}


def identifiers(db, asset_id):
    with db.sessions() as s:
        stmt = select(AssetIdentifier.kind, AssetIdentifier.value).where(AssetIdentifier.asset_id == asset_id)
        return sorted(s.execute(stmt).all())


def flags(db, asset_id):
    with db.sessions() as s:
        return sorted(s.scalars(select(AssetFlag.kind).where(AssetFlag.asset_id == asset_id)))


@pytest.fixture
def victim(client, db):
    """A laptop of site B that enrolled and reported: it has a live collector and strong identifiers."""
    site_b = make_site(db, "B")
    report = machine(**VICTIM)
    enrolled = enroll(client, make_secret(db, site_b), report)
    assert post(client, enrolled["node_key"], payload(report)).status_code in (200, 202)
    asset_id = uuid.UUID(enrolled["asset_id"])
    return {"site": site_b, "report": report, "key": enrolled["node_key"], "asset": asset_id,
            "ids": identifiers(db, asset_id)}  # fmt: skip


ATTACKS = {
    "mac only": machine(hostname="attacker", macs=VICTIM["macs"], **NO_STRONG),
    "hostname only": machine(hostname=VICTIM["hostname"], macs=(), **NO_STRONG),
    "the whole identity": machine(**VICTIM),
}


# The same hardware re-enrolling at its own site is a reinstall: the next test.
@pytest.mark.parametrize(
    ("attack", "secret_of"),
    [(attack, "another site") for attack in ATTACKS]
    + [("mac only", "the same site"), ("hostname only", "the same site")],
)
def test_an_enrollment_never_takes_over_another_machine(client, db, victim, attack, secret_of):
    site = make_site(db, "A") if secret_of == "another site" else victim["site"]
    attacker = enroll(client, make_secret(db, site, name="stolen"), ATTACKS[attack])

    assert uuid.UUID(attacker["asset_id"]) != victim["asset"]
    with db.sessions() as s:
        assert s.get(Asset, uuid.UUID(attacker["asset_id"])).site_id == site
        victim_asset = s.get(Asset, victim["asset"])
        assert victim_asset.site_id == victim["site"] and victim_asset.hostname == VICTIM["hostname"]
    # The victim's key still works, its identifiers are intact, nothing is flagged on it.
    assert post(client, victim["key"], payload(again(victim["report"]))).status_code in (200, 202)
    assert identifiers(db, victim["asset"]) == victim["ids"]
    assert flags(db, victim["asset"]) == []
    # The attacker's own report lands on its own asset only.
    assert post(client, attacker["node_key"], payload(ATTACKS[attack])).status_code in (200, 202)
    assert identifiers(db, victim["asset"]) == victim["ids"]


def test_a_reinstall_at_its_own_site_still_binds_to_its_asset(client, db, victim):
    again_enrolled = enroll(client, make_secret(db, victim["site"], name="reinstall"), machine(**VICTIM))
    assert uuid.UUID(again_enrolled["asset_id"]) == victim["asset"]
    with db.sessions() as s:
        live = s.scalars(select(Collector.prefix).where(Collector.asset_id == victim["asset"],
                                                        Collector.revoked_at.is_(None))).all()  # fmt: skip
    assert live == [again_enrolled["node_key"][:10]]
    assert flags(db, victim["asset"]) == ["possible_clone"]  # the old key reported recently: a person looks
