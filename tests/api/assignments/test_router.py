from datetime import date, timedelta

from tests.api.cabling.world import asset, build_world


def test_check_out_in_and_lists(client, db, admin, make_user):
    with db.transaction() as session:
        world = build_world(session)
        laptop = asset(session, "laptop", "lt-1", world.site, status="in_stock",
                       warranty_end=date.today() + timedelta(days=5))  # fmt: skip
    due = (date.today() + timedelta(days=3)).isoformat()
    out = client.post(f"/api/v1/assets/{laptop.id}/checkout", json={"person_id": str(world.pat.id),
                                                                     "expected_return": due}, headers=admin)  # fmt: skip
    assert out.status_code == 201, out.text
    again = client.post(
        f"/api/v1/assets/{laptop.id}/checkout", json={"person_id": str(world.pat.id)}, headers=admin
    )
    assert again.status_code == 409 and again.json()["code"] == "already_checked_out"
    opened = client.get(f"/api/v1/assignments?person_id={world.pat.id}&open=true", headers=admin).json()
    assert [a["id"] for a in opened["items"]] == [out.json()["id"]]
    assert client.get("/api/v1/assignments/overdue", headers=admin).json()["items"] == []
    warranty = client.get("/api/v1/lifecycle/warranty?days=30", headers=admin).json()
    assert [a["name"] for a in warranty["items"]] == ["lt-1"]
    assert "lt-1" in client.get("/api/v1/lifecycle/warranty?days=30&format=csv", headers=admin).text
    back = client.post(f"/api/v1/assets/{laptop.id}/checkin", json={}, headers=admin)
    assert back.status_code == 200 and back.json()["checked_in_at"]
    viewer = make_user("viewer")
    assert client.post(f"/api/v1/assets/{laptop.id}/checkin", json={}, headers=viewer).status_code == 403
