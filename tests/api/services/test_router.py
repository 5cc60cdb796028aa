from inventory_api.events.models import OutboxEvent
from inventory_api.services.models import Service
from tests.api.cabling.world import build_world


def _world(db):
    with db.transaction() as session:
        return build_world(session)


def _ext(client, admin, world, number="4021", **extra):
    body = {"type": "extension", "status": "active", "person_id": str(world.pat.id), "location_id": str(world.room.id),
            "details": {"number": number}, "asset_ids": [str(world.phone.id)], **extra}  # fmt: skip
    return client.post("/api/v1/services", json=body, headers=admin)


def test_create_read_and_list_services(client, db, admin):
    world = _world(db)
    created = _ext(client, admin, world)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (
        body["number"] == "4021"
        and body["asset_ids"] == [str(world.phone.id)]
        and created.headers["etag"] == '"1"'
    )
    listed = client.get(f"/api/v1/services?person_id={world.pat.id}&type=extension", headers=admin).json()
    assert [s["number"] for s in listed["items"]] == ["4021"]
    csv = client.get("/api/v1/services?format=csv", headers=admin)
    assert csv.status_code == 200 and "4021" in csv.text


def test_bad_services_are_refused_and_change_nothing(client, db, admin):
    world = _world(db)
    assert _ext(client, admin, world).status_code == 201
    duplicate = _ext(client, admin, world)
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate_number"
    did = client.post("/api/v1/services", json={"type": "did", "person_id": str(world.pat.id),
                                                "details": {"number": "555-1234", "extension": "4021"}}, headers=admin)  # fmt: skip
    assert did.status_code == 422 and did.json()["code"] == "invalid_details"
    assert did.json()["errors"][0]["field"] == "details.number"
    with db.transaction() as session:
        session.get(type(world.desktop), world.desktop.id).status = "retired"
    on_retired = _ext(client, admin, world, number="4022", asset_ids=[str(world.desktop.id)])
    assert on_retired.status_code == 409 and on_retired.json()["code"] == "asset_retired"
    with db.transaction() as session:
        assert session.query(Service).count() == 1
        assert session.query(OutboxEvent).filter_by(event_type="service.created").count() == 1


def test_disconnect_with_if_match_and_numbers_report(client, db, admin, make_user):
    world = _world(db)
    ext = _ext(client, admin, world).json()
    url = f"/api/v1/services/{ext['id']}"
    assert (
        client.patch(url, json={"status": "disconnected"}, headers={**admin, "If-Match": '"9"'}).status_code
        == 412
    )
    done = client.patch(url, json={"status": "disconnected"}, headers={**admin, "If-Match": '"1"'})
    assert (
        done.status_code == 200 and done.json()["status"] == "disconnected" and done.headers["etag"] == '"2"'
    )
    back = client.patch(url, json={"status": "active"}, headers=admin)
    assert back.status_code == 409 and back.json()["allowed"] == []
    again = _ext(client, admin, world)
    assert again.status_code == 409 and again.json()["code"] == "number_quarantined"
    viewer = make_user("viewer", site_ids=[])
    assert client.get(url, headers=viewer).status_code == 404


def test_emergency_locations_export(client, db, admin):
    world = _world(db)
    _ext(client, admin, world)
    _ext(client, admin, world, number="4022", location_id=None, asset_ids=[])
    rows = client.get("/api/v1/emergency-locations", headers=admin).json()
    assert {r["number"]: r["state"] for r in rows} == {"4021": "ok", "4022": "missing"}
    problems = client.get("/api/v1/emergency-locations?state=problem", headers=admin).json()
    assert [r["number"] for r in problems] == ["4022"]
    csv = client.get("/api/v1/emergency-locations?format=csv", headers=admin).text.splitlines()
    assert csv[0] == "number,type,address,city,region,postal_code,country,building,floor,room,state"
    assert "4021,extension,1 Main Street,Springfield,IL,62701,US,Main,3,3-114,ok" in csv
