import pytest

from inventory_api.catalog import service as catalog
from inventory_api.catalog.normalise import manufacturer_key
from inventory_api.errors import Conflict


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("Dell Inc.", "dell"),
        ("DELL", "dell"),
        ("Dell Computer Corporation", "dell"),
        ("Hewlett-Packard", "hewlett packard"),
        ("ASUSTeK COMPUTER INC.", "asustek"),
        ("LG Electronics Inc.", "lg electronics"),
        ("Microsoft Corporation", "microsoft"),
        ("Siemens AG", "siemens"),
        ("Co", "co"),
    ],
)
def test_manufacturer_key_drops_legal_forms(spelling, key):
    assert manufacturer_key(spelling) == key


@pytest.mark.parametrize(
    ("spellings", "canonical"),
    [
        (["Dell Inc.", "DELL", "Dell Computer Corporation", "dell"], "Dell"),
        (["HP", "Hewlett-Packard", "Hewlett-Packard Company", "HPE", "Hewlett Packard Enterprise"], "HP"),
        (["Polycom", "Poly", "POLYCOM Inc."], "Poly"),
        (["ASUSTeK COMPUTER INC.", "ASUS"], "ASUS"),
        (["QEMU"], "QEMU"),
    ],
)
def test_every_spelling_of_a_known_vendor_is_one_manufacturer(session, spellings, canonical):
    makers = {catalog.normalise_manufacturer(session, s).id for s in spellings}
    assert len(makers) == 1
    assert catalog.find_manufacturer(session, spellings[0]).name == canonical


def test_unknown_vendor_is_created_once_under_its_own_name(session):
    first = catalog.normalise_manufacturer(session, "Acme Widgets GmbH")
    again = catalog.normalise_manufacturer(session, "ACME WIDGETS")
    assert first.id == again.id
    assert first.name == "Acme Widgets GmbH"
    assert first.key == "acme widgets"


def test_seed_is_idempotent(session):
    first = catalog.seed_manufacturers(session)
    second = catalog.seed_manufacturers(session)
    assert [m.id for m in first] == [m.id for m in second]
    assert len(first) == 15


def test_alias_of_another_maker_is_refused(session):
    dell = catalog.normalise_manufacturer(session, "Dell")
    catalog.normalise_manufacturer(session, "Lenovo")
    with pytest.raises(Conflict) as err:
        catalog.add_alias(session, dell, "LENOVO")
    assert err.value.code == "manufacturer_exists"


def test_rename_keeps_the_old_spelling_as_alias(session):
    maker = catalog.create_manufacturer(session, "Fujitsu Siemens", [])
    catalog.update_manufacturer(session, maker, "Fujitsu")
    assert catalog.find_manufacturer(session, "FUJITSU SIEMENS").id == maker.id
    assert maker.version == 2


def test_model_names_are_unique_per_maker(session):
    dell = catalog.normalise_manufacturer(session, "Dell Inc.")
    model = catalog.normalise_model(session, dell, "OptiPlex  7090", kind="desktop")
    assert model.name == "OptiPlex 7090"
    assert catalog.normalise_model(session, dell, "OptiPlex 7090").id == model.id
    with pytest.raises(Conflict) as err:
        catalog.create_model(session, {"manufacturer_id": dell.id, "name": "OptiPlex 7090"})
    assert err.value.code == "model_exists"
