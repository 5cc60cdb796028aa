import pytest

from inventory_api.errors import Conflict, NotFound, Unprocessable
from inventory_api.locations import service as locations
from tests.api.locations.helpers import make_person, make_place, make_site


def test_a_site_is_its_own_site_and_children_inherit_it(session):
    site = make_site(session)
    building = make_place(session, site, "B1", "building")
    room = make_place(session, building, "101")
    assert site.site_id == site.id
    assert room.site_id == site.id
    assert [loc.name for loc in locations.breadcrumb(session, room)] == ["Lyon", "B1", "101"]
    assert locations.site_of_location(session, room.id).id == site.id


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "UTC+2"])
def test_a_site_needs_a_real_iana_zone(session, zone):
    with pytest.raises(Unprocessable):
        make_site(session, time_zone=zone)


def test_only_a_site_is_a_root(session):
    with pytest.raises(Unprocessable) as err:
        locations.create_location(session, {"kind": "room", "name": "x"})
    assert err.value.code == "parent_required"


def test_moving_a_location_moves_its_subtree_and_what_is_in_it(session):
    from inventory_api.assets import service as assets

    lyon, paris = make_site(session, "Lyon"), make_site(session, "Paris")
    building = make_place(session, lyon, "B1", "building")
    room = make_place(session, building, "101")
    person = make_person(session, lyon, location_id=room.id)
    asset = assets.create_asset(session, {"kind": "desktop", "location_id": room.id})
    locations.update_location(session, building, {"parent_id": paris.id})
    session.flush()
    assert building.site_id == paris.id
    assert room.site_id == paris.id
    assert person.site_id == paris.id
    assert asset.site_id == paris.id


def test_cannot_move_under_itself(session):
    site = make_site(session)
    building = make_place(session, site, "B1", "building")
    room = make_place(session, building, "101")
    with pytest.raises(Unprocessable) as err:
        locations.update_location(session, building, {"parent_id": room.id})
    assert err.value.code == "location_cycle"


def test_delete_is_refused_while_in_use(session):
    site = make_site(session)
    room = make_place(session, site, "101")
    make_person(session, site, location_id=room.id)
    with pytest.raises(Conflict) as err:
        locations.delete_location(session, room)
    assert err.value.code == "location_in_use"
    assert err.value.extra["people"] == 1
    empty = make_place(session, site, "102")
    locations.delete_location(session, empty)
    with pytest.raises(NotFound):
        locations.require_location(session, empty.id)
