from sqlalchemy import func, select

from inventory_api.locations.models import Location


def post(client, headers, **body):
    return client.post("/api/v1/locations", json=body, headers=headers)


def test_tree_with_breadcrumbs_and_children(client, admin):
    site = post(client, admin, kind="site", name="Lyon", time_zone="Europe/Paris", country="FR").json()
    building = post(client, admin, kind="building", name="B1", parent_id=site["id"]).json()
    room = post(client, admin, kind="room", name="101", parent_id=building["id"])
    assert room.status_code == 201
    assert room.headers["etag"] == '"1"'
    body = room.json()
    assert body["site_id"] == site["id"]
    assert [p["name"] for p in body["path"]] == ["Lyon", "B1", "101"]
    children = client.get(f"/api/v1/locations/{building['id']}/children", headers=admin).json()
    assert [c["name"] for c in children["items"]] == ["101"]
    sites = client.get("/api/v1/locations", params={"roots": "true"}, headers=admin).json()["items"]
    assert [s["id"] for s in sites] == [site["id"]]


def test_bad_time_zone_and_missing_parent(client, admin):
    bad = post(client, admin, kind="site", name="X", time_zone="Europe/Atlantis")
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_time_zone")
    orphan = post(client, admin, kind="room", name="101")
    assert (orphan.status_code, orphan.json()["code"]) == (422, "parent_required")


def test_move_with_etag(client, admin):
    lyon = post(client, admin, kind="site", name="Lyon", time_zone="Europe/Paris").json()
    oslo = post(client, admin, kind="site", name="Oslo", time_zone="Europe/Oslo").json()
    building = post(client, admin, kind="building", name="B1", parent_id=lyon["id"]).json()
    room = post(client, admin, kind="room", name="101", parent_id=building["id"]).json()
    url = f"/api/v1/locations/{building['id']}"
    stale = client.patch(url, json={"parent_id": oslo["id"]}, headers={**admin, "If-Match": '"7"'})
    assert stale.status_code == 412
    moved = client.patch(url, json={"parent_id": oslo["id"]}, headers={**admin, "If-Match": '"1"'})
    assert moved.status_code == 200, moved.text
    assert moved.json()["site_id"] == oslo["id"]
    assert client.get(f"/api/v1/locations/{room['id']}", headers=admin).json()["site_id"] == oslo["id"]


def test_delete_in_use_is_refused_and_changes_nothing(client, admin, db):
    site = post(client, admin, kind="site", name="Lyon", time_zone="Europe/Paris").json()
    room = post(client, admin, kind="room", name="101", parent_id=site["id"]).json()
    client.post("/api/v1/assets", json={"kind": "desktop", "location_id": room["id"]}, headers=admin)
    refused = client.delete(f"/api/v1/locations/{room['id']}", headers=admin)
    assert refused.status_code == 409
    assert refused.json()["code"] == "location_in_use"
    assert refused.json()["assets"] == 1
    assert "1 assets" in refused.json()["detail"]
    with db.sessions() as s:
        assert s.scalar(select(func.count()).where(Location.deleted_at.is_not(None))) == 0


def test_csv(client, admin):
    post(client, admin, kind="site", name="Lyon", time_zone="Europe/Paris")
    response = client.get("/api/v1/locations", headers={**admin, "Accept": "text/csv"})
    assert response.text.splitlines()[0].startswith("id,kind,name")
    assert "Lyon" in response.text
