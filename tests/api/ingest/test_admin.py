import uuid

from sqlalchemy import func, select

from inventory_api.assets.models import Asset, AssetIdentifier
from inventory_api.inventory.models import Cpu
from tests.api.ingest.reports import again, enroll, machine, make_site, payload, post


def test_admin_creates_lists_and_revokes_enroll_secrets(client, db, admin, make_user):
    site = make_site(db)
    tech = make_user("technician")
    assert (
        client.post(
            "/api/v1/enroll-secrets", json={"name": "x", "site_id": str(site)}, headers=tech
        ).status_code
        == 403
    )
    response = client.post(
        "/api/v1/enroll-secrets", json={"name": "installers", "site_id": str(site)}, headers=admin
    )
    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("ens_")
    bad = client.post(
        "/api/v1/enroll-secrets", json={"name": "x", "site_id": str(uuid.uuid4())}, headers=admin
    )
    assert bad.json()["code"] == "invalid_site"
    listed = client.get("/api/v1/enroll-secrets", headers=admin).json()
    assert [s["name"] for s in listed] == ["installers"] and "secret" not in listed[0]
    enroll(client, created["secret"], machine())
    assert client.delete(f"/api/v1/enroll-secrets/{created['id']}", headers=admin).status_code == 204
    refused = client.post("/api/v1/collectors/enroll", json={"secret": created["secret"], "identity": {}})
    assert refused.json()["code"] == "invalid_secret"


def test_admin_lists_and_revokes_collectors(client, db, admin):
    site = make_site(db)
    secret = client.post(
        "/api/v1/enroll-secrets", json={"name": "s", "site_id": str(site)}, headers=admin
    ).json()["secret"]
    report = machine()
    enrolled = enroll(client, secret, report)
    post(client, enrolled["node_key"], payload(report))
    collectors = client.get("/api/v1/collectors", headers=admin).json()["items"]
    assert [(c["asset_id"], c["hostname"], c["collector_version"], c["matched_by"]) for c in collectors] == [
        (enrolled["asset_id"], "pc-001", "1.0.0", "new")
    ]
    assert collectors[0]["last_contact_at"]
    revoked = client.post(
        f"/api/v1/collectors/{collectors[0]['id']}/revoke", json={"reason": "laptop stolen"}, headers=admin
    )
    assert revoked.json()["revoke_reason"] == "laptop stolen"
    assert post(client, enrolled["node_key"], payload(again(report))).json()["code"] == "invalid_node_key"
    assert client.get("/api/v1/collectors?revoked=false", headers=admin).json()["items"] == []


def test_approval_holds_reports_until_an_admin_approves(client, db, admin, app):
    app.state.settings = app.state.settings.model_copy(update={"require_enroll_approval": True})
    site = make_site(db)
    secret = client.post(
        "/api/v1/enroll-secrets", json={"name": "s", "site_id": str(site)}, headers=admin
    ).json()["secret"]
    report = machine()
    key = enroll(client, secret, report)["node_key"]
    held = post(client, key, payload(report))
    assert (held.status_code, held.json()["status"]) == (202, "pending_approval")
    assert held.headers["Retry-After"] == "3600"
    collector = client.get("/api/v1/collectors?approved=false", headers=admin).json()["items"][0]
    client.post(f"/api/v1/collectors/{collector['id']}/approve", headers=admin)
    assert post(client, key, payload(report)).json()["status"] == "applied"


def test_merge_two_assets_of_one_machine(client, db, admin):
    site = make_site(db)
    secret = client.post(
        "/api/v1/enroll-secrets", json={"name": "s", "site_id": str(site)}, headers=admin
    ).json()["secret"]
    old = machine(
        uuid_=None, serial=None, machine_id="a" * 32, macs=("3c:52:82:00:00:01",), hostname="old-name"
    )
    new = machine(
        uuid_=None, serial=None, machine_id="b" * 32, macs=("3c:52:82:00:00:02",), hostname="new-name"
    )
    a, b = enroll(client, secret, old), enroll(client, secret, new)
    post(client, a["node_key"], payload(old))
    post(client, b["node_key"], payload(again(new, seconds=5)))
    assert a["asset_id"] != b["asset_id"]
    response = client.post(
        f"/api/v1/assets/{a['asset_id']}/merge", json={"duplicate_id": b["asset_id"]}, headers=admin
    )
    assert response.status_code == 200, response.text
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Asset).where(Asset.deleted_at.is_(None))) == 1
        assert {i.value for i in s.scalars(select(AssetIdentifier))} >= {"a" * 32, "b" * 32}
        assert set(s.scalars(select(Cpu.asset_id))) == {uuid.UUID(a["asset_id"])}
    history = client.get(f"/api/v1/assets/{a['asset_id']}/history", headers=admin).json()["items"]
    assert any(e["summary"] == "merged with new-name" for e in history)
    # the duplicate's collector now reports onto the survivor, sending everything in full first
    resend = post(client, b["node_key"], payload(again(new, seconds=6), acknowledged={"software": "x"}))
    assert resend.json()["asset_id"] == a["asset_id"]
    assert (
        client.post(
            f"/api/v1/assets/{a['asset_id']}/merge", json={"duplicate_id": a["asset_id"]}, headers=admin
        ).status_code
        == 409
    )
