"""Campaigns from an asset query (memory, OS past support) with a progress view; OS support-dates import."""

from inventory_api.assets.models import Asset
from inventory_api.inventory.models import SystemFacts

GIB = 1024**3
CSV = "os_name,os_version,end_of_support,source\nWindows 10 Pro,22H2,2025-10-14,Microsoft lifecycle\nUbuntu,20.04,2025-05-31,\n"


def fleet(session, world):
    """Three desktops: 4 GiB Windows 10, 16 GiB Windows 10, 8 GiB Ubuntu 24.04; plus a laptop with 4 GiB."""
    specs = [
        ("pc-a", "desktop", 4, "Windows 10 Pro", "22H2"),
        ("pc-b", "desktop", 16, "Windows 10 Pro", "22H2"),
        ("pc-c", "desktop", 8, "Ubuntu", "24.04"),
        ("lt-d", "laptop", 4, "Windows 11 Pro", "24H2"),
    ]
    for name, kind, gib, os_name, version in specs:
        asset = Asset(kind=kind, status="deployed", name=name, site_id=world.site)
        session.add(asset)
        session.flush()
        session.add(
            SystemFacts(asset_id=asset.id, memory_total_bytes=gib * GIB, os_name=os_name, os_version=version)
        )
    session.commit()


def test_memory_campaign_with_progress(client, admin, session, world):
    fleet(session, world)
    query = {"kinds": ["desktop"], "memory_below_bytes": 8 * GIB}
    preview = client.post("/api/v1/campaigns/preview", json=query, headers=admin).json()
    assert preview["count"] == 1 and preview["sample"][0]["name"] == "pc-a"
    created = client.post("/api/v1/campaigns", json={"name": "RAM < 8 GiB", "query": query,
                          "action": "replace_component", "params": {"component": "memory"}},
                          headers={**admin, "Idempotency-Key": "camp-1"})  # fmt: skip
    assert created.status_code == 201, created.text
    campaign = created.json()
    assert campaign["progress"] == {"open": 1, "done": 0, "failed": 0, "total": 1}
    orders = client.get("/api/v1/work-orders", params={"campaign_id": campaign["id"]}, headers=admin).json()[
        "items"
    ]
    assert [o["title"] for o in orders] == ["Upgrade pc-a"]
    for state in ("in_progress", "resolved"):
        client.post(f"/api/v1/work-orders/{orders[0]['id']}/transitions", json={"to": state}, headers=admin)
    progress = client.get(f"/api/v1/campaigns/{campaign['id']}", headers=admin).json()["progress"]
    assert progress == {"open": 0, "done": 1, "failed": 0, "total": 1}
    again = client.post("/api/v1/campaigns", json={"name": "RAM < 8 GiB", "query": query, "action": "replace_component",
                        "params": {"component": "memory"}}, headers={**admin, "Idempotency-Key": "camp-1"})  # fmt: skip
    assert again.json()["id"] == campaign["id"]
    assert len(client.get("/api/v1/campaigns", headers=admin).json()) == 1


def test_os_out_of_support_campaign_from_an_imported_table(client, admin, make_user, session, world):
    fleet(session, world)
    tech = make_user("technician")
    bad = client.post("/api/v1/os-support-dates/import", content="name,date\nx,y\n",
                      headers={**admin, "content-type": "text/csv"})  # fmt: skip
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_csv"
    denied = client.post(
        "/api/v1/os-support-dates/import", content=CSV, headers={**tech, "content-type": "text/csv"}
    )
    assert denied.status_code == 403
    imported = client.post(
        "/api/v1/os-support-dates/import", content=CSV, headers={**admin, "content-type": "text/csv"}
    )
    assert imported.json() == {"imported": 2}
    again = client.post("/api/v1/os-support-dates/import", json=[{"os_name": "Ubuntu", "os_version": "24.04",
                        "end_of_support": "2029-05-31"}], headers=admin)  # fmt: skip
    assert again.json() == {"imported": 1}
    assert len(client.get("/api/v1/os-support-dates", headers=tech).json()) == 3
    query = {"kinds": ["desktop", "laptop"], "os_unsupported_on": "2026-01-01"}
    preview = client.post("/api/v1/campaigns/preview", json=query, headers=tech).json()
    assert sorted(a["name"] for a in preview["sample"]) == ["pc-a", "pc-b"]
    created = client.post(
        "/api/v1/campaigns", json={"name": "Win10 EOL", "query": query}, headers=tech
    ).json()
    assert created["progress"]["total"] == 2
    orders = client.get("/api/v1/work-orders", params={"campaign_id": created["id"]}, headers=tech).json()[
        "items"
    ]
    client.post(f"/api/v1/work-orders/{orders[0]['id']}/transitions", json={"to": "cancelled"}, headers=tech)
    progress = client.get(f"/api/v1/campaigns/{created['id']}", headers=tech).json()["progress"]
    assert progress == {"open": 1, "done": 0, "failed": 1, "total": 2}
    empty = client.post(
        "/api/v1/campaigns", json={"name": "none", "query": {"os_name": "OS/2"}}, headers=tech
    )
    assert empty.status_code == 422 and empty.json()["code"] == "empty_campaign"
