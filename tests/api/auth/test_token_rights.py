"""A token never exceeds the token that made it; a site-limited admin manages only its own sites' users."""

import ipaddress
import uuid

import pytest


def site(client, admin, name):
    answer = client.post(
        "/api/v1/locations", headers=admin, json={"kind": "site", "name": name, "time_zone": "UTC"}
    )
    return answer.json()["id"]


def bearer(answer) -> dict[str, str]:
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def me(client, headers):
    return client.get("/api/v1/auth/me", headers=headers)


def test_a_read_only_token_mints_nothing_and_revokes_nothing(client, admin):
    read_only = bearer(client.post("/api/v1/tokens", headers=admin, json={"name": "ro", "scopes": ["read"]}))
    other = client.post("/api/v1/tokens", headers=admin, json={"name": "other"}).json()
    for body in ({"name": "escalate"}, {"name": "escalate", "scopes": ["read", "write", "admin"]}):
        answer = client.post("/api/v1/tokens", headers=read_only, json=body)
        assert answer.status_code == 403 and "'write'" in answer.json()["detail"]
    assert client.delete(f"/api/v1/tokens/{other['id']}", headers=read_only).status_code == 403
    assert me(client, {"Authorization": f"Bearer {other['token']}"}).status_code == 200  # still valid
    names = [t["name"] for t in client.get("/api/v1/tokens", headers=admin).json()]
    assert "escalate" not in names
    # ... and so cannot reach an admin user either.
    assert (
        client.post("/api/v1/users", headers=read_only, json={"username": "x", "role": "admin"}).status_code
        == 403
    )


def test_a_new_token_has_at_most_the_rights_of_the_token_that_makes_it(client, admin):
    write = bearer(
        client.post("/api/v1/tokens", headers=admin, json={"name": "rw", "scopes": ["read", "write"]})
    )
    refused = client.post("/api/v1/tokens", headers=write, json={"name": "up", "scopes": ["admin"]})
    assert refused.status_code == 403 and "admin not allowed" in refused.json()["detail"]
    default = client.post("/api/v1/tokens", headers=write, json={"name": "same"})
    assert default.status_code == 201 and sorted(default.json()["scopes"]) == ["read", "write"]
    assert sorted(me(client, bearer(default)).json()["permissions"]) == ["read", "write"]
    narrower = client.post("/api/v1/tokens", headers=write, json={"name": "ro", "scopes": ["read"]})
    assert narrower.status_code == 201 and me(client, bearer(narrower)).json()["permissions"] == ["read"]


def test_a_site_limited_admin_stays_within_its_sites(client, admin, make_user):
    a, b = site(client, admin, "A"), site(client, admin, "B")
    admin_a = make_user("admin", site_ids=[uuid.UUID(a)])
    tech_a = client.post("/api/v1/users", headers=admin, json={"username": "tech-a", "role": "technician",
                                                               "site_ids": [a]}).json()  # fmt: skip
    tech_b = client.post("/api/v1/users", headers=admin, json={"username": "tech-b", "role": "technician",
                                                               "site_ids": [b]}).json()  # fmt: skip
    everywhere = client.post(
        "/api/v1/users", headers=admin, json={"username": "boss", "role": "admin"}
    ).json()

    # Creating users: only within its own sites.
    for grant in ({"site_ids": [b]}, {"site_ids": [a, b]}, {}):
        answer = client.post(
            "/api/v1/users", headers=admin_a, json={"username": "n", "role": "viewer", **grant}
        )
        assert answer.status_code == 403, grant
    assert client.post("/api/v1/users", headers=admin_a,
                       json={"username": "ok", "role": "viewer", "site_ids": [a]}).status_code == 201  # fmt: skip

    # Listing, changing and minting tokens: only users confined to its sites.
    listed = {u["username"] for u in client.get("/api/v1/users", headers=admin_a).json()}
    assert "tech-a" in listed and not {"tech-b", "boss"} & listed
    for victim in (tech_b, everywhere):
        assert client.patch(f"/api/v1/users/{victim['id']}", headers=admin_a,
                            json={"password": "another long password"}).status_code == 404  # fmt: skip
        assert client.post("/api/v1/tokens", headers=admin_a,
                           json={"name": "x", "user_id": victim["id"]}).status_code == 404  # fmt: skip
        assert client.get(f"/api/v1/tokens?user_id={victim['id']}", headers=admin_a).status_code == 404
    assert client.post("/api/v1/tokens", headers=admin_a,
                       json={"name": "x", "user_id": tech_a["id"]}).status_code == 201  # fmt: skip

    # Widening a grant, its own included, is refused and changes nothing.
    me_a = me(client, admin_a).json()
    for target in (tech_a["id"], me_a["user_id"]):
        for grant in ({"site_ids": [a, b]}, {"all_sites": True}):
            answer = client.patch(f"/api/v1/users/{target}", headers=admin_a, json=grant)
            assert answer.status_code == 403, (target, grant)
    assert me(client, admin_a).json()["site_ids"] == [a]


def test_grants_passwords_and_deactivation_are_in_the_history(client, admin, make_user, db):
    a = site(client, admin, "A")
    user = client.post("/api/v1/users", headers=admin, json={"username": "kim", "role": "viewer",
                                                             "password": "first long password"}).json()  # fmt: skip
    assert (
        client.patch(f"/api/v1/users/{user['id']}", headers=admin, json={"site_ids": [a]}).status_code == 200
    )
    assert client.patch(f"/api/v1/users/{user['id']}", headers=admin,
                        json={"password": "second long password"}).status_code == 200  # fmt: skip
    assert (
        client.patch(f"/api/v1/users/{user['id']}", headers=admin, json={"is_active": False}).status_code
        == 200
    )
    from sqlalchemy import select

    from inventory_api.history.models import ChangeEvent

    with db.sessions() as s:
        actions = list(s.scalars(select(ChangeEvent.action).where(ChangeEvent.subject_id == uuid.UUID(user["id"]))
                                 .order_by(ChangeEvent.id)))  # fmt: skip
    assert actions[-3:] == ["sites_changed", "password_changed", "deactivated"]


@pytest.mark.parametrize("changer", ["admin", "self-session-kept"])
def test_a_new_password_ends_the_users_sessions(client, admin, changer):
    client.post("/api/v1/users", headers=admin, json={"username": "lee", "role": "admin",
                                                      "password": "first long password"})  # fmt: skip
    login = client.post("/api/v1/auth/login", json={"username": "lee", "password": "first long password"})
    session = bearer(login)
    lee = me(client, session).json()
    other = bearer(
        client.post("/api/v1/auth/login", json={"username": "lee", "password": "first long password"})
    )
    caller = admin if changer == "admin" else session
    answer = client.patch(
        f"/api/v1/users/{lee['user_id']}", headers=caller, json={"password": "a new long password"}
    )
    assert answer.status_code == 200
    assert me(client, other).status_code == 401
    assert me(client, session).status_code == (401 if changer == "admin" else 200)


def test_a_site_limited_admin_cannot_touch_other_sites_collectors_secrets_webhooks_or_imports(
    client, admin, make_user
):
    a, b = site(client, admin, "A"), site(client, admin, "B")
    admin_a = make_user("admin", site_ids=[uuid.UUID(a)])
    secret_b = client.post("/api/v1/enroll-secrets", headers=admin, json={"name": "b", "site_id": b}).json()
    enrolled = client.post("/api/v1/collectors/enroll", json={"secret": secret_b["secret"], "identity": {
        "hostname": "pc-b", "system_uuid": "4c4c4544-0042-3510-8052-b4c04f4b4c99"}}).json()  # fmt: skip
    collector = client.get(f"/api/v1/collectors?asset_id={enrolled['asset_id']}", headers=admin).json()[
        "items"
    ][0]

    assert [s["id"] for s in client.get("/api/v1/enroll-secrets", headers=admin_a).json()] == []
    assert client.delete(f"/api/v1/enroll-secrets/{secret_b['id']}", headers=admin_a).status_code == 404
    for action, body in (("revoke", {"reason": "mine now"}), ("approve", None)):
        answer = client.post(f"/api/v1/collectors/{collector['id']}/{action}", headers=admin_a, json=body)
        assert answer.status_code == 404, action
    assert client.get(f"/api/v1/collectors?asset_id={enrolled['asset_id']}", headers=admin).json()["items"][0][
        "revoked_at"] is None  # fmt: skip
    hook = {"name": "tap", "url": "http://127.0.0.1:9/hook", "event_types": ["*"]}
    assert client.post("/api/v1/webhooks/subscriptions", headers=admin_a, json=hook).status_code == 403
    assert client.get("/api/v1/webhooks/subscriptions", headers=admin_a).status_code == 403
    job = client.post("/api/v1/imports?kind=people", headers={**admin, "Content-Type": "text/csv"},
                      content="employee_id,name,site\nE1,Ann,B\n").json()  # fmt: skip
    assert client.get(f"/api/v1/imports/{job['id']}", headers=admin_a).status_code == 404
    assert client.get("/api/v1/imports", headers=admin_a).json()["items"] == []


def test_an_enroll_secret_with_an_expiry(client, admin):
    a = site(client, admin, "A")
    later = client.post("/api/v1/enroll-secrets", headers=admin,
                        json={"name": "week", "site_id": a, "expires_at": "2099-01-01T00:00:00Z"})  # fmt: skip
    assert later.status_code == 201 and later.json()["expires_at"].startswith("2099-01-01")
    past = client.post("/api/v1/enroll-secrets", headers=admin,
                       json={"name": "old", "site_id": a, "expires_at": "2020-01-01T00:00:00Z"})  # fmt: skip
    assert past.status_code == 422 and "future" in past.json()["detail"]


def test_a_webhook_secret_shows_on_creation_and_rotation_only(client, admin, settings):
    settings.webhook_allowed_networks = [ipaddress.ip_network("127.0.0.0/8")]
    hook = client.post("/api/v1/webhooks/subscriptions", headers=admin,
                       json={"name": "t", "url": "http://127.0.0.1:9/hook", "event_types": ["*"]})  # fmt: skip
    assert hook.status_code == 201 and hook.json()["secret"].startswith("whsec_")
    path = f"/api/v1/webhooks/subscriptions/{hook.json()['id']}"
    assert client.patch(path, headers=admin, json={"name": "renamed"}).json()["secret"] is None
    assert "secret" not in client.get(path, headers=admin).json()
    rotated = client.patch(path, headers=admin, json={"rotate_secret": True}).json()["secret"]
    assert rotated.startswith("whsec_") and rotated != hook.json()["secret"]
