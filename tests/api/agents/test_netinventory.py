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
from tests.api.agents.test_router import fusion, glpi
from tests.api.cabling.world import asset
from tests.api.ingest.reports import make_secret, make_site
from tests.api.stories.desk import API, build_desk, ok
from tests.api.test_web_orders import sign_in

FIXTURES = Path(__file__).parent / "fixtures" / "glpi"
FUSION = Path(__file__).parent / "fixtures" / "fusioninventory"
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


def neighbour(
    sysname: str | None = None, *, sysmac: str | None = None, ifdescr: str = "Port 1", **more
) -> dict:
    """A port's LLDP/CDP neighbour as the agent reports it (inventory_format's `connections` item)."""
    return {k: v for k, v in {"sysname": sysname, "sysmac": sysmac, "ifdescr": ifdescr, **more}.items() if v}


def lldp_port(n: int, *seen: dict, trunk: bool = False) -> dict:
    return {**port(n, trunk=trunk), "lldp": True, "connections": list(seen)}


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


def ports_of(db, switch_id) -> dict[str, SwitchPort]:
    with db.sessions() as s:
        return {p.name: p for p in s.scalars(select(SwitchPort).where(SwitchPort.switch_id == switch_id))}


def test_lldp_and_cdp_neighbours_are_kept_per_port_and_link_the_devices_they_name(
    client, admin, db, make_user
):
    """The phone recorded at Gi1/0/14 is confirmed, a second phone (by its MAC) and a server (by its name) are
    linked where they are seen, the uplink to sw-5-2 is shown and not linked, and the API and the switch's page say
    what the switch saw on each port."""
    desk = build_desk(client, admin, db)
    world = desk.world
    with db.transaction() as s:
        phone2 = asset(s, "ip_phone", "phone-4022", world.site)
        s.add(AssetIdentifier(asset_id=phone2.id, kind="mac", value=PHONE2))
        server = asset(s, "server", "srv-files", world.site, hostname="srv-files.corp.example",
                       hostname_key="srv-files")  # fmt: skip
        spa = [asset(s, "ip_phone", "Cisco IP Phone SPA303", world.site, hostname_key="cisco ip phone spa303")
               for _ in range(2)]  # fmt: skip
        ids = {"phone2": phone2.id, "server": server.id, "spa": [a.id for a in spa]}
    secret = make_secret(db, world.site.id)
    inventory = switch_inventory(learned={30: [LAPTOP]})
    ports = inventory["content"]["network_ports"]
    ports[13] = lldp_port(14, neighbour("SEPAABBCC000001", sysmac=PHONE, model="CP-8841"))
    ports[30] = lldp_port(31, neighbour("SEPAABBCC000004", sysmac=PHONE2.upper().replace(":", "-")))
    ports[31] = lldp_port(32, neighbour("srv-files.corp.example", ifdescr="eno1", ip="10.3.20.9",
                                        sysdescr="Debian GNU/Linux 12 (bookworm) Linux 6.1.0-28-amd64"))  # fmt: skip
    ports[32] = lldp_port(33, neighbour("Cisco IP Phone SPA303", ip="192.168.63.52"))
    ports[47] = lldp_port(48, neighbour("sw-5-2(FOC1111X0AA)", ifdescr="GigabitEthernet1/0/52", ip="10.5.0.2",
                                        model="cisco WS-C2960X-48FPD-L"), trunk=True)  # fmt: skip
    assert glpi(client, secret, inventory).status_code == 200

    found = ports_of(db, world.switch.id)
    with db.sessions() as s:
        conn = {c.asset_id: c for c in s.scalars(select(AssetConnection))}
        assert (conn[world.phone.id].switch_port_id, conn[world.phone.id].source) == (
            found["Gi1/0/14"].id, "manual")  # fmt: skip
        assert (conn[ids["phone2"]].switch_port_id, conn[ids["phone2"]].source) == (
            found["Gi1/0/31"].id,
            "lldp",
        )
        assert (conn[ids["server"]].switch_port_id, conn[ids["server"]].source) == (
            found["Gi1/0/32"].id,
            "lldp",
        )
        assert desk.switch5.id not in conn and not set(ids["spa"]) & set(conn)  # an uplink; a name two share
        assert s.scalar(select(func.count()).select_from(AssetFlag)) == 0
        events = s.scalars(select(ChangeEvent.summary).where(ChangeEvent.subject_id == ids["server"])).all()
        assert "the switch sees it as an LLDP/CDP neighbour at sw-3-1 Gi1/0/32" in events

    def read(name):
        return ok(client.get(f"{API}/switch-ports/{found[name].id}", headers=admin))

    assert read("Gi1/0/14")["neighbours"] == [{
        "system_name": "SEPAABBCC000001", "chassis_mac": PHONE, "port": "Port 1", "port_index": None,
        "address": None, "model": "CP-8841", "description": None, "asset_id": str(world.phone.id)}]  # fmt: skip
    uplink = read("Gi1/0/48")
    assert [(n["system_name"], n["port"], n["address"], n["asset_id"]) for n in uplink["neighbours"]] == [
        ("sw-5-2(FOC1111X0AA)", "GigabitEthernet1/0/52", "10.5.0.2", str(desk.switch5.id))]  # fmt: skip
    assert len(uplink["learned_macs"]) == 0 and read("Gi1/0/33")["neighbours"][0]["asset_id"] is None
    laptop_port = read("Gi1/0/30")
    assert (laptop_port["learned_macs"], laptop_port["neighbours"]) == ([LAPTOP], [])
    assert laptop_port["reported_at"] is not None
    listed = ok(client.get(f"{API}/switch-ports", params={"switch_id": str(world.switch.id), "limit": 100},
                           headers=admin))  # fmt: skip
    assert sum(len(p["neighbours"]) for p in listed["items"]) == 5

    make_user("technician", username="tess", site_ids=[world.site.id])
    sign_in(client, "tess")
    page = client.get(f"/assets/{world.switch.id}").text
    assert f'<a href="/assets/{desk.switch5.id}">sw-5-2(FOC1111X0AA)</a> GigabitEthernet1/0/52' in page
    assert LAPTOP in page and "Cisco IP Phone SPA303" in page

    # The next inventory is the port's truth: the server unplugged, the laptop gone, neither is kept.
    inventory["content"]["network_ports"][31] = port(32)
    inventory["content"]["network_ports"][29] = port(30)
    assert glpi(client, secret, inventory).status_code == 200
    again = ports_of(db, world.switch.id)
    assert (again["Gi1/0/32"].neighbours, again["Gi1/0/30"].learned_macs) == ([], [])
    assert again["Gi1/0/48"].neighbours == found["Gi1/0/48"].neighbours


def test_a_vlan_typed_in_by_hand_that_the_switch_contradicts_is_flagged_on_the_switch(client, admin, db):
    """The switch's VLAN is taken (it is what the port carries); the technician's is kept in the flag and the
    history. A VLAN changed on the switch itself between two inventories is no difference."""
    desk = build_desk(client, admin, db)
    world = desk.world
    secret = make_secret(db, world.site.id)
    port14 = desk.ports["3-114-B"]["id"]
    ok(client.patch(f"{API}/switch-ports/{port14}", json={"vlan": 30}, headers=admin))
    assert glpi(client, secret, switch_inventory()).status_code == 200
    moved = switch_inventory()
    moved["content"]["network_ports"][6]["vlans"] = [{"name": "lab", "number": "40"}]
    assert glpi(client, secret, moved).status_code == 200

    found = ports_of(db, world.switch.id)
    assert (found["Gi1/0/14"].vlan, found["Gi1/0/15"].vlan, found["Gi1/0/7"].vlan) == (20, 20, 40)
    with db.sessions() as s:
        (flag,) = s.scalars(select(AssetFlag)).all()
        assert (flag.asset_id, flag.kind) == (world.switch.id, "differs_from_network")
        assert flag.detail["ports"] == [{"switch_port_id": port14, "port": "Gi1/0/14", "field": "vlan",
                                         "recorded": 30, "reported": 20}]  # fmt: skip
        changes = s.scalars(select(ChangeEvent.changes).where(ChangeEvent.subject_id == uuid.UUID(port14),
                                                              ChangeEvent.action == "updated")).all()  # fmt: skip
        assert {"vlan": [30, 20]} in [{k: v for k, v in c.items() if k == "vlan"} for c in changes]


def test_fusioninventory_network_inventory_xml_goes_the_same_way(client, admin, db):
    """FusionInventory's SNMPQUERY of sw-3-1 (fixtures/fusioninventory/sw-3-1.netinventory.xml), between the
    agent's start and end messages: the same switch, ports, neighbours, learned MACs and flags as the JSON."""
    desk = build_desk(client, admin, db)
    world = desk.world
    with db.transaction() as s:
        laptop = asset(s, "laptop", "lt-new", world.site)
        for owner, mac in ((world.desktop.id, DESKTOP), (laptop.id, LAPTOP)):
            s.add(AssetIdentifier(asset_id=owner, kind="mac", value=mac))
    secret = make_secret(db, world.site.id)
    control = ("<?xml version='1.0' encoding='UTF-8'?><REQUEST><CONTENT><AGENT><{0}>1</{0}></AGENT>"
               "<MODULEVERSION>4.1</MODULEVERSION><PROCESSNUMBER>1</PROCESSNUMBER></CONTENT>"
               "<DEVICEID>foo</DEVICEID><QUERY>SNMPQUERY</QUERY></REQUEST>")  # fmt: skip
    for body in (control.format("START").encode(), (FUSION / "sw-3-1.netinventory.xml").read_bytes(),
                 control.format("END").encode()):  # fmt: skip
        answer = fusion(client, secret, body)
        assert answer.status_code == 200 and b"<REPLY>" in answer.content, answer.text

    found = ports_of(db, world.switch.id)
    assert sorted(found) == ["Gi1/0/14", "Gi1/0/15", "Gi1/0/20", "Gi1/0/30", "Gi1/0/48"]
    assert (found["Gi1/0/15"].oper_state, found["Gi1/0/15"].description, found["Gi1/0/48"].tagged_vlans) == (
        "down", "3-114-C", [20, 120])  # fmt: skip
    assert [(n["system_name"], n["chassis_mac"], n["asset_id"]) for n in found["Gi1/0/14"].neighbours] == [
        ("SEPAABBCC000001", PHONE, str(world.phone.id))]  # fmt: skip
    assert found["Gi1/0/48"].neighbours[0]["asset_id"] == str(desk.switch5.id)
    assert found["Gi1/0/30"].learned_macs == [LAPTOP, "02:00:00:00:00:99"]
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Asset).where(Asset.kind == "switch")) == 2
        assert s.get(Asset, world.switch.id).attributes["firmware"] == "15.2(7)E3"
        assert s.get(AssetConnection, laptop.id).switch_port_id == found["Gi1/0/30"].id
        assert [(f.asset_id, f.kind) for f in s.scalars(select(AssetFlag))] == [
            (world.desktop.id, "seen_at_another_port")]  # fmt: skip


def test_fusioninventory_network_inventory_of_other_devices(client, db, secret):
    """A printer is recorded as a printer; a device the agent could not read is acknowledged and writes nothing;
    a storage bay is refused; an OCS agent has no network inventory."""

    def device(body: str) -> bytes:
        return (f"<REQUEST><CONTENT><DEVICE>{body}</DEVICE></CONTENT><DEVICEID>foo</DEVICEID>"
                "<QUERY>SNMPQUERY</QUERY></REQUEST>").encode()  # fmt: skip

    unread = device("<ERROR><ID>0</ID><MESSAGE>No response from remote host</MESSAGE></ERROR>")
    assert fusion(client, secret, unread).status_code == 200
    assert (
        fusion(client, secret, device("<INFO><NAME>nas</NAME><TYPE>STORAGE</TYPE></INFO>")).status_code == 422
    )
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Asset)) == 0
    printer = device("<CARTRIDGES><TONERBLACK>64</TONERBLACK></CARTRIDGES><INFO><MAC>00:68:eb:f2:be:10</MAC>"
                     "<NAME>NPIF2BE10</NAME><SERIAL>PHCVN191TG</SERIAL><TYPE>PRINTER</TYPE><IPS><IP>10.59.29.175"
                     "</IP></IPS></INFO><PAGECOUNTERS><TOTAL>1802</TOTAL></PAGECOUNTERS>")  # fmt: skip
    assert fusion(client, secret, printer).status_code == 200
    with db.sessions() as s:
        (made,) = s.scalars(select(Asset)).all()
        assert (made.kind, made.serial, made.attributes["management_ip"]) == (
            "printer",
            "PHCVN191TG",
            "10.59.29.175",
        )
        assert (made.attributes["page_counters"], made.attributes["cartridges"]) == (
            {"total": 1802},
            {"tonerblack": 64},
        )
    ocs = client.post(
        f"/api/v1/agents/ocs/{secret}", content=printer, headers={"Content-Type": "application/xml"}
    )
    assert ocs.status_code == 422 and "SNMPQUERY" in ocs.text


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
    found = ports_of(db, switch.id)
    # Its LLDP neighbours are Cisco SPA303 phones; the ports without one list the MACs they learned.
    assert found["1"].neighbours == [{
        "system_name": "Cisco IP Phone SPA303", "chassis_mac": "38:1c:1a:b5:73:20", "port": "Port 1",
        "port_index": None, "address": "192.168.63.52", "model": "7.5.2Cisco IP Phone SPA3",
        "description": "7.5.2Cisco IP Phone SPA3", "asset_id": None}]  # fmt: skip
    assert sum(1 for p in found.values() if p.neighbours) == 21
    assert all(not p.learned_macs for p in found.values() if p.neighbours)
    assert sum(len(p.learned_macs) for p in found.values()) > 0


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
