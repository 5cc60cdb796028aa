from datetime import date, timedelta

import pytest

from inventory_api.assignments import service as assignments
from inventory_api.catalog.models import Manufacturer, Model
from inventory_api.errors import Conflict, Unprocessable
from tests.api.cabling.world import asset, build_world


def test_check_out_and_in_keeps_the_history(session):
    world = build_world(session)
    laptop = asset(session, "laptop", "lt-1", world.site, status="in_stock")
    out = assignments.check_out(
        session, laptop, person_id=world.pat.id, expected_return=date.today() + timedelta(days=7)
    )
    assert laptop.assigned_person_id == world.pat.id and laptop.status == "deployed"
    with pytest.raises(Conflict) as exc:
        assignments.check_out(session, laptop, location_id=world.room.id)
    assert exc.value.code == "already_checked_out"
    back = assignments.check_in(session, laptop, location_id=world.closet.id)
    assert back.id == out.id and back.checked_in_at is not None
    assert (
        laptop.assigned_person_id is None
        and laptop.status == "in_stock"
        and laptop.location_id == world.closet.id
    )
    with pytest.raises(Conflict) as exc:
        assignments.check_in(session, laptop)
    assert exc.value.code == "not_checked_out"
    assignments.check_out(session, laptop, location_id=world.room.id)
    history = list(session.scalars(assignments.assignments_query(None, asset_id=laptop.id)))
    assert len(history) == 2


def test_bad_check_outs(session):
    world = build_world(session)
    broken = asset(session, "laptop", "lt-2", world.site, status="in_repair")
    with pytest.raises(Conflict) as exc:
        assignments.check_out(session, broken, person_id=world.pat.id)
    assert exc.value.code == "asset_unavailable"
    spare = asset(session, "laptop", "lt-3", world.site, status="in_stock")
    with pytest.raises(Unprocessable):
        assignments.check_out(session, spare, person_id=world.pat.id, location_id=world.room.id)
    with pytest.raises(Unprocessable) as exc:
        assignments.check_out(
            session, spare, person_id=world.pat.id, expected_return=date.today() - timedelta(days=1)
        )
    assert exc.value.code == "return_in_past"


def test_overdue_is_relative_to_today(session):
    world = build_world(session)
    laptop = asset(session, "laptop", "lt-1", world.site, status="in_stock")
    out = assignments.check_out(session, laptop, person_id=world.pat.id, expected_return=date.today())
    assert list(session.scalars(assignments.assignments_query(None, overdue=True))) == []
    later = date.today() + timedelta(days=1)
    assert list(session.scalars(assignments.assignments_query(None, overdue=True, today=later))) == [out]


def test_warranty_and_end_of_life_lists(session):
    world = build_world(session)
    today = date.today()
    soon = asset(session, "laptop", "soon", world.site, warranty_end=today + timedelta(days=10))
    asset(session, "laptop", "later", world.site, warranty_end=today + timedelta(days=400))
    gone = asset(session, "laptop", "gone", world.site, warranty_end=today - timedelta(days=10))
    names = lambda stmt: sorted(a.name for a in session.scalars(stmt))  # noqa: E731
    assert names(assignments.warranty_query(None, days=30)) == [soon.name]
    assert names(assignments.warranty_query(None, days=30, include_expired=True)) == [gone.name, soon.name]
    maker = Manufacturer(name="Cisco", key="cisco")
    session.add(maker)
    session.flush()
    old_model = Model(manufacturer_id=maker.id, name="CP-7945", end_of_life=today + timedelta(days=60))
    session.add(old_model)
    session.flush()
    world.phone.model_id = old_model.id
    session.flush()
    assert names(assignments.end_of_life_query(None, days=90)) == ["phone-4021"]
    assert names(assignments.end_of_life_query(None, days=30)) == []
