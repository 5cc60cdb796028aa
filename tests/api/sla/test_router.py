from tests.api.workorders.conftest import make_world

URL = "/api/v1/sla"


def test_calendar_and_policy_drive_the_order_sla_view(client, admin, make_user, session):
    world = make_world(session)
    bad = client.post(f"{URL}/calendars", json={"name": "x", "time_zone": "Mars/Olympus", "hours": {"0": [["08:00", "17:00"]]}},
                      headers=admin)  # fmt: skip
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_calendar"
    cal = client.post(f"{URL}/calendars", json={
        "name": "Paris", "time_zone": "Europe/Paris", "hours": {str(d): [["09:00", "18:00"]] for d in range(5)},
        "holidays": ["2026-12-25"]}, headers=admin)  # fmt: skip
    assert cal.status_code == 201, cal.text
    assert cal.json()["holidays"] == ["2026-12-25"]
    tech = make_user("technician")
    body = {"name": "P2", "priority": "P2", "response_minutes": 240, "resolution_minutes": 1440,
            "calendar_id": cal.json()["id"]}  # fmt: skip
    assert client.post(f"{URL}/policies", json=body, headers=tech).status_code == 403
    policy = client.post(f"{URL}/policies", json=body, headers=admin)
    assert policy.status_code == 201
    again = client.post(f"{URL}/policies", json=body, headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "policy_exists"
    order = client.post("/api/v1/work-orders", json={"kind": "repair", "title": "No dial tone",
                        "site_id": str(world.site), "priority": "P2"}, headers=tech).json()  # fmt: skip
    assert order["sla_policy_id"] == policy.json()["id"] and order["response_due_at"]
    view = client.get(f"/api/v1/work-orders/{order['id']}/sla", headers=tech).json()
    assert (
        view["response"]["target_seconds"] == 4 * 3600 and view["resolution"]["target_seconds"] == 24 * 3600
    )
    assert view["resolution"]["breached"] is False
    changed = client.patch(
        f"{URL}/policies/{policy.json()['id']}", json={"response_minutes": 60}, headers=admin
    )
    assert changed.json()["response_minutes"] == 60 and changed.json()["version"] == 2
    assert changed.headers["etag"] == '"2"'
    stale = client.patch(
        f"{URL}/policies/{policy.json()['id']}",
        json={"response_minutes": 30},
        headers={**admin, "If-Match": '"1"'},
    )
    assert stale.status_code == 412
    holiday = client.patch(
        f"{URL}/calendars/{cal.json()['id']}",
        json={"holidays": ["2026-12-24", "2026-12-25"]},
        headers={**admin, "If-Match": '"1"'},
    )
    assert holiday.json()["holidays"] == ["2026-12-24", "2026-12-25"] and holiday.headers["etag"] == '"2"'
