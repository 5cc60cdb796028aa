"""The new hire and the leaver through the API: numbers from the pools, a laptop from stock, a data jack on the
right VLAN; on the last day everything to reclaim is listed and the numbers go to quarantine."""

from __future__ import annotations

from inventory_api.assets.models import Asset
from tests.api.stories.desk import API, build_desk, ok


def _pools(client, headers, site_id):
    ext = {"name": "HQ extensions", "kind": "extension", "site_id": site_id, "first": "4020", "last": "4029"}
    did = {
        "name": "HQ DIDs",
        "kind": "did",
        "site_id": site_id,
        "first": "+15551234020",
        "last": "+15551234029",
    }
    return (ok(client.post(f"{API}/number-pools", json=ext, headers=headers), 201),
            ok(client.post(f"{API}/number-pools", json=did, headers=headers), 201))  # fmt: skip


def _free(client, headers, pool):
    return ok(client.get(f"{API}/number-pools/{pool['id']}/free?limit=3", headers=headers))["numbers"]


def _taken(client, headers, pool):
    rows = ok(client.get(f"{API}/number-pools/{pool['id']}/numbers", headers=headers))["items"]
    return {r["number"]: r["state"] for r in rows}


def test_a_new_hire_gets_numbers_a_laptop_and_a_data_jack(client, admin, db):
    desk = build_desk(client, admin, db)
    world = desk.world
    site, room = str(world.site.id), str(world.other_room.id)
    ext_pool, did_pool = _pools(client, admin, site)
    with db.transaction() as session:
        laptop = Asset(kind="laptop", status="in_stock", name="lt-17", site_id=world.site.id)
        phone = Asset(kind="ip_phone", status="in_stock", name="phone-new", site_id=world.site.id)
        session.add_all([laptop, phone])
    sam = ok(client.post(f"{API}/people", json={"name": "Sam Roe", "employee_id": "E200", "location_id": room},
                         headers=admin), 201)  # fmt: skip
    for device in (laptop, phone):
        ok(
            client.post(f"{API}/assets/{device.id}/checkout", json={"person_id": sam["id"]}, headers=admin),
            201,
        )
    ok(
        client.put(
            f"{API}/assets/{phone.id}/connection",
            json={"jack_id": desk.jacks["5-210-A"]["id"]},
            headers=admin,
        )
    )

    ext = ok(client.post(f"{API}/services", json={
        "type": "extension", "status": "active", "person_id": sam["id"], "location_id": room,
        "number_pool_id": ext_pool["id"], "asset_ids": [str(phone.id)]}, headers=admin), 201)  # fmt: skip
    assert ext["number"] == "4020"
    did = ok(client.post(f"{API}/services", json={
        "type": "did", "status": "active", "person_id": sam["id"], "number_pool_id": did_pool["id"],
        "details": {"extension": "4020"}}, headers=admin), 201)  # fmt: skip
    assert did["number"] == "+15551234020"
    ok(client.post(f"{API}/services", json={"type": "voicemail", "status": "active", "person_id": sam["id"],
                                            "details": {"mailbox": "4020", "extension": "4020"}}, headers=admin), 201)  # fmt: skip
    port = ok(client.post(f"{API}/services", json={
        "type": "data_port", "status": "active", "person_id": sam["id"],
        "details": {"jack_id": desk.jacks["5-210-A"]["id"], "vlan": 30, "voice_vlan": 130}}, headers=admin), 201)  # fmt: skip
    assert port["switch_port"] == {
        "switch_port_id": desk.ports["5-210-A"]["id"],
        "configured": True,
        "reason": None,
    }
    switch_port = ok(client.get(f"{API}/switch-ports/{desk.ports['5-210-A']['id']}", headers=admin))
    assert (switch_port["vlan"], switch_port["voice_vlan"], switch_port["admin_state"]) == (30, 130, "up")

    # The next hire's extension skips 4021 (Pat's, from before the pool existed); nothing is left "allocated".
    second = ok(client.post(f"{API}/services", json={"type": "extension", "site_id": site,
                                                      "number_pool_id": ext_pool["id"]}, headers=admin), 201)  # fmt: skip
    assert second["number"] == "4022"
    assert _taken(client, admin, ext_pool) == {"4020": "assigned", "4022": "assigned"}
    assert _free(client, admin, ext_pool) == ["4023", "4024", "4025"]
    assert _taken(client, admin, did_pool) == {"+15551234020": "assigned"}
    wrong = client.post(f"{API}/services", json={"type": "did", "site_id": site, "number_pool_id": ext_pool["id"],
                                                  "details": {"extension": "4020"}}, headers=admin)  # fmt: skip
    assert (wrong.status_code, wrong.json()["code"]) == (422, "wrong_pool")
    both = client.post(f"{API}/services", json={"type": "extension", "site_id": site, "number_pool_id": ext_pool["id"],
                                                 "details": {"number": "4025"}}, headers=admin)  # fmt: skip
    assert both.status_code == 422
    assert _taken(client, admin, ext_pool) == {"4020": "assigned", "4022": "assigned"}

    rows = {
        r["number"]: (r["room"], r["state"])
        for r in ok(client.get(f"{API}/emergency-locations", headers=admin))
    }
    assert rows["4020"] == rows["+15551234020"] == ("5-210", "ok")
    paths = sorted(p["summary"] for p in ok(client.get(f"{API}/paths?person=E200", headers=admin)))
    assert paths == ["Sam's laptop → (connection unknown)",
                     "Sam's phone → jack 5-210-A → panel P5 port 1 → switch sw-5-2 Gi1/0/30, VLAN 30/voice 130"]  # fmt: skip

    # A data jack that leads to no switch port: the service is stored and says why its port is not configured.
    loose = ok(client.post(f"{API}/jacks", json={"label": "5-210-B", "jack_type": "data", "room_id": room},
                           headers=admin), 201)  # fmt: skip
    unpatched = ok(client.post(f"{API}/services", json={"type": "data_port", "status": "active", "person_id": sam["id"],
                                                         "details": {"jack_id": loose["id"], "vlan": 30}}, headers=admin), 201)  # fmt: skip
    assert unpatched["switch_port"] == {"switch_port_id": None, "configured": False,
                                        "reason": "jack 5-210-B is not patched through to a switch port"}  # fmt: skip
    history = ok(client.get(f"{API}/services/{unpatched['id']}/history", headers=admin))["items"]
    assert history[-1]["action"] == "port_not_configured"


def test_a_leaver_hands_everything_back_and_the_numbers_rest(client, admin, db):
    desk = build_desk(client, admin, db)
    world, svc = desk.world, desk.services
    ext_pool, did_pool = _pools(client, admin, str(world.site.id))
    listed = ok(client.post(f"{API}/people/{world.pat.id}/offboard", json={}, headers=admin))
    assert sorted(a["name"] for a in listed["assets"]) == ["mon-pat", "pc-pat", "phone-4021"]
    assert {s["type"] for s in listed["services"]} == {"extension", "did", "voicemail", "data_port"}
    assert listed["disconnected_service_ids"] == []

    done = ok(
        client.post(
            f"{API}/people/{world.pat.id}/offboard", json={"disconnect_services": True}, headers=admin
        )
    )
    assert sorted(done["disconnected_service_ids"]) == sorted(s["id"] for s in svc.values())
    assert sorted(done["quarantined_numbers"]) == ["+15551234021", "4021"]
    # Pat's numbers were taken before the pools existed: still, they rest in quarantine, not free.
    assert _free(client, admin, ext_pool) == ["4020", "4022", "4023"]
    assert _free(client, admin, did_pool) == ["+15551234020", "+15551234022", "+15551234023"]
    assert ok(client.get(f"{API}/emergency-locations", headers=admin)) == []
    port = ok(client.get(f"{API}/switch-ports/{desk.ports['3-114-C']['id']}", headers=admin))
    assert (port["vlan"], port["admin_state"]) == (20, "down")
    again = client.post(f"{API}/services", json={"type": "extension", "site_id": str(world.site.id),
                                                  "details": {"number": "4021"}}, headers=admin)  # fmt: skip
    assert (again.status_code, again.json()["code"]) == (409, "number_quarantined")
    nxt = ok(client.post(f"{API}/services", json={"type": "extension", "site_id": str(world.site.id),
                                                   "number_pool_id": ext_pool["id"]}, headers=admin), 201)  # fmt: skip
    assert nxt["number"] == "4020"
