from decimal import Decimal

import pytest
from sqlalchemy import select

from inventory_api.assets import custom_fields, flags
from inventory_api.assets import service as assets
from inventory_api.assets.models import Asset, AssetIdentifier
from inventory_api.assets.queries import AssetFilters, assets_query
from inventory_api.errors import Conflict, NotFound, Unprocessable
from inventory_api.events.models import OutboxEvent
from inventory_api.history.models import ChangeEvent
from inventory_api.inventory.models import IpAddress
from tests.api.locations.helpers import make_person, make_site


@pytest.fixture
def site(session):
    return make_site(session)


def make(session, site, **values):
    return assets.create_asset(session, {"kind": "laptop", "site_id": site.id, **values})


def test_create_normalises_and_records(session, site):
    asset = make(session, site, serial=" 5cg 123 ", hostname="PC-1.corp.example", manufacturer="Dell Inc.")
    assert asset.serial_key == "5CG123"
    assert asset.hostname_key == "pc-1"
    event = session.scalar(select(ChangeEvent).where(ChangeEvent.subject_id == asset.id))
    assert event.action == "created"
    assert event.changes["serial"] == [None, " 5cg 123 "]
    assert "serial_key" not in event.changes
    assert (
        session.scalar(select(OutboxEvent.event_type).where(OutboxEvent.subject_id == asset.id))
        == "asset.created"
    )


def test_model_implies_its_manufacturer(session, site):
    from inventory_api.catalog import service as catalog

    dell = catalog.normalise_manufacturer(session, "Dell")
    hp = catalog.normalise_manufacturer(session, "HP")
    model = catalog.create_model(session, {"manufacturer_id": dell.id, "name": "Latitude 5440"})
    assert make(session, site, model_id=model.id).manufacturer_id == dell.id
    with pytest.raises(Unprocessable) as err:
        make(session, site, model_id=model.id, manufacturer_id=hp.id)
    assert err.value.code == "model_manufacturer_mismatch"


def test_tag_and_serial_are_unique_among_live_assets(session, site):
    first = make(session, site, asset_tag="T-1", serial="S1", manufacturer="Dell")
    with pytest.raises(Conflict) as err:
        make(session, site, asset_tag="T-1")
    assert err.value.code == "asset_tag_taken"
    with pytest.raises(Conflict) as err:
        make(session, site, serial="s1", manufacturer="DELL INC.")
    assert err.value.code == "serial_taken"
    make(session, site, serial="S1", manufacturer="Lenovo")  # another maker: fine
    assets.delete_asset(session, first)
    assert make(session, site, asset_tag="T-1", serial="S1", manufacturer="Dell").asset_tag == "T-1"


def test_status_lifecycle(session, site):
    asset = make(session, site, status="in_stock")
    assets.update_asset(session, asset, {"status": "deployed"})
    assets.update_asset(session, asset, {"status": "retired"})
    with pytest.raises(Conflict) as err:
        assets.update_asset(session, asset, {"status": "deployed"})
    assert err.value.code == "invalid_transition"
    assert err.value.extra["allowed"] == ["in_stock", "disposed"]
    types = list(session.scalars(select(OutboxEvent.event_type).order_by(OutboxEvent.id)))
    assert types == ["asset.created", "asset.changed", "asset.retired"]


def test_update_records_old_and_new_and_bumps_version(session, site):
    asset = make(session, site, name="old")
    assets.update_asset(session, asset, {"name": "new", "notes": None})
    assert asset.version == 2
    last = session.scalars(select(ChangeEvent).order_by(ChangeEvent.id.desc())).first()
    assert last.changes == {"name": ["old", "new"]}
    assets.update_asset(session, asset, {"name": "new"})
    assert asset.version == 2  # nothing changed, nothing recorded


def test_cost_needs_currency(session, site):
    with pytest.raises(Unprocessable) as err:
        make(session, site, cost=Decimal("10.00"))
    assert err.value.code == "currency_required"


def test_parent_cannot_be_a_cycle(session, site):
    desktop = make(session, site, kind="desktop")
    monitor = make(session, site, kind="monitor", parent_id=desktop.id)
    with pytest.raises(Unprocessable) as err:
        assets.update_asset(session, desktop, {"parent_id": monitor.id})
    assert err.value.code == "parent_cycle"


def test_custom_fields_are_validated_and_filterable(session, site):
    custom_fields.create_field(
        session, {"kind": "laptop", "name": "cost_centre", "type": "text", "required": True}
    )
    custom_fields.create_field(session, {"kind": "laptop", "name": "ram_gb", "type": "number"})
    custom_fields.create_field(session, {"kind": "laptop", "name": "encrypted", "type": "bool"})
    custom_fields.create_field(
        session, {"kind": "laptop", "name": "tier", "type": "choice", "choices": ["a", "b"]}
    )
    with pytest.raises(Unprocessable) as err:
        make(session, site)
    assert err.value.extra["field"] == "custom_fields.cost_centre"
    with pytest.raises(Unprocessable) as err:
        make(session, site, custom_fields={"cost_centre": "x", "tier": "c"})
    assert err.value.code == "invalid_custom_field"
    with pytest.raises(Unprocessable) as err:
        make(session, site, custom_fields={"cost_centre": "x", "colour": "red"})
    assert err.value.code == "unknown_custom_field"
    one = make(
        session, site, custom_fields={"cost_centre": "CC1", "ram_gb": 16, "encrypted": True, "tier": "a"}
    )
    make(session, site, custom_fields={"cost_centre": "CC2", "ram_gb": 8, "encrypted": False})
    session.flush()

    def ids(**params):
        return [a.id for a in session.scalars(assets_query(session, None, AssetFilters(), params).bound())]

    assert ids(cf_cost_centre="CC1") == [one.id]
    assert ids(cf_ram_gb="16") == [one.id]
    assert ids(cf_encrypted="true") == [one.id]
    assert ids(cf_tier="a") == [one.id]
    assets.update_asset(session, one, {"custom_fields": {"tier": None}})
    assert one.custom_fields == {"cost_centre": "CC1", "ram_gb": 16, "encrypted": True}


def test_search_finds_by_every_identity(session, site):
    person = make_person(session, site, "Grace Hopper", email="grace@example.org")
    asset = make(
        session,
        site,
        asset_tag="INV-7",
        serial="ABC123",
        hostname="pc-7.corp.example",
        assigned_person_id=person.id,
    )
    make(session, site, asset_tag="INV-8", serial="OTHER")
    assets.add_identifier(session, asset, "mac", "AA-BB-CC-DD-EE-01")
    session.add(IpAddress(asset_id=asset.id, key="eth0/10.1.2.3", address="10.1.2.3"))
    session.add(IpAddress(asset_id=asset.id, key="eth0/fe80::1", address="fe80::1"))
    session.flush()

    def found(q):
        return [a.id for a in session.scalars(assets_query(session, None, AssetFilters(q=q)).bound())]

    for q in [
        "INV-7",
        "abc 123",
        "PC-7",
        "pc-7.corp.example",
        "aabb.ccdd.ee01",
        "aa:bb:cc:dd:ee:01",
        "grace",
        "GRACE@",
    ]:
        assert found(q) == [asset.id], q
    assert found("nobody") == []


def test_soft_delete_keeps_identifiers_as_tombstones_and_purge_removes(session, site):
    asset = make(session, site)
    assets.add_identifier(session, asset, "mac", "aa:bb:cc:dd:ee:02")
    assets.delete_asset(session, asset)
    with pytest.raises(NotFound):
        assets.require_asset(session, asset.id)
    other = make(session, site)
    with pytest.raises(Conflict) as err:
        assets.add_identifier(session, other, "mac", "AABBCCDDEE02")
    assert err.value.code == "identifier_taken"
    assets.purge_asset(session, asset)
    assert session.get(Asset, asset.id) is None
    assert session.scalars(select(AssetIdentifier)).all() == []


def test_flags_open_once_and_resolve(session, site):
    asset = make(session, site)
    flag = flags.raise_flag(session, asset, "possible_clone", {"other": "x"})
    assert flags.raise_flag(session, asset, "possible_clone").id == flag.id
    flags.resolve_flag(session, flag, "checked")
    assert flag.resolved_by == "system"
    with pytest.raises(Conflict):
        flags.resolve_flag(session, flag)
    assert flags.raise_flag(session, asset, "possible_clone").id != flag.id
