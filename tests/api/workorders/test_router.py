import uuid

from sqlalchemy import select

from inventory_api.assets.models import Asset
from inventory_api.history.models import ChangeEvent
from inventory_api.workorders.models import WorkOrder

URL = "/api/v1/work-orders"


def body(world, **extra):
    return {
        "kind": "move", "title": "Move Ada", "site_id": str(world.site), "priority": "P2",
        "items": [{"action": "move_asset", "subject_id": str(world.desktop),
                   "params": {"location_id": str(world.room_b)}}],
        **extra,
    }  # fmt: skip


def test_create_read_and_update_with_etag(client, admin, world):
    created = client.post(URL, json=body(world), headers=admin)
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["state"] == "new" and order["items"][0]["status"] == "pending"
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"{URL}/{order['id']}"
    read = client.get(f"{URL}/{order['id']}", headers=admin)
    assert read.json()["title"] == "Move Ada" and read.headers["etag"] == '"1"'
    changed = client.patch(f"{URL}/{order['id']}", json={"title": "Move Ada to 5-210"},
                           headers={**admin, "If-Match": '"1"'})  # fmt: skip
    assert changed.status_code == 200 and changed.headers["etag"] == '"2"'
    stale = client.patch(f"{URL}/{order['id']}", json={"title": "x"}, headers={**admin, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    assert client.get(f"{URL}/{order['id']}", headers=admin).json()["title"] == "Move Ada to 5-210"


def test_illegal_transition_is_409_with_allowed(client, admin, world):
    order = client.post(URL, json=body(world), headers=admin).json()
    answer = client.post(f"{URL}/{order['id']}/transitions", json={"to": "resolved"}, headers=admin)
    assert answer.status_code == 409
    assert answer.json()["code"] == "invalid_transition"
    assert answer.json()["allowed"] == ["assigned", "in_progress", "cancelled"]


def test_resolve_failure_names_the_action_and_changes_nothing(client, admin, world, db):
    order = client.post(URL, json=body(world), headers=admin).json()
    client.post(f"{URL}/{order['id']}/transitions", json={"to": "in_progress"}, headers=admin)
    with db.transaction() as s:
        s.get(Asset, world.desktop).status = "retired"
    answer = client.post(f"{URL}/{order['id']}/transitions", json={"to": "resolved"}, headers=admin)
    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "action_not_applicable"
    assert answer.json()["item"]["action"] == "move_asset"
    assert "retired" in answer.json()["reason"]
    with db.sessions() as s:
        assert s.get(Asset, world.desktop).location_id == world.room_a
        assert s.get(WorkOrder, uuid.UUID(order["id"])).state == "in_progress"
    item = answer.json()["item"]["id"]
    assert client.delete(f"{URL}/{order['id']}/items/{item}", headers=admin).status_code == 204
    resolved = client.post(f"{URL}/{order['id']}/transitions", json={"to": "resolved"}, headers=admin)
    assert resolved.status_code == 200 and resolved.json()["items"] == []
    gone = client.delete(f"{URL}/{order['id']}/items/{item}", headers=admin)
    assert gone.status_code == 404


def test_resolve_moves_the_asset(client, admin, world, db):
    order = client.post(URL, json=body(world), headers=admin).json()
    for state in ("in_progress", "resolved", "closed"):
        answer = client.post(f"{URL}/{order['id']}/transitions", json={"to": state}, headers=admin)
        assert answer.status_code == 200, answer.text
    assert answer.json()["closed_at"] and answer.json()["items"][0]["status"] == "applied"
    with db.sessions() as s:
        assert s.get(Asset, world.desktop).location_id == world.room_b
        cause = s.scalar(select(ChangeEvent.cause_id).where(ChangeEvent.subject_type == "asset"))
        assert cause == order["id"]


def test_upsert_by_external_reference(client, admin, world):
    url = f"{URL}/by-ref/servicenow/INC0012"
    first = client.put(url, json=body(world), headers=admin)
    assert first.status_code == 201, first.text
    again = client.put(url, json={**body(world), "title": "Move Ada (updated)"}, headers=admin)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["title"] == "Move Ada (updated)"
    assert len(again.json()["items"]) == 1  # items only on create
    assert client.get(url, headers=admin).json()["external_id"] == "INC0012"
    stale = client.put(url, json=body(world), headers={**admin, "If-Match": '"1"'})
    assert stale.status_code == 412
    moved = client.put(url, json={**body(world), "site_id": str(world.other_site)}, headers=admin)
    assert moved.status_code == 409 and moved.json()["code"] == "site_immutable"
    listed = client.get(URL, params={"external_system": "servicenow"}, headers=admin).json()
    assert [o["external_id"] for o in listed["items"]] == ["INC0012"]


def test_other_sites_orders_are_not_found(client, admin, make_user, world):
    order = client.post(URL, json=body(world), headers=admin).json()
    branch = make_user("technician", site_ids=[world.other_site])
    assert client.get(f"{URL}/{order['id']}", headers=branch).status_code == 404
    assert client.get(URL, headers=branch).json()["items"] == []
    denied = client.post(URL, json=body(world), headers=branch)
    assert denied.status_code == 422 and denied.json()["code"] == "unknown_reference"
    viewer = make_user("viewer")
    assert client.post(URL, json=body(world), headers=viewer).status_code == 403


def test_bad_references_are_422_and_create_nothing(client, admin, world, db):
    bad = body(world, location_id=str(world.other_site))
    assert client.post(URL, json=bad, headers=admin).json()["code"] == "unknown_reference"
    bad_item = body(world)
    bad_item["items"][0]["params"] = {}
    answer = client.post(URL, json=bad_item, headers=admin)
    assert answer.status_code == 422 and answer.json()["code"] == "invalid_action"
    with db.sessions() as s:
        assert s.scalars(select(WorkOrder)).all() == []


def test_notes_time_entries_and_activity(client, admin, make_user, world):
    tech = make_user("technician", username="dana")
    order = client.post(URL, json=body(world), headers=admin).json()
    note = client.post(
        f"{URL}/{order['id']}/notes", json={"body": "Called Ada, moving Tuesday"}, headers=tech
    )
    assert note.status_code == 201 and note.json()["author_name"] == "dana"
    for minutes in (30, 45):
        booked = client.post(f"{URL}/{order['id']}/time-entries", json={"minutes": minutes, "work_date": "2026-03-03"},
                             headers=tech)  # fmt: skip
        assert booked.status_code == 201, booked.text
    summary = client.get(f"{URL}/{order['id']}/time-summary", headers=admin).json()
    assert [s["minutes"] for s in summary] == [75]
    client.post(f"{URL}/{order['id']}/transitions", json={"to": "in_progress"}, headers=tech)
    log = client.get(f"{URL}/{order['id']}/activity", headers=admin).json()
    assert [e["action"] for e in log] == [
        "created",
        "item_added",
        "note_added",
        "time_booked",
        "time_booked",
        "state_changed",
    ]
    assert log[-1]["actor_name"] == "dana"
    assert (
        client.get(f"{URL}/{order['id']}/notes", headers=admin).json()[0]["body"]
        == "Called Ada, moving Tuesday"
    )


def test_changed_after_reads_each_change_once_in_commit_order(client, admin, world):
    a = client.post(URL, json=body(world, title="A"), headers=admin).json()
    b = client.post(URL, json=body(world, title="B"), headers=admin).json()
    # The position is taken at commit, after the answer was built: read it back.
    assert b["change_seq"] is None
    a, b = (client.get(f"{URL}/{o['id']}", headers=admin).json() for o in (a, b))
    assert b["change_seq"] > a["change_seq"]
    client.patch(f"{URL}/{a['id']}", json={"title": "A2"}, headers=admin)
    page = client.get(URL, params={"changed_after": b["change_seq"] - 1}, headers=admin).json()
    assert [o["title"] for o in page["items"]] == ["B", "A2"]
    last = page["items"][-1]["change_seq"]
    assert client.get(URL, params={"changed_after": last}, headers=admin).json()["items"] == []
    for answer_format in (
        "json",
        "csv",
    ):  # a position past 64 bits is a 422, also before a CSV starts streaming
        beyond = client.get(URL, params={"changed_after": 2**63, "format": answer_format}, headers=admin)
        assert beyond.status_code == 422 and "changed_after" in beyond.text
    feed = client.get("/api/v1/changes", params={"after": 0}, headers=admin).json()
    assert [c["subject_type"] for c in feed["items"]].count("work_order") == 2
    assert feed["next_after"] == max(c["change_seq"] for c in feed["items"])
