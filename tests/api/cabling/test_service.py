import pytest

from inventory_api.assets.models import AssetFlag
from inventory_api.cabling import paths
from inventory_api.cabling import service as cabling
from inventory_api.cabling.connections import SEEN_ELSEWHERE, link_lldp_neighbour
from inventory_api.cabling.devices import validate_device_attributes
from inventory_api.cabling.ports import normalise_port_name
from inventory_api.errors import Conflict, Unprocessable
from inventory_api.events.models import OutboxEvent
from tests.api.cabling.world import build_world, cable_desk


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("GigabitEthernet1/0/14", "Gi1/0/14"),
        ("gi1/0/14", "Gi1/0/14"),
        ("Gi1/0/14", "Gi1/0/14"),
        ("TenGigabitEthernet1/1/1", "Te1/1/1"),
        ("FastEthernet0/3", "Fa0/3"),
        ("Ethernet1/12", "Eth1/12"),
        ("Port-channel10", "Po10"),
        ("ge-0/0/1", "ge-0/0/1"),  # Juniper names are kept as they are
        (" Gi 1/0/2 ", "Gi1/0/2"),
    ],
)
def test_port_names_are_normalised(given, expected):
    assert normalise_port_name(given) == expected


def test_the_whole_path_reads_in_one_line(session):
    world = build_world(session)
    jack, _, _, switch_port = cable_desk(session, world)
    assert switch_port.name == "Gi1/0/14"
    (path,) = paths.paths_for_jack(session, jack)
    assert (
        path["summary"]
        == "Pat's phone → jack 3-114-B → panel P3 port 14 → switch sw-3-1 Gi1/0/14, VLAN 20/voice 120"
    )
    assert path["room"]["name"] == "3-114"
    assert paths.paths_for_switch_port(session, switch_port)[0]["summary"] == path["summary"]
    person_paths = paths.paths_for_person(session, world.pat)
    assert [p["summary"] for p in person_paths] == ["Pat's desktop → (connection unknown)", path["summary"]]


def test_a_port_is_patched_once(session):
    world = build_world(session)
    jack, panel, port14, switch_port = cable_desk(session, world)
    other_jack = cabling.create_jack(session, {"label": "3-114-C", "room_id": world.room.id})
    with pytest.raises(Conflict) as exc:
        cabling.patch(session, port14.id, jack_id=other_jack.id)
    assert exc.value.code == "already_patched"
    port15 = cabling.panel_ports(session, panel)[14]
    with pytest.raises(Conflict) as exc:
        cabling.patch(session, port15.id, switch_port_id=switch_port.id)
    assert exc.value.code == "already_patched"
    with pytest.raises(Conflict) as exc:
        cabling.patch(session, port15.id, jack_id=jack.id)
    assert exc.value.code == "already_patched"
    # Patching the same thing again is not a conflict.
    cabling.patch(session, port14.id, jack_id=jack.id, switch_port_id=switch_port.id)


def test_duplicate_jack_label_and_port_name(session):
    world = build_world(session)
    cabling.create_jack(session, {"label": "3-114-A", "room_id": world.room.id})
    with pytest.raises(Conflict) as exc:
        cabling.create_jack(session, {"label": "3-114-A", "room_id": world.other_room.id})
    assert exc.value.code == "duplicate_label"
    cabling.create_switch_port(session, {"switch_id": world.switch.id, "name": "Gi1/0/1"})
    with pytest.raises(Conflict) as exc:
        cabling.create_switch_port(session, {"switch_id": world.switch.id, "name": "GigabitEthernet1/0/1"})
    assert exc.value.code == "duplicate_port"
    with pytest.raises(Unprocessable) as exc:
        cabling.create_switch_port(session, {"switch_id": world.phone.id, "name": "Gi1/0/1"})
    assert exc.value.code == "not_a_switch"


def test_lldp_links_a_pc_and_follows_through_a_phone(session):
    world = build_world(session)
    jack, _, _, switch_port = cable_desk(session, world)
    # The phone itself sees the switch, by its MAC as chassis id and the long port name.
    connection = link_lldp_neighbour(session, world.phone, "00-11-22-33-44-55", "GigabitEthernet1/0/14")
    assert connection.switch_port_id == switch_port.id and connection.jack_id == jack.id
    # The PC behind the phone sees the phone: it shares the phone's switch port.
    connection = link_lldp_neighbour(session, world.desktop, "aa:bb:cc:00:00:01", "port 1")
    assert connection.switch_port_id == switch_port.id
    assert connection.via_asset_id == world.phone.id
    assert session.query(AssetFlag).count() == 0
    (path,) = paths.paths_for_asset(session, world.desktop)
    assert path["summary"].startswith("Pat's desktop → jack 3-114-B → panel P3")


def test_lldp_at_another_room_flags_the_asset_then_clears(session):
    world = build_world(session)
    _jack, panel, _, _ = cable_desk(session, world)
    far_jack = cabling.create_jack(session, {"label": "5-210-A", "room_id": world.other_room.id})
    far_port = cabling.create_switch_port(session, {"switch_id": world.switch.id, "name": "Gi1/0/30"})
    cabling.patch(session, cabling.panel_ports(session, panel)[20].id, jack_id=far_jack.id,
                  switch_port_id=far_port.id)  # fmt: skip
    link_lldp_neighbour(session, world.desktop, "sw-3-1", "Gi1/0/30")  # chassis id as a name
    flag = session.query(AssetFlag).filter_by(asset_id=world.desktop.id, kind=SEEN_ELSEWHERE).one()
    assert flag.detail["seen_location_id"] == str(world.other_room.id)
    assert flag.detail["recorded_location_id"] == str(world.room.id)
    flagged = (
        session.query(OutboxEvent).filter_by(event_type="asset.flagged", subject_id=world.desktop.id).one()
    )
    assert flagged.payload == {"flag_id": str(flag.id), "kind": SEEN_ELSEWHERE}
    link_lldp_neighbour(session, world.desktop, "00:11:22:33:44:55", "Gi1/0/14")
    session.refresh(flag)
    assert flag.resolved_at is not None


def test_unknown_lldp_neighbour_links_nothing(session):
    world = build_world(session)
    assert link_lldp_neighbour(session, world.desktop, "de:ad:be:ef:00:00", "Gi1/0/1") is None


def test_device_attributes_are_checked_per_kind():
    assert validate_device_attributes("switch", {"mac": "0011.2233.4455", "port_count": 48}) == {
        "mac": "00:11:22:33:44:55", "port_count": 48,
    }  # fmt: skip
    with pytest.raises(Unprocessable) as exc:
        validate_device_attributes("switch", {"management_ip": "not an ip"})
    assert exc.value.code == "invalid_attributes"
    assert validate_device_attributes("desktop", {"anything": 1}) == {"anything": 1}


def test_a_phones_mac_from_its_attributes_is_how_lldp_finds_it(session):
    from inventory_api.assets.models import AssetIdentifier
    from inventory_api.cabling.connections import connect_at_jack
    from inventory_api.cabling.devices import set_device_attributes
    from tests.api.cabling.world import asset

    world = build_world(session)
    jack, *_ = cable_desk(session, world)
    phone = asset(session, "ip_phone", "phone-2", world.site, location_id=world.room.id)
    set_device_attributes(session, phone, {"mac": "AA-BB-CC-00-00-02", "registered_extensions": ["4022"]})
    assert session.query(AssetIdentifier).filter_by(asset_id=phone.id, value="aa:bb:cc:00:00:02").one()
    connect_at_jack(session, phone, jack)
    laptop = asset(session, "laptop", "lt-1", world.site, location_id=world.room.id)
    connection = link_lldp_neighbour(session, laptop, "aa:bb:cc:00:00:02", "WAN")
    assert connection.via_asset_id == phone.id and connection.jack_id == jack.id
