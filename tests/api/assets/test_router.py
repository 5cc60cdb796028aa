import uuid

from sqlalchemy import func, select

from inventory_api.assets.models import Asset
from inventory_api.assets.queries import search_values
from inventory_api.events.models import OutboxEvent


def post_asset(client, headers, site_id, **body):
    return client.post("/api/v1/assets", json={"kind": "laptop", "site_id": site_id, **body}, headers=headers)


def test_create_read_update_with_etag(client, admin, site_id):
    created = post_asset(client, admin, site_id, asset_tag="T-1", cost="1234.50", currency="EUR")
    assert created.status_code == 201, created.text
    assert created.headers["etag"] == '"1"'
    body = created.json()
    assert body["cost"] == "1234.50"
    url = f"/api/v1/assets/{body['id']}"
    assert client.get(url, headers=admin).headers["etag"] == '"1"'
    changed = client.patch(url, json={"name": "Ada's laptop"}, headers={**admin, "If-Match": '"1"'})
    assert changed.status_code == 200
    assert changed.headers["etag"] == '"2"'
    stale = client.patch(url, json={"name": "x"}, headers={**admin, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert client.get(url, headers=admin).json()["name"] == "Ada's laptop"


def test_conflicts_have_codes_and_change_nothing(client, admin, site_id, db):
    first = post_asset(client, admin, site_id, asset_tag="T-1", serial="SN1", manufacturer="Dell Inc.").json()
    dup_tag = post_asset(client, admin, site_id, asset_tag="T-1")
    assert (dup_tag.status_code, dup_tag.json()["code"]) == (409, "asset_tag_taken")
    dup_serial = post_asset(client, admin, site_id, serial="sn 1", manufacturer="DELL")
    assert (dup_serial.status_code, dup_serial.json()["code"]) == (409, "serial_taken")
    bad = client.patch(f"/api/v1/assets/{first['id']}", json={"status": "disposed"}, headers=admin)
    assert bad.status_code == 409
    assert bad.json()["code"] == "invalid_transition"
    assert bad.json()["allowed"] == ["deployed", "in_repair", "retired"]
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Asset)) == 1
        assert s.scalar(select(func.count()).select_from(OutboxEvent)) == 1


def test_validation_names_the_field(client, admin, site_id):
    response = post_asset(client, admin, site_id, cost="10", currency="eur")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "currency"
    response = post_asset(client, admin, site_id, cost="10")
    assert response.json()["code"] == "currency_required"
    response = post_asset(client, admin, site_id, kind="toaster")
    assert response.status_code == 422


def test_history_is_paged_by_event_id(client, admin, site_id):
    asset = post_asset(client, admin, site_id, name="a").json()
    for name in ("b", "c", "d"):
        client.patch(f"/api/v1/assets/{asset['id']}", json={"name": name}, headers=admin)
    url = f"/api/v1/assets/{asset['id']}/history"
    first = client.get(url, params={"limit": 2}, headers=admin).json()
    assert [e["action"] for e in first["items"]] == ["created", "updated"]
    rest = client.get(url, params={"limit": 2, "after": first["next"]}, headers=admin).json()
    assert [e["changes"] for e in rest["items"]] == [{"name": ["b", "c"]}, {"name": ["c", "d"]}]
    assert rest["items"][0]["actor_type"] == "token"


def test_search_and_filters(client, admin, site_id):
    person = client.post(
        "/api/v1/people",
        json={"name": "Grace Hopper", "email": "grace@example.org", "site_id": site_id},
        headers=admin,
    ).json()
    asset = post_asset(
        client, admin, site_id, asset_tag="INV-1", serial="ABC 123", hostname="PC-1.corp.example",
        assigned_person_id=person["id"], warranty_end="2025-01-01",
    ).json()  # fmt: skip
    post_asset(client, admin, site_id, asset_tag="INV-2", kind="monitor")
    mac = client.post(
        f"/api/v1/assets/{asset['id']}/identifiers",
        json={"kind": "mac", "value": "AABB.CCDD.EEFF"},
        headers=admin,
    )
    assert mac.json()["value"] == "aa:bb:cc:dd:ee:ff"
    for q in (
        "INV-1",
        "abc123",
        "pc-1",
        "PC-1.corp.example",
        "aa-bb-cc-dd-ee-ff",
        "AABB.CCDD.EEFF",
        "gra",
        "grace@ex",
    ):
        found = client.get("/api/v1/assets", params={"q": q}, headers=admin).json()["items"]
        assert [a["id"] for a in found] == [asset["id"]], q
    listed = client.get("/api/v1/assets", params={"kind": "monitor", "count": "true"}, headers=admin).json()
    assert listed["total"] == 1
    old = client.get("/api/v1/assets", params={"warranty_end_before": "2026-01-01"}, headers=admin).json()
    assert [a["id"] for a in old["items"]] == [asset["id"]]
    bad_sort = client.get("/api/v1/assets", params={"sort": "colour"}, headers=admin)
    assert bad_sort.json()["code"] == "invalid_sort"


def test_keyset_pages_cover_everything_once(client, admin, site_id):
    ids = {post_asset(client, admin, site_id, asset_tag=f"T-{i:02}").json()["id"] for i in range(7)}
    seen, cursor = [], None
    while True:
        params = {"limit": 3, "sort": "-asset_tag", **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/assets", params=params, headers=admin).json()
        seen += [a["asset_tag"] for a in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert seen == [f"T-{i:02}" for i in reversed(range(7))]
    assert len(ids) == 7


def test_custom_fields_through_the_api(client, admin, site_id):
    field = client.post(
        "/api/v1/custom-fields", json={"kind": "laptop", "name": "cost_centre", "type": "text", "required": True},
        headers=admin,
    )  # fmt: skip
    assert field.status_code == 201, field.text
    missing = post_asset(client, admin, site_id)
    assert missing.status_code == 422
    assert missing.json()["field"] == "custom_fields.cost_centre"
    ok = post_asset(client, admin, site_id, custom_fields={"cost_centre": "CC-9"}).json()
    post_asset(client, admin, site_id, custom_fields={"cost_centre": "CC-1"})
    found = client.get("/api/v1/assets", params={"cf_cost_centre": "CC-9"}, headers=admin).json()["items"]
    assert [a["id"] for a in found] == [ok["id"]]
    unknown = client.get("/api/v1/assets", params={"cf_colour": "red"}, headers=admin)
    assert unknown.json()["code"] == "unknown_custom_field"


def test_csv_export(client, admin, site_id):
    post_asset(client, admin, site_id, asset_tag="=cmd()", name="x")
    response = client.get("/api/v1/assets", params={"format": "csv"}, headers=admin)
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0].startswith("id,kind,status")
    assert "'=cmd()" in lines[1]


def test_delete_is_soft_and_frees_the_tag(client, admin, site_id, db):
    asset = post_asset(client, admin, site_id, asset_tag="T-1").json()
    client.post(
        f"/api/v1/assets/{asset['id']}/identifiers",
        json={"kind": "mac", "value": "00:11:22:33:44:55"},
        headers=admin,
    )
    assert client.delete(f"/api/v1/assets/{asset['id']}", headers=admin).status_code == 204
    assert client.get(f"/api/v1/assets/{asset['id']}", headers=admin).status_code == 404
    again = post_asset(client, admin, site_id, asset_tag="T-1").json()
    comeback = client.post(
        f"/api/v1/assets/{again['id']}/identifiers",
        json={"kind": "mac", "value": "00-11-22-33-44-55"},
        headers=admin,
    )
    assert comeback.json()["code"] == "identifier_taken"
    with db.sessions() as s:
        tomb = s.get(Asset, uuid.UUID(asset["id"]))
        assert tomb.deleted_at is not None and tomb.deleted_by
        events = list(s.scalars(select(OutboxEvent.event_type).order_by(OutboxEvent.id)))
    assert events == ["asset.created", "asset.deleted", "asset.created"]


def test_another_sites_asset_is_not_found(client, admin, make_user, site_id, other_site_id):
    mine = post_asset(client, admin, site_id).json()
    theirs = post_asset(client, admin, other_site_id).json()
    local = make_user("technician", site_ids=[uuid.UUID(site_id)])
    assert client.get(f"/api/v1/assets/{theirs['id']}", headers=local).status_code == 404
    listed = client.get("/api/v1/assets", headers=local).json()["items"]
    assert [a["id"] for a in listed] == [mine["id"]]
    assert post_asset(client, local, other_site_id).status_code == 404


def test_flags_list_and_resolve(client, admin, site_id, db):
    from inventory_api.assets import flags
    from inventory_api.assets.service import require_asset

    asset = post_asset(client, admin, site_id).json()
    with db.transaction() as s:
        flag = flags.raise_flag(s, require_asset(s, uuid.UUID(asset["id"])), "possible_clone")
        flag_id = str(flag.id)
    assert [f["kind"] for f in client.get(f"/api/v1/assets/{asset['id']}/flags", headers=admin).json()] == [
        "possible_clone"
    ]
    open_flags = client.get(
        "/api/v1/flags", params={"open": "true", "kind": "possible_clone"}, headers=admin
    ).json()
    assert [f["id"] for f in open_flags["items"]] == [flag_id]
    flagged = client.get("/api/v1/assets", params={"flagged": "true"}, headers=admin).json()["items"]
    assert [a["id"] for a in flagged] == [asset["id"]]
    resolved = client.post(
        f"/api/v1/flags/{flag_id}/resolve", json={"note": "same disk image"}, headers=admin
    )
    assert resolved.json()["resolved_by"].startswith("admin")
    assert client.post(f"/api/v1/flags/{flag_id}/resolve", headers=admin).json()["code"] == "flag_resolved"
    assert client.get("/api/v1/flags", params={"open": "true"}, headers=admin).json()["items"] == []


def test_an_address_shaped_search_is_one_probe_of_its_kind():
    for q in ("aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff"):
        assert search_values(q) == {"q_tag": q, "q_mac": "aa:bb:cc:dd:ee:ff"}
    assert search_values("10.1.2.3") == {"q_tag": "10.1.2.3", "q_ip": "10.1.2.3"}
    assert search_values("FE80::1") == {"q_tag": "FE80::1", "q_ip": "fe80::1"}
    # twelve hex digits without a MAC's separators may be a serial or a host name as well
    assert {"q_serial", "q_hostname", "q_mac"} <= search_values("ABCD-1234-EF56").keys()
