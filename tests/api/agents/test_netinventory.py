"""The GLPI agent's network inventory of a 48-port switch: the switch and its ports recorded once, the desks it
learned linked to their ports (a PC behind a phone through the phone), and the desk that moved flagged, its
recorded cabling left as a technician entered it."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from sqlalchemy import func, select

from inventory_api.assets.models import Asset, AssetFlag, AssetIdentifier
from inventory_api.cabling.models import AssetConnection, SwitchPort
from inventory_api.history.models import ChangeEvent
from tests.api.agents.test_router import glpi
from tests.api.cabling.world import asset
from tests.api.ingest.reports import make_secret, make_site
from tests.api.stories.desk import build_desk

FIXTURES = Path(__file__).parent / "fixtures" / "glpi"
PHONE, DESKTOP, LAPTOP, PHONE2, PC_BEHIND = (f"aa:bb:cc:00:00:0{n}" for n in (1, 2, 3, 4, 5))


def port(n: int, *, macs: list[str] = (), up: bool = True, vlan: int = 20, trunk: bool = False) -> dict:
    """One access port as the agent reports it (the shape of inventory_format's networkequipment examples)."""
    record = {
        "ifnumber": 10100 + n, "ifname": f"Gi1/0/{n}", "ifdescr": f"GigabitEthernet1/0/{n}", "iftype": 6,
        "ifspeed": 1_000_000_000 if up else 10_000_000, "ifstatus": 1 if up else 2, "ifinternalstatus": 1,
        "mac": f"00:11:22:33:45:{n:02x}", "trunk": trunk, "vlans": [{"name": "desks", "number": str(vlan)}],
    }  # fmt: skip
    if macs:
        record["connections"] = [{"mac": mac} for mac in macs]
    return record


def switch_inventory(
    name="sw-3-1", mac="00:11:22:33:44:55", serial="FOC2241X0AB", learned=None, down=()
) -> dict:
    learned = learned or {}
    ports = [port(n, macs=learned.get(n, []), up=n not in down) for n in range(1, 48)]
    ports.append(port(48, macs=[f"02:00:00:00:00:{n:02x}" for n in range(30)] + [DESKTOP], trunk=True))
    ports.append({"ifnumber": 5001, "ifname": "Po1", "ifdescr": "Port-channel1", "iftype": 53, "ifstatus": 1,
                  "connections": [{"mac": [PHONE, DESKTOP]}]})  # fmt: skip
    ports.append({"ifnumber": 1, "ifname": "Vl20", "ifdescr": "Vlan20", "iftype": 136, "ifstatus": 1})
    return {
        "deviceid": f"{name}-2026-12-04-09-00-00", "action": "netinventory", "itemtype": "NetworkEquipment",
        "content": {
            "versionclient": "GLPI-Agent_v1.11",
            "network_device": {"name": name, "mac": mac, "serial": serial, "manufacturer": "Cisco",
                               "model": "WS-C2960X-48FPD-L", "firmware": "15.2(7)E3", "type": "Networking",
                               "ips": ["127.0.0.1", "10.3.0.2"]},
            "network_ports": ports,
        },
    }  # fmt: skip


def test_a_switch_inventory_links_the_desks_it_learned_and_flags_the_one_that_moved(client, admin, db):
    desk = build_desk(client, admin, db)
    world = desk.world
    with db.transaction() as s:
        laptop = asset(s, "laptop", "lt-new", world.site)
        phone2 = asset(s, "ip_phone", "phone-4022", world.site)
        behind = asset(s, "desktop", "pc-lee", world.site)
        ids = {"laptop": laptop.id, "phone2": phone2.id, "behind": behind.id}
        for owner, mac in ((world.desktop.id, DESKTOP), (laptop.id, LAPTOP), (phone2.id, PHONE2),
                           (behind.id, PC_BEHIND)):  # fmt: skip
            s.add(AssetIdentifier(asset_id=owner, kind="mac", value=mac))
    secret = make_secret(db, world.site.id)
    learned = {14: [PHONE], 20: [DESKTOP], 30: [LAPTOP], 31: [PHONE2, PC_BEHIND]}
    answer = glpi(client, secret, switch_inventory(learned=learned))
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "ok"

    with db.sessions() as s:
        switches = s.scalars(
            select(Asset).where(Asset.kind == "switch", Asset.site_id == world.site.id)
        ).all()
        assert sorted(a.name for a in switches) == [
            "sw-3-1",
            "sw-5-2",
        ]  # found by its chassis MAC, not made again
        ports = {
            p.name: p for p in s.scalars(select(SwitchPort).where(SwitchPort.switch_id == world.switch.id))
        }
        assert len(ports) == 48 and "Po1" not in ports and "Vl20" not in ports
        assert (ports["Gi1/0/7"].speed_mbps, ports["Gi1/0/7"].oper_state, ports["Gi1/0/7"].vlan) == (
            1000,
            "up",
            20,
        )
        assert (
            ports["Gi1/0/15"].voice_vlan == 120
        )  # set by its data port; the switch's report does not carry it
        conn = {c.asset_id: c for c in s.scalars(select(AssetConnection))}
        # The phone, recorded by hand at Gi1/0/14, is where the switch sees it.
        assert (
            conn[world.phone.id].switch_port_id == ports["Gi1/0/14"].id
            and conn[world.phone.id].source == "manual"
        )
        # The laptop had no recorded connection: the learned port is its place now.
        assert (conn[ids["laptop"]].switch_port_id, conn[ids["laptop"]].source) == (
            ports["Gi1/0/30"].id,
            "learned",
        )
        # The PC behind the phone is linked through the phone.
        assert (conn[ids["behind"]].switch_port_id, conn[ids["behind"]].via_asset_id) == (
            ports["Gi1/0/31"].id, ids["phone2"])  # fmt: skip
        assert conn[ids["phone2"]].via_asset_id is None
        # The desktop was patched by hand at Gi1/0/15 (jack 3-114-C); the switch sees it at Gi1/0/20: flagged,
        # its record untouched (the trunk Gi1/0/48 and the port-channel, which also carry its MAC, say nothing).
        assert conn[world.desktop.id].switch_port_id == ports["Gi1/0/15"].id
        flags = s.scalars(select(AssetFlag).where(AssetFlag.resolved_at.is_(None))).all()
        assert [(f.asset_id, f.kind, f.detail["recorded_port"], f.detail["seen_port"]) for f in flags] == [
            (world.desktop.id, "seen_at_another_port", "Gi1/0/15", "Gi1/0/20")]  # fmt: skip
        switch = s.get(Asset, world.switch.id)
        assert (
            switch.attributes["firmware"] == "15.2(7)E3" and switch.attributes["management_ip"] == "10.3.0.2"
        )

    again = glpi(client, secret, switch_inventory(learned=learned, down={7}))
    assert again.status_code == 200
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Asset).where(Asset.kind == "switch")) == 2
        assert (
            s.scalar(
                select(func.count()).select_from(SwitchPort).where(SwitchPort.switch_id == world.switch.id)
            )
            == 48
        )
        assert s.scalar(select(SwitchPort.oper_state).where(SwitchPort.name == "Gi1/0/7",
                                                            SwitchPort.switch_id == world.switch.id)) == "down"  # fmt: skip
        assert (
            s.scalar(select(func.count()).select_from(AssetFlag).where(AssetFlag.resolved_at.is_(None))) == 1
        )


def test_an_unknown_switch_is_made_once_and_never_binds_to_another_sites_desks(client, admin, db):
    desk = build_desk(client, admin, db)
    with db.transaction() as s:
        s.add(AssetIdentifier(asset_id=desk.world.desktop.id, kind="mac", value=DESKTOP))
    other = make_site(db, "Branch")
    secret = make_secret(db, other)
    inventory = switch_inventory(
        name="br-sw-1", mac="00:11:22:99:99:99", serial="FOC9999X0ZZ", learned={3: [DESKTOP]}
    )
    for _ in range(2):
        assert glpi(client, secret, inventory).status_code == 200
    with db.sessions() as s:
        made = s.scalars(select(Asset).where(Asset.site_id == other)).all()
        assert [(a.kind, a.name, a.serial) for a in made] == [("switch", "br-sw-1", "FOC9999X0ZZ")]
        assert s.get(AssetConnection, desk.world.desktop.id).switch_port_id == uuid.UUID(
            desk.ports["3-114-C"]["id"]
        )
        assert s.scalar(select(func.count()).select_from(AssetFlag)) == 0


def test_a_network_inventory_without_a_name_serial_or_mac_is_refused(client, db, secret):
    inventory = switch_inventory()
    inventory["content"]["network_device"] = {"type": "Networking"}
    answer = glpi(client, secret, inventory)
    assert answer.status_code == 422 and "network_device" in answer.text
    body = json.dumps({**switch_inventory(), "content": {"network_ports": "nope"}})
    assert client.post(f"/api/v1/agents/glpi/{secret}", content=body,
                       headers={"Content-Type": "application/json"}).status_code == 422  # fmt: skip


def test_the_published_example_of_an_hp_switch_is_recorded_with_its_ports(client, db, secret):
    """inventory_format's own networkequipment_3.json (an HP 2530-48G with 52 Ethernet ports and learned MACs)."""
    example = json.loads((FIXTURES / "networkequipment_3.json").read_text())
    assert glpi(client, secret, example).status_code == 200
    assert glpi(client, secret, example).status_code == 200  # twice: the same switch, the same ports
    with db.sessions() as s:
        (switch,) = s.scalars(select(Asset).where(Asset.kind == "switch")).all()
        assert (switch.name, switch.serial) == ("HP-2530-48G", "CN5BFP62CP")
        assert (
            s.scalar(select(func.count()).select_from(SwitchPort).where(SwitchPort.switch_id == switch.id))
            == 52
        )
        assert (
            s.scalar(select(func.count()).select_from(AssetConnection)) == 0
        )  # none of its MACs is known here


def test_a_printer_keeps_its_counters_in_history_and_its_cartridges(client, db, secret):
    """inventory_format's own printer_1.json (an HP LaserJet M507), then the same printer 98 pages later."""
    example = json.loads((FIXTURES / "printer_1.json").read_text())
    assert glpi(client, secret, example).status_code == 200
    later = json.loads(json.dumps(example))
    later["content"]["pagecounters"]["total"] = 1900
    later["content"]["cartridges"] = [{"tonerblack": "64"}]
    assert glpi(client, secret, later).status_code == 200
    with db.sessions() as s:
        (printer,) = s.scalars(select(Asset).where(Asset.kind == "printer")).all()
        assert (printer.serial, printer.name) == ("PHCVN191TG", "NPIF2BE10")
        facts = printer.attributes
        assert (facts["firmware"], facts["management_ip"], facts["mac"]) == (
            "2409048_052887",
            "10.59.29.175",
            "00:68:eb:f2:be:10",
        )
        assert facts["page_counters"] == {"rectoverso": 831, "total": 1900} and facts["cartridges"] == {
            "tonerblack": 64
        }
        history = s.scalars(select(ChangeEvent.changes).where(ChangeEvent.subject_id == printer.id,
                                                               ChangeEvent.action == "updated")).all()  # fmt: skip
        (change,) = history
        assert change["attributes"][0]["page_counters"]["total"] == 1802  # the counter before, in history
        assert s.scalar(select(func.count()).select_from(SwitchPort)) == 0


def test_an_ip_phone_typed_in_by_hand_is_found_by_its_mac(client, admin, db):
    desk = build_desk(client, admin, db)
    secret = make_secret(db, desk.world.site.id)
    inventory = {"deviceid": "phone-1", "action": "netinventory", "itemtype": "NetworkEquipment", "content": {
        "network_device": {"type": "Phone", "name": "SEP001122", "mac": PHONE, "serial": "FCH2233AAAA",
                           "model": "CP-8841", "manufacturer": "Cisco", "firmware": "sip88xx.14-1", "ips": ["10.3.20.41"]}}}  # fmt: skip
    assert glpi(client, secret, inventory).status_code == 200
    with db.sessions() as s:
        phones = s.scalars(select(Asset).where(Asset.kind == "ip_phone")).all()
        assert [p.id for p in phones] == [desk.world.phone.id]  # the hand-entered phone, not a second one
        assert phones[0].attributes["firmware"] == "sip88xx.14-1"
