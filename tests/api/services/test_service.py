import pytest

from inventory_api.cabling import service as cabling
from inventory_api.cabling.connections import link_lldp_neighbour
from inventory_api.errors import Conflict, Unprocessable
from inventory_api.events.models import OutboxEvent
from inventory_api.history.models import ChangeEvent
from inventory_api.numbers.models import NumberRecord
from inventory_api.services import emergency
from inventory_api.services import service as services
from tests.api.cabling.world import build_world, cable_desk


def _extension(session, world, number="4021", **extra):
    data = {"type": "extension", "status": "active", "person_id": world.pat.id, "location_id": world.room.id,
            "details": {"number": number}, "asset_ids": [world.phone.id], **extra}  # fmt: skip
    return services.create_service(session, data)


def test_extension_did_and_voicemail_for_pat(session):
    world = build_world(session)
    ext = _extension(session, world)
    assert ext.site_id == world.site.id and ext.number == "4021"
    did = services.create_service(session, {"type": "did", "person_id": world.pat.id,
                                            "details": {"number": "+15551234021", "extension": "4021"}})  # fmt: skip
    vm = services.create_service(session, {"type": "voicemail", "person_id": world.pat.id,
                                           "details": {"mailbox": "4021", "extension": "4021"}})  # fmt: skip
    assert did.number == "+15551234021" and vm.details == {
        "mailbox": "4021",
        "enabled": True,
        "extension": "4021",
    }
    kinds = [e.event_type for e in session.query(OutboxEvent).order_by(OutboxEvent.id)]
    assert kinds == ["service.created"] * 3
    assert session.query(NumberRecord).filter_by(number="4021", state="assigned").count() == 1


def test_duplicate_extension_is_409_but_another_dial_plan_or_site_is_fine(session):
    world = build_world(session)
    _extension(session, world)
    with pytest.raises(Conflict) as exc:
        _extension(session, world)
    assert exc.value.code == "duplicate_number"
    _extension(session, world, details={"number": "4021", "dial_plan": "lab"})
    branch = build_world(session, site_name="Branch")
    _extension(session, branch)


@pytest.mark.parametrize("number", ["5551234021", "+0551234021", "+1555123402199999", "+1 555 123"])
def test_did_must_be_e164(session, number):
    world = build_world(session)
    _extension(session, world)
    with pytest.raises(Unprocessable) as exc:
        services.create_service(session, {"type": "did", "person_id": world.pat.id,
                                          "details": {"number": number, "extension": "4021"}})  # fmt: skip
    assert exc.value.code == "invalid_details"


def test_did_needs_an_existing_extension_and_voicemail_never_stores_a_pin(session):
    world = build_world(session)
    with pytest.raises(Unprocessable) as exc:
        services.create_service(session, {"type": "did", "person_id": world.pat.id,
                                          "details": {"number": "+15551234021", "extension": "4999"}})  # fmt: skip
    assert exc.value.code == "unknown_extension"
    with pytest.raises(Unprocessable) as exc:
        services.create_service(session, {"type": "voicemail", "person_id": world.pat.id,
                                          "details": {"mailbox": "4021", "pin": "1234"}})  # fmt: skip
    assert "PIN is never stored" in exc.value.detail


def test_a_service_on_a_retired_asset_is_409(session):
    world = build_world(session)
    world.phone.status = "retired"
    with pytest.raises(Conflict) as exc:
        _extension(session, world)
    assert exc.value.code == "asset_retired"
    ext = _extension(session, world, asset_ids=[])
    with pytest.raises(Conflict):
        services.update_service(session, ext, {"asset_ids": [world.phone.id]})


def test_data_port_and_generic_services(session):
    world = build_world(session)
    jack, *_ = cable_desk(session, world)
    port = services.create_service(session, {"type": "data_port", "person_id": world.pat.id,
                                             "details": {"jack_id": str(jack.id), "vlan": 20}})  # fmt: skip
    assert port.details["vlan"] == 20
    with pytest.raises(Conflict) as exc:
        services.create_service(session, {"type": "data_port", "person_id": world.pat.id,
                                          "details": {"jack_id": str(jack.id), "vlan": 30}})  # fmt: skip
    assert exc.value.code == "jack_in_use"
    generic = services.create_service(session, {"type": "generic", "person_id": world.pat.id,
                                                "details": {"label": "fax to email", "custom_fields": {"to": "x@y"}}})  # fmt: skip
    assert generic.details["custom_fields"] == {"to": "x@y"}


def test_disconnect_quarantines_the_number_and_history_is_kept(session):
    world = build_world(session)
    ext = _extension(session, world)
    services.update_service(session, ext, {"status": "suspended"})
    services.update_service(session, ext, {"status": "disconnected"}, quarantine_days=30)
    record = session.query(NumberRecord).filter_by(number="4021").one()
    assert record.state == "quarantined" and record.quarantine_until is not None
    with pytest.raises(Conflict) as exc:
        _extension(session, world)
    assert exc.value.code == "number_quarantined"
    with pytest.raises(Conflict) as exc:
        services.update_service(session, ext, {"status": "active"})
    assert exc.value.code == "invalid_transition"
    actions = [
        c.action for c in session.query(ChangeEvent).filter_by(subject_id=ext.id).order_by(ChangeEvent.id)
    ]
    assert actions == ["created", "updated", "updated"]
    assert ext.end_date is not None


def test_phone_seen_at_another_jack_makes_its_numbers_stale(session):
    world = build_world(session)
    _jack, panel, _, _ = cable_desk(session, world)
    ext = _extension(session, world)
    services.create_service(session, {"type": "did", "person_id": world.pat.id,
                                      "details": {"number": "+15551234021", "extension": "4021"}})  # fmt: skip
    rows = {r["number"]: r for r in emergency.emergency_locations(session, None)}
    assert rows["4021"]["state"] == "ok" and rows["+15551234021"]["room"] == "3-114"
    assert rows["4021"]["address"] == "1 Main Street" and rows["4021"]["floor"] == "3"
    far_jack = cabling.create_jack(session, {"label": "5-210-A", "room_id": world.other_room.id})
    far_port = cabling.create_switch_port(session, {"switch_id": world.switch.id, "name": "Gi1/0/30"})
    cabling.patch(
        session, cabling.panel_ports(session, panel)[20].id, jack_id=far_jack.id, switch_port_id=far_port.id
    )
    link_lldp_neighbour(session, world.phone, "00:11:22:33:44:55", "Gi1/0/30")
    assert ext.emergency_location_stale and ext.emergency_detail["jack"] == "5-210-A"
    stale = {r["number"] for r in emergency.emergency_locations(session, None, state="stale")}
    assert stale == {"4021", "+15551234021"}
    emergency.confirm_location(session, ext, world.other_room.id)
    assert not ext.emergency_location_stale
    assert emergency.dispatchable_location(session, ext)["room"] == "5-210"


def test_missing_location_is_reported(session):
    world = build_world(session)
    ext = _extension(session, world, location_id=None, asset_ids=[])
    assert emergency.dispatchable_location(session, ext)["state"] == "missing"
