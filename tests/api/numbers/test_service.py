from datetime import timedelta

import pytest

from inventory_api.db import utcnow
from inventory_api.errors import Conflict, Unprocessable
from inventory_api.numbers import service as numbers
from inventory_api.numbers.models import NumberRecord
from inventory_api.services import service as services
from tests.api.cabling.world import build_world


def _pool(session, world, kind="extension", first="4000", last="4009"):
    return numbers.create_pool(session, {"name": f"{kind} {first}", "kind": kind, "site_id": world.site.id,
                                         "first": first, "last": last})  # fmt: skip


def test_allocate_reserve_release_in_order(session):
    world = build_world(session)
    pool = _pool(session, world)
    assert numbers.free_numbers(session, pool, limit=3) == ["4000", "4001", "4002"]
    assert numbers.allocate_next(session, pool).number == "4000"
    assert numbers.reserve(session, pool, "4001", note="CEO").state == "reserved"
    assert numbers.allocate_next(session, pool).number == "4002"
    with pytest.raises(Conflict) as exc:
        numbers.reserve(session, pool, "4002")
    assert exc.value.code == "number_taken"
    with pytest.raises(Unprocessable):
        numbers.reserve(session, pool, "5000")
    numbers.release(session, pool, "4000")
    session.flush()
    assert numbers.allocate_next(session, pool).number == "4000"


def test_did_pool_and_overlap(session):
    world = build_world(session)
    pool = _pool(session, world, "did", "+15551230100", "+15551230199")
    assert numbers.allocate_next(session, pool).number == "+15551230100"
    with pytest.raises(Conflict) as exc:
        _pool(session, world, "did", "+15551230150", "+15551230250")
    assert exc.value.code == "pool_overlap"
    with pytest.raises(Unprocessable):
        _pool(session, world, "extension", "4009", "4000")


def test_exhausted_pool_is_409(session):
    world = build_world(session)
    pool = _pool(session, world, first="4000", last="4001")
    numbers.allocate_next(session, pool)
    numbers.allocate_next(session, pool)
    with pytest.raises(Conflict) as exc:
        numbers.allocate_next(session, pool)
    assert exc.value.code == "pool_exhausted"


def test_a_disconnected_number_rests_in_quarantine_then_comes_back(session):
    world = build_world(session)
    pool = _pool(session, world, first="4000", last="4001")
    allocated = numbers.allocate_next(session, pool)
    ext = services.create_service(session, {"type": "extension", "person_id": world.pat.id,
                                            "details": {"number": allocated.number}})  # fmt: skip
    session.refresh(allocated)
    assert allocated.state == "assigned" and allocated.service_id == ext.id
    services.update_service(session, ext, {"status": "disconnected"}, quarantine_days=90)
    assert numbers.free_numbers(session, pool) == ["4001"]
    with pytest.raises(Conflict) as exc:
        numbers.reserve(session, pool, "4000")
    assert exc.value.code == "number_quarantined"
    assert numbers.allocate_next(session, pool).number == "4001"
    record = session.query(NumberRecord).filter_by(number="4000").one()
    record.quarantine_until = utcnow() - timedelta(seconds=1)  # the quarantine is over
    session.flush()
    again = numbers.allocate_next(session, pool)
    assert again.number == "4000" and again.state == "allocated" and again.service_id is None
