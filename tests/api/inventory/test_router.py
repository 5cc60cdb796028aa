import uuid
from datetime import timedelta

from sqlalchemy import update

from inventory_api.assets.models import Asset
from inventory_api.db import utcnow
from tests.api.ingest.reports import GiB, enroll, machine, make_secret, make_site, payload, post


def reported(client, db, **kwargs):
    site = make_site(db)
    report = machine(**kwargs)
    key = enroll(client, make_secret(db, site), report)["node_key"]
    return site, uuid.UUID(post(client, key, payload(report)).json()["asset_id"])


def test_inventory_view_shows_hardware_network_security_and_status(client, db, admin):
    _, asset_id = reported(client, db)
    body = client.get(f"/api/v1/assets/{asset_id}/inventory", headers=admin).json()
    assert body["system"]["os_name"] == "Ubuntu"
    assert body["system"]["memory_total_bytes"] == 8 * GiB
    assert body["cpus"][0]["model"] == "Intel Core i5-1145G7"
    assert body["volumes"][0]["free_bytes"] == 50 * GiB
    eth0 = next(i for i in body["interfaces"] if i["name"] == "eth0")
    assert {a["address"] for a in eth0["addresses"]} == {"10.1.0.10", "fe80::1"}
    assert body["security"]["firewall_enabled"] is True
    assert body["status"]["logged_in_user"] == "dana"
    assert body["status"]["collector_version"] == "1.0.0"
    assert body["software_count"] == 3
    assert body["devices"][0]["kind"] == "storage"


def test_last_user_and_domain_are_kept_apart(client, db, admin):
    report = machine()
    report.system.os.last_user, report.system.os.last_user_domain = "MariaLopez", "AzureAD"
    key = enroll(client, make_secret(db, make_site(db)), report)["node_key"]
    asset_id = post(client, key, payload(report)).json()["asset_id"]
    system = client.get(f"/api/v1/assets/{asset_id}/inventory", headers=admin).json()["system"]
    assert (system["last_user"], system["last_user_domain"]) == ("MariaLopez", "AzureAD")


def test_inventory_of_another_sites_asset_is_not_found(client, db, make_user):
    _, asset_id = reported(client, db)
    other = make_site(db, "Branch")
    viewer = make_user("viewer", site_ids=[other])
    assert client.get(f"/api/v1/assets/{asset_id}/inventory", headers=viewer).status_code == 404
    assert client.get(f"/api/v1/assets/{asset_id}/software", headers=viewer).status_code == 404


def test_software_catalog_counts_and_installations(client, db, admin):
    _, asset_id = reported(client, db)
    page = client.get("/api/v1/software?q=mozilla", headers=admin).json()
    assert [(t["name"], t["publisher"], t["installations"]) for t in page["items"]] == [
        ("Mozilla Firefox", "Mozilla", 1)
    ]
    assert page["items"][0]["versions"] == [{"version": "128.0", "installations": 1}]
    title_id = page["items"][0]["id"]
    where = client.get(f"/api/v1/software/{title_id}/installations", headers=admin).json()["items"]
    assert [(w["asset_id"], w["version"], w["architecture"], w["scope"]) for w in where] == [
        (str(asset_id), "128.0", "x86_64", "system")
    ]
    assert client.get(f"/api/v1/software/{uuid.uuid4()}/installations", headers=admin).status_code == 404
    mine = client.get(f"/api/v1/assets/{asset_id}/software?limit=2", headers=admin).json()
    assert len(mine["items"]) == 2 and mine["next"]


def test_stale_assets_are_listed_and_flagged(client, db, admin, make_user):
    _, asset_id = reported(client, db)
    assert client.get("/api/v1/inventory/stale", headers=admin).json()["items"] == []
    with db.transaction() as s:
        s.execute(update(Asset).where(Asset.id == asset_id).values(last_seen=utcnow() - timedelta(days=40)))
    items = client.get("/api/v1/inventory/stale", headers=admin).json()["items"]
    assert [i["id"] for i in items] == [str(asset_id)]
    assert client.get("/api/v1/inventory/stale?days=60", headers=admin).json()["items"] == []
    viewer = make_user("viewer")
    assert client.post("/api/v1/inventory/stale/flag", headers=viewer).status_code == 403
    assert client.post("/api/v1/inventory/stale/flag", headers=admin).json()["flagged"] == 1
    flags = client.get(f"/api/v1/assets/{asset_id}/flags", headers=admin).json()
    assert [f["kind"] for f in flags] == ["stale"]
    csv = client.get("/api/v1/inventory/stale?format=csv", headers=admin)
    assert csv.status_code == 200 and "pc-001" in csv.text
