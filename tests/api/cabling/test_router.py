import uuid

from inventory_api.cabling.models import Jack
from inventory_api.webhooks.service import check_event_types
from tests.api.cabling.world import build_world


def _world(db):
    with db.transaction() as session:
        return build_world(session)


def _cable(client, admin, world):
    jack = client.post("/api/v1/jacks", json={"label": "3-114-B", "jack_type": "combo", "room_id": str(world.room.id)},
                       headers=admin)  # fmt: skip
    assert jack.status_code == 201, jack.text
    panel = client.post("/api/v1/patch-panels", json={"name": "P3", "location_id": str(world.closet.id),
                                                       "port_count": 24}, headers=admin)  # fmt: skip
    assert panel.status_code == 201, panel.text
    ports = client.get(f"/api/v1/patch-panels/{panel.json()['id']}/ports", headers=admin).json()
    switch_port = client.post("/api/v1/switch-ports", json={"switch_id": str(world.switch.id),
                              "name": "GigabitEthernet1/0/14", "vlan": 20, "voice_vlan": 120, "poe": True},
                              headers=admin)  # fmt: skip
    assert switch_port.status_code == 201, switch_port.text
    patched = client.post("/api/v1/patches", json={"panel_port_id": ports[13]["id"], "jack_id": jack.json()["id"],
                                                   "switch_port_id": switch_port.json()["id"]}, headers=admin)  # fmt: skip
    assert patched.status_code == 200, patched.text
    return jack.json(), ports, switch_port.json()


def test_cable_a_desk_and_read_its_path(client, db, admin):
    world = _world(db)
    jack, _ports, switch_port = _cable(client, admin, world)
    assert switch_port["name"] == "Gi1/0/14"
    connected = client.put(
        f"/api/v1/assets/{world.phone.id}/connection", json={"jack_id": jack["id"]}, headers=admin
    )
    assert connected.status_code == 200
    expected = "Pat's phone → jack 3-114-B → panel P3 port 14 → switch sw-3-1 Gi1/0/14, VLAN 20/voice 120"
    for query in (
        "jack=3-114-B", f"jack={jack['id']}", f"switch_port={switch_port['id']}", "switch_port=sw-3-1 Gi1/0/14",
        f"asset={world.phone.id}", f"room={world.room.id}", "asset=PH-4021-HQ",
    ):  # fmt: skip
        answer = client.get(f"/api/v1/paths?{query}", headers=admin)
        assert answer.status_code == 200, (query, answer.text)
        assert [p["summary"] for p in answer.json()] == [expected], query
    by_person = client.get(f"/api/v1/paths?person={world.pat.id}", headers=admin).json()
    assert expected in [p["summary"] for p in by_person]
    assert client.get("/api/v1/paths", headers=admin).json()["code"] == "one_start"


def test_a_port_patched_twice_is_409_and_changes_nothing(client, db, admin):
    world = _world(db)
    jack, ports, switch_port = _cable(client, admin, world)
    other = client.post(
        "/api/v1/jacks", json={"label": "3-114-C", "room_id": str(world.room.id)}, headers=admin
    )
    answer = client.post("/api/v1/patches", json={"panel_port_id": ports[13]["id"], "jack_id": other.json()["id"]},
                         headers=admin)  # fmt: skip
    assert answer.status_code == 409 and answer.json()["code"] == "already_patched"
    answer = client.post("/api/v1/patches", json={"panel_port_id": ports[14]["id"], "jack_id": other.json()["id"],
                                                  "switch_port_id": switch_port["id"]}, headers=admin)  # fmt: skip
    assert answer.status_code == 409 and answer.json()["code"] == "already_patched"
    with db.transaction() as session:  # the jack half of the failed request did not stick
        assert session.get(Jack, uuid.UUID(other.json()["id"])).panel_port_id is None
    removed = client.delete(f"/api/v1/patches/{ports[13]['id']}", headers=admin)
    assert removed.status_code == 200 and removed.json()["switch_port_id"] is None
    assert client.get(f"/api/v1/jacks/{jack['id']}", headers=admin).json()["panel_port_id"] is None


def test_jack_update_wants_the_current_version_and_other_sites_are_hidden(client, db, admin, make_user):
    world = _world(db)
    jack = client.post(
        "/api/v1/jacks", json={"label": "3-114-A", "room_id": str(world.room.id)}, headers=admin
    )
    assert jack.headers["etag"] == '"1"'
    url = f"/api/v1/jacks/{jack.json()['id']}"
    stale = client.patch(url, json={"jack_type": "voice"}, headers={**admin, "If-Match": '"7"'})
    assert stale.status_code == 412
    fresh = client.patch(url, json={"jack_type": "voice"}, headers={**admin, "If-Match": '"1"'})
    assert fresh.status_code == 200 and fresh.headers["etag"] == '"2"'
    with db.transaction() as session:
        elsewhere = build_world(session, site_name="Branch")
    viewer = make_user("viewer", site_ids=[elsewhere.site.id])
    assert client.get(url, headers=viewer).status_code == 404
    assert client.get("/api/v1/jacks", headers=viewer).json()["items"] == []
    assert (
        client.post(
            "/api/v1/jacks", json={"label": "x", "room_id": str(world.room.id)}, headers=viewer
        ).status_code
        == 403
    )
    duplicate = client.post(
        "/api/v1/jacks", json={"label": "3-114-A", "room_id": str(world.room.id)}, headers=admin
    )
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate_label"


def test_lists_export_csv_with_formulas_escaped(client, db, admin):
    world = _world(db)
    client.post(
        "/api/v1/jacks", json={"label": "=HYPERLINK(1)", "room_id": str(world.room.id)}, headers=admin
    )
    answer = client.get("/api/v1/jacks?format=csv", headers=admin)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "'=HYPERLINK(1)" in answer.text


def test_lldp_and_device_attributes_through_the_api(client, db, admin):
    world = _world(db)
    jack, _, switch_port = _cable(client, admin, world)
    attrs = client.put(f"/api/v1/devices/{world.switch.id}/attributes",
                       json={"attributes": {"mac": "00-11-22-33-44-55", "port_count": 48, "poe_budget_watts": 370}},
                       headers=admin)  # fmt: skip
    assert attrs.status_code == 200 and attrs.json()["mac"] == "00:11:22:33:44:55"
    bad = client.put(f"/api/v1/devices/{world.switch.id}/attributes", json={"attributes": {"port_count": 0}},
                     headers=admin)  # fmt: skip
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_attributes"
    seen = client.post(f"/api/v1/assets/{world.desktop.id}/lldp",
                       json={"chassis_id": "00:11:22:33:44:55", "port_id": "Gi1/0/14"}, headers=admin)  # fmt: skip
    assert seen.status_code == 200 and seen.json()["switch_port_id"] == switch_port["id"]
    assert seen.json()["jack_id"] == jack["id"]
    unknown = client.post(f"/api/v1/assets/{world.desktop.id}/lldp",
                          json={"chassis_id": "ff:ff:ff:00:00:00", "port_id": "1"}, headers=admin)  # fmt: skip
    assert unknown.status_code == 404


def _cabling_events(db) -> list[tuple[str, str, str]]:
    from sqlalchemy import select

    from inventory_api.events.models import OutboxEvent

    with db.transaction() as session:
        rows = session.scalars(
            select(OutboxEvent).where(OutboxEvent.event_type == "cabling.changed").order_by(OutboxEvent.id)
        )
        return [(e.payload["subject_type"], e.payload["action"], e.payload["site_id"]) for e in rows]


def test_cabling_changes_are_outbox_events_and_a_failed_patch_emits_none(client, db, admin):
    world = _world(db)
    site = str(world.room.site_id)
    jack, ports, switch_port = _cable(client, admin, world)
    assert _cabling_events(db) == [
        ("jack", "created", site), ("patch_panel", "created", site), ("switch_port", "created", site),
        ("jack", "patched", site), ("switch_port", "patched", site),
    ]  # fmt: skip
    other = client.post(
        "/api/v1/jacks", json={"label": "3-114-C", "room_id": str(world.room.id)}, headers=admin
    )
    before = _cabling_events(db)
    answer = client.post("/api/v1/patches", json={"panel_port_id": ports[14]["id"], "jack_id": other.json()["id"],
                                                  "switch_port_id": switch_port["id"]}, headers=admin)  # fmt: skip
    assert answer.status_code == 409
    assert _cabling_events(db) == before  # the jack half was rolled back with its event
    assert client.delete(f"/api/v1/patches/{ports[13]['id']}", headers=admin).status_code == 200
    assert _cabling_events(db)[len(before) :] == [
        ("jack", "unpatched", site),
        ("switch_port", "unpatched", site),
    ]
    plugged = client.put(
        f"/api/v1/assets/{world.phone.id}/connection", json={"jack_id": jack["id"]}, headers=admin
    )
    assert plugged.status_code == 200, plugged.text
    assert _cabling_events(db)[-1] == ("asset", "connected", str(world.phone.site_id))
    check_event_types(["cabling.changed", "cabling.*"])  # webhooks can subscribe to it
