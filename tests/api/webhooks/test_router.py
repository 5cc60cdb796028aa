from sqlalchemy import select

from inventory_api.db import utcnow
from inventory_api.jobs.loop import run_once
from inventory_api.webhooks.models import WebhookDelivery
from tests.api.workorders.conftest import make_world

URL = "/api/v1/webhooks"


def test_subscribe_receive_list_and_redeliver(client, admin, make_user, db, session, settings, receiver):
    tech = make_user("technician")
    body = {"name": "ServiceNow", "url": receiver.url, "event_types": ["work_order.*"]}
    assert client.post(f"{URL}/subscriptions", json=body, headers=tech).status_code == 403
    created = client.post(f"{URL}/subscriptions", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["secret"].startswith("whsec_")
    assert "secret" not in client.get(f"{URL}/subscriptions/{created.json()['id']}", headers=admin).json()
    world = make_world(session)
    order = client.post("/api/v1/work-orders", json={"kind": "add", "title": "New hire", "site_id": str(world.site)},
                        headers=tech)  # fmt: skip
    assert order.status_code == 201
    run_once(db, utcnow(), settings)
    assert [b["type"] for b in receiver.bodies()] == ["work_order.created"]
    listed = client.get(f"{URL}/deliveries", params={"status": "delivered"}, headers=admin).json()
    assert len(listed["items"]) == 1 and listed["items"][0]["attempts"] == 1
    delivery_id = listed["items"][0]["id"]
    again = client.post(f"{URL}/deliveries/{delivery_id}/redeliver", headers=admin)
    assert again.status_code == 200 and again.json()["status"] == "pending"
    busy = client.post(f"{URL}/deliveries/{delivery_id}/redeliver", headers=admin)
    assert busy.status_code == 409 and busy.json()["code"] == "delivery_pending"
    run_once(db, utcnow(), settings)
    assert len(receiver.received) == 2
    ids = {r["headers"]["webhook-id"] for r in receiver.received}
    assert len(ids) == 1
    with db.sessions() as s:
        assert s.scalar(select(WebhookDelivery.status)) == "delivered"


def test_unsafe_urls_and_unknown_event_types_are_422(client, admin):
    for url in ("http://169.254.169.254/latest/meta-data", "http://10.0.0.5/hook", "http://[fe80::1]/x"):
        answer = client.post(
            f"{URL}/subscriptions", json={"name": "x", "url": url, "event_types": ["*"]}, headers=admin
        )
        assert answer.status_code == 422 and answer.json()["code"] == "unsafe_url", url
    answer = client.post(f"{URL}/subscriptions", json={"name": "x", "url": "https://example.org/h", "event_types": ["nope"]},
                         headers=admin)  # fmt: skip
    assert answer.json()["code"] == "unknown_event_type"
    assert client.get(f"{URL}/subscriptions", headers=admin).json() == []


def test_rotating_the_secret_shows_a_new_one(client, admin, receiver):
    created = client.post(f"{URL}/subscriptions", json={"name": "x", "url": receiver.url, "event_types": ["*"]},
                          headers=admin).json()  # fmt: skip
    rotated = client.patch(f"{URL}/subscriptions/{created['id']}", json={"rotate_secret": True, "active": False},
                           headers=admin).json()  # fmt: skip
    assert rotated["secret"] != created["secret"] and rotated["active"] is False and rotated["version"] == 2
    stale = client.patch(
        f"{URL}/subscriptions/{created['id']}", json={"active": True}, headers={**admin, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
