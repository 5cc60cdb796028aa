"""Work-order actions on services (assign, activate, disconnect) and jacks (activate on a VLAN)."""

import pytest
from sqlalchemy import select

from inventory_api.assets.models import Asset
from inventory_api.cabling.models import Jack, PatchPanel, PatchPanelPort, SwitchPort
from inventory_api.errors import Conflict, Unprocessable
from inventory_api.history.models import ChangeEvent
from inventory_api.people.models import Person
from inventory_api.services import service as services
from inventory_api.services.models import Service
from inventory_api.workorders import service


def voice_world(session, world):
    bob = Person(name="Bob", name_key="bob", site_id=world.site)
    switch = Asset(kind="switch", status="deployed", name="sw-3-1", site_id=world.site)
    session.add_all([bob, switch])
    session.flush()
    port = SwitchPort(switch_id=switch.id, site_id=world.site, name="Gi1/0/14")
    panel = PatchPanel(name="P3", site_id=world.site, location_id=world.room_a, port_count=24)
    session.add_all([port, panel])
    session.flush()
    panel_port = PatchPanelPort(panel_id=panel.id, number=14, switch_port_id=port.id)
    session.add(panel_port)
    session.flush()
    jack = Jack(label="3-114-B", site_id=world.site, room_id=world.room_a, panel_port_id=panel_port.id)
    loose = Jack(label="3-114-C", site_id=world.site, room_id=world.room_a)
    session.add_all([jack, loose])
    ext = services.create_service(
        session,
        {
            "type": "extension",
            "site_id": world.site,
            "person_id": world.person,
            "details": {"number": "4021"},
        },
    )
    session.commit()
    return bob, port, jack, loose, ext


def order_with(session, world, *items):
    data = {"kind": "change", "title": "Give Bob 4021", "site_id": world.site, "items": list(items)}
    order = service.create_work_order(session, None, data)
    service.transition(session, order, "in_progress")
    return order


def test_service_and_jack_actions_apply_with_the_order_as_cause(session, world):
    bob, port, jack, _, ext = voice_world(session, world)
    order = order_with(
        session, world,
        {"action": "activate_service", "subject_id": ext.id, "params": {}},
        {"action": "assign_service", "subject_id": ext.id, "params": {"person_id": str(bob.id)}},
        {"action": "activate_jack", "subject_id": jack.id, "params": {"vlan": 20, "voice_vlan": 120}},
    )  # fmt: skip
    service.transition(session, order, "resolved")
    session.commit()
    ext = session.get(Service, ext.id)
    assert (ext.status, ext.person_id) == ("active", bob.id)
    port = session.get(SwitchPort, port.id)
    assert (port.vlan, port.voice_vlan, port.admin_state) == (20, 120, "up")
    caused = session.scalars(
        select(ChangeEvent).where(ChangeEvent.subject_type.in_(("service", "switch_port", "jack")),
                                  ChangeEvent.cause_id == str(order.id))
    ).all()  # fmt: skip
    assert {(c.subject_type, c.action) for c in caused} == {
        ("service", "updated"), ("switch_port", "updated"), ("jack", "activated"),
    }  # fmt: skip
    assert len([c for c in caused if c.subject_type == "service"]) == 2


def test_a_disconnected_service_blocks_the_whole_order(session, world):
    bob, port, jack, _, ext = voice_world(session, world)
    order = order_with(
        session, world,
        {"action": "activate_jack", "subject_id": jack.id, "params": {"vlan": 20}},
        {"action": "assign_service", "subject_id": ext.id, "params": {"person_id": str(bob.id)}},
    )  # fmt: skip
    session.commit()
    services.update_service(session, session.get(Service, ext.id), {"status": "disconnected"})
    session.commit()
    with pytest.raises(Conflict) as err:
        service.transition(session, order, "resolved")
    assert err.value.extra["item"]["action"] == "assign_service"
    assert "disconnected" in err.value.extra["reason"]
    session.rollback()
    assert session.get(SwitchPort, port.id).vlan is None


def test_jack_actions_need_a_patched_jack_and_a_valid_vlan(session, world):
    _, _, jack, loose, _ = voice_world(session, world)
    order = order_with(
        session, world, {"action": "activate_jack", "subject_id": loose.id, "params": {"vlan": 20}}
    )
    with pytest.raises(Conflict) as err:
        service.transition(session, order, "resolved")
    assert "not patched" in err.value.extra["reason"]
    session.rollback()
    order = order_with(session, world)
    with pytest.raises(Unprocessable) as bad:
        service.add_item(
            session, order, {"action": "activate_jack", "subject_id": jack.id, "params": {"vlan": 5000}}
        )
    assert bad.value.code == "invalid_action"
    with pytest.raises(Unprocessable) as wrong:
        service.add_item(session, order, {"action": "activate_jack", "subject_type": "asset", "subject_id": jack.id,
                                          "params": {"vlan": 20}})  # fmt: skip
    assert wrong.value.code == "invalid_action"
