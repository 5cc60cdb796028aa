"""The move story through the API: Pat moves from 3-114 to 5-210, and everything follows the work order."""

from __future__ import annotations

import csv
import io

from tests.api.stories.desk import API, build_desk, move_order, ok

ORDER_REF = f"{API}/work-orders/by-ref/servicenow/CHG0042"


def _resolve(client, headers, order_id):
    ok(client.post(f"{API}/work-orders/{order_id}/transitions", json={"to": "in_progress"}, headers=headers))
    return client.post(f"{API}/work-orders/{order_id}/transitions", json={"to": "resolved"}, headers=headers)


def _caused_by(client, headers, url, order_id):
    """The history entries of a record that name the work order as their cause."""
    items = ok(client.get(f"{url}/history", headers=headers))["items"]
    return [
        (e["action"], e["summary"])
        for e in items
        if (e["cause_type"], e["cause_id"]) == ("work_order", order_id)
    ]


def _where(client, headers, desk):
    """Every place the move story looks at, as the API shows it."""
    world, svc = desk.world, desk.services
    rooms = {world.room.id.hex: "3-114", world.other_room.id.hex: "5-210", None: None}

    def room(record):
        return rooms[record["location_id"].replace("-", "") if record["location_id"] else None]

    assets = {a.name: room(ok(client.get(f"{API}/assets/{a.id}", headers=headers)))
              for a in (world.desktop, desk.monitor, world.phone)}  # fmt: skip
    services = {k: room(ok(client.get(f"{API}/services/{v['id']}", headers=headers))) for k, v in svc.items()}
    data_port = ok(client.get(f"{API}/services/{svc['data_port']['id']}", headers=headers))
    jack_labels = {j["id"]: label for label, j in desk.jacks.items()}
    paths = sorted(
        p["summary"] for p in ok(client.get(f"{API}/paths?person={world.pat.employee_id}", headers=headers))
    )
    emergency = sorted((r["number"], r["room"], r["state"]) for r in ok(client.get(f"{API}/emergency-locations",
                                                                                   headers=headers)))  # fmt: skip
    export = list(
        csv.DictReader(io.StringIO(client.get(f"{API}/emergency-locations?format=csv", headers=headers).text))
    )
    overview = ok(client.get(f"{API}/people/{world.pat.id}/overview", headers=headers))
    assert sorted(a["path"]["summary"] for a in overview["assets"]) == paths  # the person's page agrees
    assert {s["id"]: room(s) for s in overview["services"]} == {v["id"]: services[k] for k, v in svc.items()}
    return {
        "assets": assets, "services": services, "data_port_jack": jack_labels[data_port["details"]["jack_id"]],
        "paths": paths, "emergency": emergency,
        "export": sorted((r["number"], r["floor"], r["room"], r["state"]) for r in export),
    }  # fmt: skip


BEFORE = {
    "assets": {"pc-pat": "3-114", "mon-pat": "3-114", "phone-4021": "3-114"},
    "services": {"extension": "3-114", "did": None, "voicemail": "3-114", "data_port": None},
    "data_port_jack": "3-114-C",
    "paths": [
        "Pat's desktop → jack 3-114-C → panel P3 port 15 → switch sw-3-1 Gi1/0/15, VLAN 20/voice 120",
        "Pat's monitor → (connection unknown)",
        "Pat's phone → jack 3-114-B → panel P3 port 14 → switch sw-3-1 Gi1/0/14",
    ],
    "emergency": [("+15551234021", "3-114", "ok"), ("4021", "3-114", "ok")],
    "export": [("+15551234021", "3", "3-114", "ok"), ("4021", "3", "3-114", "ok")],
}


def test_a_move_order_carries_assets_services_cabling_and_911(client, admin, db):
    desk = build_desk(client, admin, db)
    world = desk.world
    assert _where(client, admin, desk) == BEFORE
    created = client.put(ORDER_REF, json=move_order(desk), headers=admin)
    retried = client.put(ORDER_REF, json=move_order(desk), headers=admin)  # the flaky network sends it twice
    assert (created.status_code, retried.status_code) == (201, 200), retried.text
    order_id = created.json()["id"]
    assert retried.json()["id"] == order_id and len(retried.json()["items"]) == 4
    resolved = _resolve(client, admin, order_id)
    assert resolved.status_code == 200, resolved.text
    assert all(
        i["status"] == "applied"
        for i in ok(client.get(f"{API}/work-orders/{order_id}", headers=admin))["items"]
    )

    assert _where(client, admin, desk) == {
        "assets": {"pc-pat": "5-210", "mon-pat": "5-210", "phone-4021": "5-210"},
        # the voicemail box was in the extension's room and goes with it; the DID follows the extension anyway
        "services": {"extension": "5-210", "did": None, "voicemail": "5-210", "data_port": None},
        "data_port_jack": "5-210-A",
        "paths": [
            "Pat's desktop → jack 5-210-A → panel P5 port 1 → switch sw-5-2 Gi1/0/30, VLAN 20/voice 120",
            "Pat's monitor → (connection unknown)",
            "Pat's phone → jack 5-210-A → panel P5 port 1 → switch sw-5-2 Gi1/0/30, VLAN 20/voice 120",
        ],
        "emergency": [("+15551234021", "5-210", "ok"), ("4021", "5-210", "ok")],
        "export": [("+15551234021", "5", "5-210", "ok"), ("4021", "5", "5-210", "ok")],
    }
    export = client.get(f"{API}/emergency-locations?format=csv", headers=admin).text
    assert "\r\n+15551234021,did,1 Main Street,Springfield,IL,62701,US,Main,5,5-210,ok\r\n" in export
    port = ok(client.get(f"{API}/switch-ports/{desk.ports['5-210-A']['id']}", headers=admin))
    assert (port["vlan"], port["voice_vlan"], port["admin_state"]) == (20, 120, "up")

    # history on every record names the order
    for device in (world.desktop, desk.monitor, world.phone):
        assert ("move_asset", "move asset (work order Move Pat from 3-114 to 5-210)") in _caused_by(
            client, admin, f"{API}/assets/{device.id}", order_id
        )
    for key in ("extension", "voicemail", "data_port"):
        assert [
            a for a, _ in _caused_by(client, admin, f"{API}/services/{desk.services[key]['id']}", order_id)
        ] == ["updated"], key
    assert _caused_by(client, admin, f"{API}/jacks/{desk.jacks['3-114-B']['id']}", order_id) == [
        ("freed", "phone-4021 unplugged")
    ]
    assert _caused_by(client, admin, f"{API}/jacks/{desk.jacks['3-114-C']['id']}", order_id) == [
        ("freed", "pc-pat unplugged")
    ]
    assert sorted(_caused_by(client, admin, f"{API}/jacks/{desk.jacks['5-210-A']['id']}", order_id)) == [
        ("connected", "pc-pat plugged in"), ("connected", "phone-4021 plugged in")
    ]  # fmt: skip

    # The desktop's next inventory sees sw-5-2 Gi1/0/30: the jack of its new room, so nothing is flagged.
    lldp = {"chassis_id": "00:11:22:33:55:66", "port_id": "GigabitEthernet1/0/30", "system_name": "sw-5-2"}
    for device in (world.desktop, world.phone):
        ok(client.post(f"{API}/assets/{device.id}/lldp", json=lldp, headers=admin))
        assert ok(client.get(f"{API}/assets/{device.id}/flags", headers=admin)) == []
    assert ok(client.get(f"{API}/emergency-locations?state=problem", headers=admin)) == []


def test_an_order_that_fails_halfway_leaves_everything_where_it_was(client, admin, db):
    desk = build_desk(client, admin, db)
    order = ok(client.put(ORDER_REF, json=move_order(desk), headers=admin), 201)
    # The monitor, item 2, went for repair meanwhile: item 1 could be applied, item 2 cannot.
    ok(client.patch(f"{API}/assets/{desk.monitor.id}", json={"status": "retired"}, headers=admin))
    answer = _resolve(client, admin, order["id"])
    assert answer.status_code == 409, answer.text
    assert (answer.json()["code"], answer.json()["item"]["position"]) == ("action_not_applicable", 2)
    assert "retired" in answer.json()["reason"]
    assert _where(client, admin, desk) == BEFORE


def test_a_move_that_cannot_carry_a_data_port_changes_nothing(client, admin, db):
    desk = build_desk(client, admin, db)
    # Someone else's data port already sits on 5-210-A: every item checks out, the carried data port does not.
    other = {"type": "data_port", "status": "requested", "site_id": str(desk.world.site.id),
             "details": {"jack_id": desk.jacks["5-210-A"]["id"], "vlan": 30}}  # fmt: skip
    ok(client.post(f"{API}/services", json=other, headers=admin), 201)
    order = ok(client.put(ORDER_REF, json=move_order(desk), headers=admin), 201)
    answer = _resolve(client, admin, order["id"])
    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "action_not_applicable" and "5-210-A" in answer.json()["detail"]
    assert _where(client, admin, desk) == BEFORE
    assert ok(client.get(f"{API}/work-orders/{order['id']}", headers=admin))["state"] == "in_progress"
    history = ok(client.get(f"{API}/jacks/{desk.jacks['3-114-B']['id']}/history", headers=admin))["items"]
    assert not [e for e in history if e["cause_id"] == order["id"]]
