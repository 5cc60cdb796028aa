"""The home page: my queue and my sites' with SLA badges, open flags, silent machines, recent changes."""

import uuid
from datetime import timedelta

from inventory_api.db import utcnow
from inventory_api.ingest.flags import flag_asset
from inventory_api.workorders.models import WorkOrder
from tests.api.stories.desk import API, build_desk, ok


def test_home_shows_the_day_within_my_sites(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    site = str(desk.world.site.id)
    make_user("technician", username="tess", site_ids=[desk.world.site.id])
    tess = ok(
        client.post(f"{API}/auth/login", json={"username": "tess", "password": "correct horse battery"})
    )
    me = ok(client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {tess['token']}"}))
    late = ok(client.post(f"{API}/work-orders", json={"kind": "repair", "title": "Phone dead in 3-114", "site_id": site,
                                                      "assignee_id": me["user_id"]}, headers=admin), 201)  # fmt: skip
    ok(
        client.post(
            f"{API}/work-orders", json={"kind": "move", "title": "Move Pat", "site_id": site}, headers=admin
        ),
        201,
    )
    with db.transaction() as s:
        order = s.get(WorkOrder, uuid.UUID(late["id"]))
        order.created_at, order.resolution_due_at = (
            utcnow() - timedelta(hours=8),
            utcnow() - timedelta(hours=2),
        )
        flag_asset(s, desk.monitor.id, "possible_clone", {"why": "test"})

    client.cookies.set("inventory_session", tess["token"])
    page = client.get("/")
    assert page.status_code == 200
    mine = page.text.split('id="my-queue"')[1].split("</table>")[0]
    assert "Phone dead in 3-114" in mine and "breached 2 h ago" in mine and "Move Pat" not in mine
    team = page.text.split('id="team-queue"')[1].split("</table>")[0]
    assert "Move Pat" in team and "Phone dead" in team
    assert "possible_clone" in page.text.split('id="flags"')[1]
    assert 'id="changes"' in page.text

    elsewhere = ok(client.post(f"{API}/locations", json={"kind": "site", "name": "B", "time_zone": "UTC"},
                               headers=admin), 201)  # fmt: skip
    make_user("technician", username="bo", site_ids=[uuid.UUID(elsewhere["id"])])
    bo = ok(client.post(f"{API}/auth/login", json={"username": "bo", "password": "correct horse battery"}))
    client.cookies.set("inventory_session", bo["token"])
    other = client.get("/").text
    assert "Move Pat" not in other and "possible_clone" not in other and "Nothing open." in other
