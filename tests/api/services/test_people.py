from inventory_api.numbers.models import NumberRecord
from tests.api.cabling.world import build_world, cable_desk


def _pat(db):
    with db.transaction() as session:
        world = build_world(session)
        cable_desk(session, world)
        return world


def _services(client, admin, world):
    ext = client.post("/api/v1/services", json={"type": "extension", "status": "active", "person_id": str(world.pat.id),
                      "details": {"number": "4021"}, "asset_ids": [str(world.phone.id)]}, headers=admin)  # fmt: skip
    did = client.post("/api/v1/services", json={"type": "did", "status": "active", "person_id": str(world.pat.id),
                      "details": {"number": "+15551234021", "extension": "4021"}}, headers=admin)  # fmt: skip
    vm = client.post("/api/v1/services", json={"type": "voicemail", "person_id": str(world.pat.id),
                     "details": {"mailbox": "4021"}}, headers=admin)  # fmt: skip
    assert {ext.status_code, did.status_code, vm.status_code} == {201}


def test_person_overview_lists_assets_paths_and_services(client, db, admin):
    world = _pat(db)
    _services(client, admin, world)
    page = client.get(f"/api/v1/people/{world.pat.id}/overview", headers=admin)
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["person"]["name"] == "Pat Doe"
    summaries = {row["asset"]["name"]: row["path"]["summary"] for row in body["assets"]}
    assert summaries["phone-4021"].endswith("→ switch sw-3-1 Gi1/0/14, VLAN 20/voice 120")
    assert sorted(s["number"] for s in body["services"]) == ["+15551234021", "4021", "4021"]
    assert client.get(f"/api/v1/people/{world.site.id}/overview", headers=admin).status_code == 404


def test_offboard_lists_then_disconnects(client, db, admin):
    world = _pat(db)
    _services(client, admin, world)
    url = f"/api/v1/people/{world.pat.id}/offboard"
    listed = client.post(url, json={}, headers=admin).json()
    assert len(listed["services"]) == 3 and listed["disconnected_service_ids"] == []
    assert sorted(a["name"] for a in listed["assets"]) == ["pc-pat", "phone-4021"]
    done = client.post(url, json={"disconnect_services": True}, headers=admin).json()
    assert len(done["disconnected_service_ids"]) == 3
    assert sorted(done["quarantined_numbers"]) == ["+15551234021", "4021"]
    with db.transaction() as session:
        states = {r.number: r.state for r in session.query(NumberRecord)}
    assert states == {"4021": "quarantined", "+15551234021": "quarantined"}
    assert client.post(url, json={}, headers=admin).json()["services"] == []
