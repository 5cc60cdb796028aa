from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from inventory_api.assets.models import Asset
from inventory_api.errors import Conflict, Unprocessable
from inventory_api.events.models import OutboxEvent
from inventory_api.history.models import ChangeEvent
from inventory_api.workorders import service
from inventory_api.workorders.models import WorkOrderStateChange
from inventory_api.workorders.states import STATES, TRANSITIONS

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def move_order(session, world, **extra):
    data = {
        "kind": "move", "title": "Move Ada to 5-210", "site_id": world.site, "priority": "P3",
        "items": [
            {"action": "move_asset", "subject_type": "asset", "subject_id": world.desktop,
             "params": {"location_id": str(world.room_b)}},
            {"action": "assign_asset", "subject_type": "asset", "subject_id": world.phone,
             "params": {"person_id": str(world.person)}},
            {"action": "retire_asset", "subject_type": "asset", "subject_id": world.old_pc, "params": {}},
            {"action": "replace_component", "subject_type": "asset", "subject_id": world.desktop,
             "params": {"component": "disk", "note": "SSD 512 GB"}},
        ],
        **extra,
    }  # fmt: skip
    return service.create_work_order(session, None, data, now=T0)


def walk(session, order, *states):
    at = T0
    for state in states:
        at += timedelta(minutes=10)
        service.transition(
            session, order, state, hold_reason="waiting_parts" if state == "on_hold" else None, now=at
        )


def test_every_state_has_a_row_in_the_transition_table():
    assert set(TRANSITIONS) == set(STATES)
    assert all(set(targets) <= set(STATES) for targets in TRANSITIONS.values())


def test_illegal_transition_names_the_allowed_ones(session, world):
    order = move_order(session, world)
    with pytest.raises(Conflict) as err:
        service.transition(session, order, "closed")
    assert err.value.code == "invalid_transition"
    assert err.value.extra["allowed"] == ["assigned", "in_progress", "cancelled"]


def test_hold_needs_a_reason_and_assigned_needs_an_assignee(session, world):
    order = move_order(session, world)
    with pytest.raises(Unprocessable) as err:
        service.transition(session, order, "assigned")
    assert err.value.code == "assignee_required"
    walk(session, order, "in_progress")
    with pytest.raises(Unprocessable) as err:
        service.transition(session, order, "on_hold")
    assert err.value.code == "hold_reason_required"


def test_resolving_applies_every_action_with_history_naming_the_order(session, world):
    order = move_order(session, world)
    walk(session, order, "in_progress", "on_hold", "in_progress", "resolved")
    session.commit()
    desktop, phone, old_pc = (session.get(Asset, i) for i in (world.desktop, world.phone, world.old_pc))
    assert desktop.location_id == world.room_b
    assert phone.assigned_person_id == world.person
    assert old_pc.status == "retired"
    history = session.scalars(
        select(ChangeEvent).where(ChangeEvent.subject_type == "asset").order_by(ChangeEvent.id)
    ).all()
    assert [(h.action, h.cause_type, h.cause_id) for h in history] == [
        ("move_asset", "work_order", str(order.id)),
        ("assign_asset", "work_order", str(order.id)),
        ("retire_asset", "work_order", str(order.id)),
        ("replace_component", "work_order", str(order.id)),
    ]
    assert history[0].changes == {"location_id": [str(world.room_a), str(world.room_b)]}
    assert history[3].summary == "replaced disk: SSD 512 GB"
    assert all(i.status == "applied" for i in service.list_items(session, order))
    states = [
        s.to_state for s in session.scalars(select(WorkOrderStateChange).order_by(WorkOrderStateChange.id))
    ]
    assert states == ["new", "in_progress", "on_hold", "in_progress", "resolved"]
    kinds = [e.event_type for e in session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))]
    assert kinds.count("work_order.state_changed") == 4
    assert "asset.retired" in kinds and kinds[0] == "work_order.created"


def test_an_action_no_longer_valid_applies_nothing_and_says_why(session, world):
    order = move_order(session, world)
    walk(session, order, "in_progress")
    session.commit()
    session.get(Asset, world.phone).status = "retired"  # retired meanwhile, by someone else
    session.commit()
    with pytest.raises(Conflict) as err:
        service.transition(session, order, "resolved")
    assert err.value.code == "action_not_applicable"
    assert err.value.extra["item"]["action"] == "assign_asset"
    assert err.value.extra["item"]["subject_id"] == str(world.phone)
    assert "retired" in err.value.extra["reason"]
    session.rollback()
    assert session.get(Asset, world.desktop).location_id == world.room_a
    assert session.get(Asset, world.old_pc).status == "in_stock"
    assert service.require_work_order(session, None, order.id).state == "in_progress"


def test_items_are_checked_when_added(session, world):
    order = move_order(session, world)
    with pytest.raises(Unprocessable) as err:
        service.add_item(session, order, {"action": "move_asset", "subject_type": "asset",
                                          "subject_id": world.desktop, "params": {}})  # fmt: skip
    assert err.value.code == "invalid_action"
    with pytest.raises(Unprocessable) as err:
        service.add_item(session, order, {"action": "change_asset_status", "subject_type": "asset",
                                          "subject_id": world.desktop, "params": {"status": "lost"}})  # fmt: skip
    assert err.value.code == "invalid_action"


def test_reopen_then_resolve_again_applies_only_new_items(session, world):
    order = move_order(session, world)
    walk(session, order, "in_progress", "resolved", "in_progress")
    service.add_item(session, order, {"action": "move_asset", "subject_type": "asset", "subject_id": world.phone,
                                      "params": {"location_id": str(world.room_b)}})  # fmt: skip
    service.transition(session, order, "resolved")
    session.commit()
    assert session.get(Asset, world.phone).location_id == world.room_b
    moves = session.scalars(select(ChangeEvent).where(ChangeEvent.action == "move_asset")).all()
    assert len(moves) == 2
