"""Each role can do what it should on the registry, and nothing more."""

import uuid

import pytest

ROLES = ("admin", "technician", "viewer", "integration")
ALLOW = {"admin": "RWA", "technician": "RW", "integration": "RW", "viewer": "R"}

#: operation → (permission it needs, status when allowed)
OPERATIONS = {
    "list assets": ("R", 200),
    "read asset": ("R", 200),
    "asset history": ("R", 200),
    "create asset": ("W", 201),
    "update asset": ("W", 200),
    "delete asset": ("W", 204),
    "add identifier": ("W", 201),
    "remove identifier": ("A", 204),
    "list flags": ("R", 200),
    "resolve flag": ("W", 200),
    "list locations": ("R", 200),
    "create site": ("A", 201),
    "create room": ("W", 201),
    "delete site": ("A", 204),
    "list people": ("R", 200),
    "create person": ("W", 201),
    "update person": ("W", 200),
    "list manufacturers": ("R", 200),
    "create manufacturer": ("W", 201),
    "delete model": ("A", 204),
    "list custom fields": ("R", 200),
    "create custom field": ("A", 201),
}


@pytest.fixture
def world(client, admin, db):
    """A site with a room, a person, an asset with a MAC and a flag, an empty site, a model."""
    from inventory_api.assets import flags
    from inventory_api.assets.service import require_asset

    def post(url, body):
        response = client.post(url, json=body, headers=admin)
        assert response.status_code == 201, response.text
        return response.json()

    site = post("/api/v1/locations", {"kind": "site", "name": "Lyon", "time_zone": "Europe/Paris"})
    empty = post("/api/v1/locations", {"kind": "site", "name": "Empty", "time_zone": "UTC"})
    person = post("/api/v1/people", {"name": "Ada", "site_id": site["id"]})
    asset = post("/api/v1/assets", {"kind": "laptop", "site_id": site["id"]})
    ident = post(f"/api/v1/assets/{asset['id']}/identifiers", {"kind": "mac", "value": "00:00:5e:00:53:01"})
    maker = post("/api/v1/manufacturers", {"name": "Contoso"})
    model = post("/api/v1/models", {"manufacturer_id": maker["id"], "name": "C1"})
    with db.transaction() as s:
        flag = flags.raise_flag(s, require_asset(s, uuid.UUID(asset["id"])), "possible_clone")
    return {
        "site": site["id"], "empty": empty["id"], "person": person["id"], "asset": asset["id"],
        "ident": ident["id"], "model": model["id"], "flag": str(flag.id),
    }  # fmt: skip


def run(client, headers, w, operation):
    a = f"/api/v1/assets/{w['asset']}"
    calls = {
        "list assets": ("GET", "/api/v1/assets", None),
        "read asset": ("GET", a, None),
        "asset history": ("GET", f"{a}/history", None),
        "create asset": ("POST", "/api/v1/assets", {"kind": "monitor", "site_id": w["site"]}),
        "update asset": ("PATCH", a, {"name": "renamed"}),
        "delete asset": ("DELETE", a, None),
        "add identifier": ("POST", f"{a}/identifiers", {"kind": "mac", "value": "00:00:5e:00:53:02"}),
        "remove identifier": ("DELETE", f"{a}/identifiers/{w['ident']}", None),
        "list flags": ("GET", "/api/v1/flags", None),
        "resolve flag": ("POST", f"/api/v1/flags/{w['flag']}/resolve", None),
        "list locations": ("GET", "/api/v1/locations", None),
        "create site": ("POST", "/api/v1/locations", {"kind": "site", "name": "New", "time_zone": "UTC"}),
        "create room": ("POST", "/api/v1/locations", {"kind": "room", "name": "101", "parent_id": w["site"]}),
        "delete site": ("DELETE", f"/api/v1/locations/{w['empty']}", None),
        "list people": ("GET", "/api/v1/people", None),
        "create person": ("POST", "/api/v1/people", {"name": "Bob", "site_id": w["site"]}),
        "update person": ("PATCH", f"/api/v1/people/{w['person']}", {"phone": "+33 1 23"}),
        "list manufacturers": ("GET", "/api/v1/manufacturers", None),
        "create manufacturer": ("POST", "/api/v1/manufacturers", {"name": "Fabrikam"}),
        "delete model": ("DELETE", f"/api/v1/models/{w['model']}", None),
        "list custom fields": ("GET", "/api/v1/custom-fields", None),
        "create custom field": (
            "POST",
            "/api/v1/custom-fields",
            {"kind": "laptop", "name": "cc", "type": "text"},
        ),
    }
    method, url, body = calls[operation]
    return client.request(method, url, json=body, headers=headers)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_role_can_do_exactly_its_share(client, make_user, world, role, operation):
    needed, ok_status = OPERATIONS[operation]
    response = run(client, make_user(role), world, operation)
    expected = ok_status if needed in ALLOW[role] else 403
    assert response.status_code == expected, response.text
    if expected == 403:
        assert response.json()["code"] == "forbidden"


def test_anonymous_is_refused(client, world):
    for operation in ("list assets", "read asset", "create asset"):
        assert run(client, {}, world, operation).status_code == 401


@pytest.mark.parametrize(
    "operation", ["read asset", "asset history", "update asset", "delete asset", "add identifier", "resolve flag",
                  "create asset", "create room", "create person", "update person"],
)  # fmt: skip
def test_a_user_of_another_site_finds_nothing(client, make_user, world, operation):
    elsewhere = uuid.UUID(world["empty"])
    response = run(client, make_user("technician", site_ids=[elsewhere]), world, operation)
    assert response.status_code == 404, response.text


def test_a_user_of_one_site_sees_only_it(client, make_user, world):
    local = make_user("technician", site_ids=[uuid.UUID(world["empty"])])
    for url in ("/api/v1/assets", "/api/v1/people", "/api/v1/flags"):
        assert client.get(url, headers=local).json()["items"] == [], url
    sites = client.get("/api/v1/locations", headers=local).json()["items"]
    assert [s["id"] for s in sites] == [world["empty"]]
    own = client.post("/api/v1/assets", json={"kind": "monitor", "site_id": world["empty"]}, headers=local)
    assert own.status_code == 201
