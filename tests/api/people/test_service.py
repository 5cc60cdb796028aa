import pytest

from inventory_api.errors import Conflict
from inventory_api.people import service as people
from tests.api.locations.helpers import make_person, make_site


def test_prefix_search_by_name_and_email(session):
    site = make_site(session)
    ada = make_person(session, site, "Ada Lovelace", email="Ada.L@Example.org")
    make_person(session, site, "Alan Turing", email="alan@example.org")
    assert ada.email == "ada.l@example.org"
    assert people.people_ids_by_prefix(session, "ADA") == [ada.id]
    assert people.people_ids_by_prefix(session, "ada.l@") == [ada.id]
    assert len(people.people_ids_by_prefix(session, "a")) == 2
    assert people.people_ids_by_prefix(session, "%") == []


def test_employee_id_is_unique_among_live_people(session):
    site = make_site(session)
    first = make_person(session, site, "A", employee_id="E1")
    with pytest.raises(Conflict) as err:
        make_person(session, site, "B", employee_id="E1")
    assert err.value.code == "employee_id_taken"
    people.delete_person(session, first)
    assert make_person(session, site, "B", employee_id="E1").employee_id == "E1"


def test_a_person_with_assets_cannot_be_deleted(session):
    from inventory_api.assets import service as assets

    site = make_site(session)
    person = make_person(session, site)
    assets.create_asset(session, {"kind": "laptop", "site_id": site.id, "assigned_person_id": person.id})
    with pytest.raises(Conflict) as err:
        people.delete_person(session, person)
    assert err.value.code == "person_in_use"
