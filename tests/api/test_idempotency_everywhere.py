"""Every API POST honours Idempotency-Key, not only work orders."""

import importlib

import pytest

from inventory_api.idempotency import IdempotentRoute
from inventory_api.main import ROUTERS
from inventory_api.routing import TransactionalRoute

#: Routes that deliberately stand apart: collectors dedupe reports by report id, and other agents' inventories go
#: through the same ingest (an unchanged one changes nothing). (The web pages' forms, outside /api, are posted once
#: and redirect: a browser does not retry a POST.)
EXEMPT_PREFIXES = ("/api/v1/inventory", "/api/v1/collectors/enroll", "/api/v1/agents/")


def test_every_post_route_accepts_idempotency_keys():
    routes = [route for name in ROUTERS for route in importlib.import_module(name).router.routes]
    posts = [r for r in routes if isinstance(r, TransactionalRoute) and "POST" in r.methods]
    assert posts, "no POST routes found"
    plain = [
        r.path
        for r in posts
        if not isinstance(r, IdempotentRoute)
        and r.path.startswith("/api/")
        and not r.path.startswith(EXEMPT_PREFIXES)
    ]
    assert plain == []


@pytest.mark.parametrize("path", ["/api/v1/locations", "/api/v1/tokens"])
def test_a_retried_create_is_answered_once_and_created_once(client, admin, path):
    body = (
        {"kind": "site", "name": "Lyon", "time_zone": "Europe/Paris"}
        if "locations" in path
        else {"name": "ci"}
    )
    headers = {**admin, "Idempotency-Key": "5b0c3c1e-retry"}
    first = client.post(path, json=body, headers=headers)
    again = client.post(path, json=body, headers=headers)
    assert first.status_code == 201
    if "tokens" in path:  # an answer holding a secret shown once is never stored, so never replayed
        assert again.status_code == 409 and again.json()["code"] == "idempotency_secret_withheld"
    else:
        assert again.status_code == 201
        assert again.json() == first.json()
        assert again.headers["Idempotent-Replayed"] == "true"
    listing = client.get(path, headers=admin).json()
    items = listing["items"] if isinstance(listing, dict) else listing
    assert [i["id"] for i in items].count(first.json()["id"]) == 1
    assert len([i for i in items if i.get("name") == body["name"]]) == 1


def test_no_stored_answer_keeps_a_secret(client, admin, db):
    from sqlalchemy import select

    from inventory_api.idempotency import IdempotencyKey

    site = client.post(
        "/api/v1/locations", headers=admin, json={"kind": "site", "name": "HQ", "time_zone": "UTC"}
    ).json()
    posts = [
        ("/api/v1/tokens", {"name": "ci"}),
        ("/api/v1/enroll-secrets", {"name": "lab", "site_id": site["id"]}),
    ]
    for n, (path, body) in enumerate(posts):
        answer = client.post(path, json=body, headers={**admin, "Idempotency-Key": f"secret-{n}"})
        assert answer.status_code == 201, answer.text
    with db.sessions() as s:
        stored = [row.response_body for row in s.scalars(select(IdempotencyKey))]
    assert stored == [b"secret withheld", b"secret withheld"]


def test_a_replay_rechecks_the_caller(client, admin):
    created = client.post("/api/v1/tokens", headers=admin, json={"name": "short-lived"}).json()
    token = {"Authorization": f"Bearer {created['token']}"}
    body = {"kind": "site", "name": "Oslo", "time_zone": "Europe/Oslo"}
    key = {**token, "Idempotency-Key": "oslo-1"}
    assert client.post("/api/v1/locations", json=body, headers=key).status_code == 201
    assert client.delete(f"/api/v1/tokens/{created['id']}", headers=admin).status_code == 204
    replay = client.post("/api/v1/locations", json=body, headers=key)
    assert replay.status_code == 401 and "Idempotent-Replayed" not in replay.headers
