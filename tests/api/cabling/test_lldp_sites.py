"""An LLDP sighting names a switch of the reporting device's own site only (#12)."""

from tests.api.stories.desk import API, build_desk, ok


def test_an_lldp_sighting_never_cables_a_device_to_another_sites_switch(client, admin, db):
    desk = build_desk(client, admin, db)
    elsewhere = ok(client.post(f"{API}/locations", json={"kind": "site", "name": "B", "time_zone": "UTC"},
                               headers=admin), 201)  # fmt: skip
    foreign = ok(client.post(f"{API}/assets", json={"kind": "switch", "name": "sw-b", "hostname": "sw-b",
                                                    "site_id": elsewhere["id"]}, headers=admin), 201)  # fmt: skip
    sighting = {"chassis_id": "sw-b", "port_id": "Gi1/0/1", "system_name": "sw-b"}
    answer = client.post(f"{API}/assets/{desk.world.phone.id}/lldp", json=sighting, headers=admin)
    assert answer.status_code == 404, answer.text
    connection = ok(client.get(f"{API}/assets/{desk.world.phone.id}/connection", headers=admin))
    assert (
        connection["switch_port_id"] != foreign["id"] and connection["jack_id"] == desk.jacks["3-114-B"]["id"]
    )
