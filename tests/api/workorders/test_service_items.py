"""Work-order items on services through the API: params that are refused, the wrong kind of record, note and
inspect on anything, change_service, disconnecting an extension that others point at."""

from __future__ import annotations

from tests.api.stories.desk import API, build_desk, ok

URL = f"{API}/work-orders"


def _order(client, headers, desk, *items, kind="change"):
    body = {"kind": kind, "title": "Change for Pat", "site_id": str(desk.world.site.id), "items": list(items)}
    return client.post(URL, json=body, headers=headers)


def _resolve(client, headers, order_id):
    ok(client.post(f"{URL}/{order_id}/transitions", json={"to": "in_progress"}, headers=headers))
    return client.post(f"{URL}/{order_id}/transitions", json={"to": "resolved"}, headers=headers)


def test_a_param_the_action_does_not_take_is_refused_not_stored(client, admin, db):
    desk = build_desk(client, admin, db)
    ext, room = desk.services["extension"]["id"], str(desk.world.other_room.id)
    item = {"action": "assign_service", "subject_id": ext,
            "params": {"person_id": str(desk.world.pat.id), "location_id": room}}  # fmt: skip
    answer = _order(client, admin, desk, item)
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "invalid_action"
    assert "assign_service does not take location_id" in answer.json()["detail"]
    assert ok(client.get(URL, headers=admin))["items"] == []
    moved = ok(
        _order(
            client,
            admin,
            desk,
            {"action": "move_service", "subject_id": ext, "params": {"location_id": room}},
        ),
        201,
    )
    assert _resolve(client, admin, moved["id"]).status_code == 200
    assert ok(client.get(f"{API}/services/{ext}", headers=admin))["location_id"] == room


def test_the_wrong_kind_of_record_is_named(client, admin, db):
    desk = build_desk(client, admin, db)
    ext = desk.services["extension"]["id"]
    answer = _order(client, admin, desk, {"action": "retire_asset", "subject_id": ext})
    assert answer.status_code == 422
    assert answer.json()["code"] == "wrong_kind"
    assert f"{ext} is a service, not an asset" in answer.json()["detail"]
    jack = desk.jacks["3-114-B"]["id"]
    answer = _order(client, admin, desk, {"action": "assign_service", "subject_id": jack,
                                          "params": {"person_id": str(desk.world.pat.id)}})  # fmt: skip
    assert (answer.status_code, answer.json()["found"]) == (422, "jack")
    assert "is a jack, not a service" in answer.json()["detail"]
    # a param naming the wrong kind of record: the jack where the room should be
    answer = _order(client, admin, desk, {"action": "move_asset", "subject_id": str(desk.world.phone.id),
                                          "params": {"location_id": jack}})  # fmt: skip
    assert (answer.status_code, answer.json()["code"], answer.json()["field"]) == (
        422,
        "wrong_kind",
        "params.location_id",
    )
    assert answer.json()["detail"] == f"location_id {jack} is a jack, not a location"
    # a jack of another room than the target
    order = ok(_order(client, admin, desk, {"action": "move_asset", "subject_id": str(desk.world.phone.id),
                                            "params": {"location_id": str(desk.world.other_room.id), "jack_id": jack}}), 201)  # fmt: skip
    answer = _resolve(client, admin, order["id"])
    assert answer.status_code == 409 and answer.json()["reason"] == "jack 3-114-B is not in 5-210"


def test_note_and_inspect_link_a_service_or_jack_without_changing_it(client, admin, db):
    desk = build_desk(client, admin, db)
    ext, jack = desk.services["extension"], desk.jacks["3-114-B"]
    order = ok(_order(client, admin, desk,
                      {"action": "inspect", "subject_type": "service", "subject_id": ext["id"],
                       "params": {"note": "no dial tone"}},
                      {"action": "note", "subject_type": "jack", "subject_id": jack["id"]},
                      {"action": "note", "subject_id": str(desk.world.phone.id)}, kind="repair"), 201)  # fmt: skip
    assert [i["subject_type"] for i in order["items"]] == ["service", "jack", "asset"]
    assert _resolve(client, admin, order["id"]).status_code == 200
    after = ok(client.get(f"{API}/services/{ext['id']}", headers=admin))
    assert after["version"] == ext["version"] and after["location_id"] == ext["location_id"]
    history = ok(client.get(f"{API}/services/{ext['id']}/history", headers=admin))["items"]
    assert [(e["action"], e["summary"], e["cause_id"]) for e in history][-1] == (
        "inspect",
        "no dial tone",
        order["id"],
    )
    jack_history = ok(client.get(f"{API}/jacks/{jack['id']}/history", headers=admin))["items"]
    assert jack_history[-1]["action"] == "note" and jack_history[-1]["cause_id"] == order["id"]


def test_change_service_number_person_and_device_and_follow_the_device(client, admin, db):
    desk = build_desk(client, admin, db)
    world, ext = desk.world, desk.services["extension"]["id"]
    with db.transaction() as session:
        from inventory_api.people.models import Person

        sam = Person(name="Sam Roe", name_key="sam roe", site_id=world.site.id)
        session.add(sam)
        session.flush()
        sam_id = str(sam.id)
    # A number no longer valid for a DID ("4021" is not E.164) fails the whole order at resolve, naming the item.
    bad = ok(_order(client, admin, desk, {"action": "change_service", "subject_id": desk.services["did"]["id"],
                                          "params": {"number": "4021"}}), 201)  # fmt: skip
    answer = _resolve(client, admin, bad["id"])
    assert answer.status_code == 409 and answer.json()["item"]["action"] == "change_service"
    assert "details.number" in answer.json()["reason"]
    order = ok(_order(client, admin, desk, {"action": "change_service", "subject_id": ext, "params": {
        "number": "4022", "person_id": sam_id, "location_id": None, "asset_ids": [str(world.phone.id)]}}), 201)  # fmt: skip
    assert _resolve(client, admin, order["id"]).status_code == 200, order
    after = ok(client.get(f"{API}/services/{ext}", headers=admin))
    assert (after["number"], after["person_id"], after["location_id"]) == ("4022", sam_id, None)
    rows = {r["number"]: r for r in ok(client.get(f"{API}/emergency-locations", headers=admin))}
    assert rows["4022"]["room"] == "3-114" and rows["4022"]["state"] == "ok"  # the phone's room
    # The phone moves by hand to 5-210 (no order): the extension follows it, and its jack in 3-114 makes it stale.
    ok(
        client.patch(
            f"{API}/assets/{world.phone.id}", json={"location_id": str(world.other_room.id)}, headers=admin
        )
    )
    rows = {r["number"]: r for r in ok(client.get(f"{API}/emergency-locations", headers=admin))}
    assert (rows["4022"]["room"], rows["4022"]["state"]) == ("5-210", "stale")
    assert rows["4022"]["stale_detail"]["jack"] == "3-114-B"


def test_disconnecting_an_extension_refuses_carries_or_disconnects_what_points_at_it(client, admin, db):
    desk = build_desk(client, admin, db)
    svc = desk.services
    ext = svc["extension"]["id"]
    refused = client.patch(f"{API}/services/{ext}", json={"status": "disconnected"}, headers=admin)
    assert refused.status_code == 409 and refused.json()["code"] == "extension_in_use"
    assert {d["type"] for d in refused.json()["dependents"]} == {"did", "voicemail"}
    assert "did +15551234021" in refused.json()["detail"]
    order = ok(_order(client, admin, desk, {"action": "disconnect_service", "subject_id": ext}), 201)
    answer = _resolve(client, admin, order["id"])
    assert answer.status_code == 409 and "still used by" in answer.json()["reason"]
    nowhere = client.patch(f"{API}/services/{ext}", json={"status": "disconnected", "dependents": "carry",
                                                          "carry_to": "4999"}, headers=admin)  # fmt: skip
    assert nowhere.status_code == 422 and nowhere.json()["code"] == "unknown_extension"
    pointless = client.patch(f"{API}/services/{svc['did']['id']}", json={"status": "disconnected",
                                                                         "dependents": "disconnect"}, headers=admin)  # fmt: skip
    assert (pointless.status_code, pointless.json()["code"]) == (422, "invalid_dependents")
    other = ok(client.post(f"{API}/services", json={"type": "extension", "status": "active", "site_id": str(desk.world.site.id),
                                                     "details": {"number": "4050"}}, headers=admin), 201)  # fmt: skip
    carried = client.patch(f"{API}/services/{ext}", json={"status": "disconnected", "dependents": "carry",
                                                          "carry_to": "4050"}, headers=admin)  # fmt: skip
    assert carried.status_code == 200, carried.text
    for key in ("did", "voicemail"):
        dependent = ok(client.get(f"{API}/services/{svc[key]['id']}", headers=admin))
        assert (dependent["status"], dependent["details"]["extension"]) == ("active", "4050")
    gone = ok(_order(client, admin, desk, {"action": "disconnect_service", "subject_id": other["id"],
                                          "params": {"dependents": "disconnect"}}), 201)  # fmt: skip
    assert _resolve(client, admin, gone["id"]).status_code == 200
    for key in ("did", "voicemail"):
        assert ok(client.get(f"{API}/services/{svc[key]['id']}", headers=admin))["status"] == "disconnected"
    assert _order(client, admin, desk, {"action": "disconnect_service", "subject_id": ext,
                                        "params": {"dependents": "carry"}}).status_code == 422  # fmt: skip


def test_a_repatch_recomputes_the_911_state(client, admin, db):
    desk = build_desk(client, admin, db)
    world = desk.world
    lldp = {"chassis_id": "00:11:22:33:44:55", "port_id": "Gi1/0/14", "system_name": "sw-3-1"}
    ok(client.post(f"{API}/assets/{world.phone.id}/lldp", json=lldp, headers=admin))
    assert ok(client.get(f"{API}/emergency-locations?state=problem", headers=admin)) == []
    # Gi1/0/14 is re-patched to panel P5 port 1, which leads to jack 5-210-A: the phone on it is in 5-210 now.
    p3_port, p5_port = desk.panel_ports["3-114-B"], desk.panel_ports["5-210-A"]
    ok(client.delete(f"{API}/patches/{p3_port['id']}?jack=false", headers=admin))
    ok(client.delete(f"{API}/patches/{p5_port['id']}?jack=false", headers=admin))
    ok(client.post(f"{API}/patches", json={"panel_port_id": p5_port["id"],
                                           "switch_port_id": desk.ports["3-114-B"]["id"]}, headers=admin))  # fmt: skip
    problems = {
        r["number"]: r for r in ok(client.get(f"{API}/emergency-locations?state=problem", headers=admin))
    }
    assert set(problems) == {"4021", "+15551234021"}
    assert problems["4021"]["stale_detail"]["jack"] == "5-210-A"
    export = client.get(f"{API}/emergency-locations?format=csv&state=problem", headers=admin).text
    assert "\r\n4021,extension,1 Main Street,Springfield,IL,62701,US,Main,3,3-114,stale\r\n" in export


def test_a_move_without_a_jack_forgets_the_old_one_and_other_orders_carry_nothing(client, admin, db):
    desk = build_desk(client, admin, db)
    world, ext = desk.world, desk.services["extension"]["id"]
    room, jack = str(world.other_room.id), desk.jacks["5-210-A"]["id"]
    # A repair order takes the phone to 5-210-A: the extension keeps its own room 3-114, so it is stale now.
    repair = ok(_order(client, admin, desk, {"action": "move_asset", "subject_id": str(world.phone.id),
                                             "params": {"location_id": room, "jack_id": jack}}, kind="repair"), 201)  # fmt: skip
    assert _resolve(client, admin, repair["id"]).status_code == 200
    rows = {
        r["number"]: (r["room"], r["state"])
        for r in ok(client.get(f"{API}/emergency-locations", headers=admin))
    }
    assert rows == {"4021": ("3-114", "stale"), "+15551234021": ("3-114", "stale")}
    flagged = ok(client.get(f"{API}/services/{ext}/history", headers=admin))["items"][-1]
    assert (flagged["action"], flagged["cause_id"]) == ("flagged", repair["id"])
    # A move order takes it on to 3-114 without naming a jack: where it is plugged in is unknown, the old jack is
    # freed, and the extension (back in its own room) is no longer stale.
    back = ok(_order(client, admin, desk, {"action": "move_asset", "subject_id": str(world.phone.id),
                                           "params": {"location_id": str(world.room.id)}}, kind="move"), 201)  # fmt: skip
    assert _resolve(client, admin, back["id"]).status_code == 200
    paths = ok(client.get(f"{API}/paths?asset={world.phone.asset_tag}", headers=admin))
    assert [p["summary"] for p in paths] == ["Pat's phone → (connection unknown)"]
    freed = ok(client.get(f"{API}/jacks/{jack}/history", headers=admin))["items"][-1]
    assert (freed["action"], freed["cause_id"]) == ("freed", back["id"])
    rows = {
        r["number"]: (r["room"], r["state"])
        for r in ok(client.get(f"{API}/emergency-locations", headers=admin))
    }
    assert rows == {"4021": ("3-114", "ok"), "+15551234021": ("3-114", "ok")}
