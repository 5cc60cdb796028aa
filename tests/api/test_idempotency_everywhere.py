"""Every API POST honours Idempotency-Key, not only work orders."""

import importlib

import pytest

from inventory_api.idempotency import IdempotentRoute
from inventory_api.main import ROUTERS
from inventory_api.routing import TransactionalRoute

#: Routes that deliberately stand apart: collectors dedupe reports by report id; the web pages are forms.
EXEMPT_PREFIXES = ("/api/v1/inventory", "/api/v1/collectors/enroll", "/login", "/logout")


def test_every_post_route_accepts_idempotency_keys():
    routes = [route for name in ROUTERS for route in importlib.import_module(name).router.routes]
    posts = [r for r in routes if isinstance(r, TransactionalRoute) and "POST" in r.methods]
    assert posts, "no POST routes found"
    plain = [
        r.path for r in posts if not isinstance(r, IdempotentRoute) and not r.path.startswith(EXEMPT_PREFIXES)
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
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    listing = client.get(path, headers=admin).json()
    items = listing["items"] if isinstance(listing, dict) else listing
    assert [i["id"] for i in items].count(first.json()["id"]) == 1
    assert len([i for i in items if i.get("name") == body["name"]]) == 1
