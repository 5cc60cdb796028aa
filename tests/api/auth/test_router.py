"""Login, tokens, roles and scopes through the HTTP API."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from inventory_api.auth.models import ApiToken
from inventory_api.db import utcnow
from inventory_api.history.models import ChangeEvent


def test_anonymous_requests_are_refused(client):
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_login_returns_a_working_session_token_and_cookie(client, make_user):
    make_user("technician", username="dana")
    response = client.post(
        "/api/v1/auth/login", json={"username": "dana", "password": "correct horse battery"}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert response.json()["expires_at"].endswith("Z")
    assert "inventory_session" in response.cookies
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["username"] == "dana"
    assert me["permissions"] == ["read", "write"]


def test_wrong_password_is_401_and_repeated_failures_are_rate_limited(client, make_user, settings):
    make_user("viewer", username="pat")
    bad = {"username": "pat", "password": "wrong password!"}
    for _ in range(settings.login_rate_per_minute):
        response = client.post("/api/v1/auth/login", json=bad)
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"
    response = client.post("/api/v1/auth/login", json=bad)
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1


def test_validation_errors_name_the_field(client, admin):
    response = client.post("/api/v1/users", headers=admin, json={"username": "x y", "role": "wizard"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert {e["field"] for e in body["errors"]} == {"username", "role"}


def test_duplicate_username_is_409_and_changes_nothing(client, admin, db):
    user = {"username": "kim", "role": "viewer", "password": "a long enough password"}
    assert client.post("/api/v1/users", headers=admin, json=user).status_code == 201
    response = client.post("/api/v1/users", headers=admin, json=user)
    assert response.status_code == 409
    assert response.json()["code"] == "username_taken"
    assert [u["username"] for u in client.get("/api/v1/users", headers=admin).json()].count("kim") == 1


# role → (may create users, may create a write-scoped token that can write)
ROLE_MATRIX = [
    ("admin", 201, {"read", "write", "admin"}),
    ("technician", 403, {"read", "write"}),
    ("integration", 403, {"read", "write"}),
    ("viewer", 403, {"read"}),
]


@pytest.mark.parametrize(("role", "create_user_status", "permissions"), ROLE_MATRIX)
def test_each_role_gets_exactly_its_permissions(client, make_user, role, create_user_status, permissions):
    headers = make_user(role)
    new_user = {"username": f"new-{role}", "role": "viewer"}
    assert client.post("/api/v1/users", headers=headers, json=new_user).status_code == create_user_status
    assert set(client.get("/api/v1/auth/me", headers=headers).json()["permissions"]) == permissions
    # A token asking for more than the role allows is refused, naming what is beyond it; by default a new token
    # gets exactly what its maker has (a viewer cannot manage tokens at all: that needs write).
    beyond = client.post(
        "/api/v1/tokens", headers=headers, json={"name": "all", "scopes": ["read", "write", "admin"]}
    )
    if role == "admin":
        assert beyond.status_code == 201
    elif role == "viewer":
        assert beyond.status_code == 403 and "write" in beyond.json()["detail"]
    else:
        assert beyond.status_code == 403 and "admin not allowed" in beyond.json()["detail"]
    created = client.post("/api/v1/tokens", headers=headers, json={"name": "default"})
    if role == "viewer":
        assert created.status_code == 403
        return
    as_token = {"Authorization": f"Bearer {created.json()['token']}"}
    assert set(client.get("/api/v1/auth/me", headers=as_token).json()["permissions"]) == permissions


def test_token_scopes_narrow_an_admin(client, admin):
    created = client.post("/api/v1/tokens", headers=admin, json={"name": "ro", "scopes": ["read"]}).json()
    assert created["prefix"] == created["token"][:12]
    read_only = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/v1/auth/me", headers=read_only).json()["permissions"] == ["read"]
    response = client.get("/api/v1/users", headers=read_only)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_revoked_and_expired_tokens_stop_working_and_are_audited(client, admin, db):
    created = client.post("/api/v1/tokens", headers=admin, json={"name": "ci"}).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert client.delete(f"/api/v1/tokens/{created['id']}", headers=admin).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).json()["code"] == "invalid_token"

    other = client.post("/api/v1/tokens", headers=admin, json={"name": "short", "expires_days": 1}).json()
    with db.transaction() as session:
        token = session.get(ApiToken, uuid.UUID(other["id"]))
        token.expires_at = utcnow() - timedelta(seconds=1)
    assert (
        client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {other['token']}"}).status_code
        == 401
    )

    with db.sessions() as session:
        actions = set(session.scalars(select(ChangeEvent.action).where(ChangeEvent.subject_type == "user")))
    assert {"created", "token_created", "token_used", "token_revoked"} <= actions


def test_tokens_of_others_are_invisible_to_non_admins(client, make_user, admin):
    tech = make_user("technician")
    admin_token = client.post("/api/v1/tokens", headers=admin, json={"name": "mine"}).json()
    response = client.delete(f"/api/v1/tokens/{admin_token['id']}", headers=tech)
    assert response.status_code == 404


def test_role_change_is_recorded_in_history(client, admin, db):
    user = client.post("/api/v1/users", headers=admin, json={"username": "lee", "role": "viewer"}).json()
    response = client.patch(f"/api/v1/users/{user['id']}", headers=admin, json={"role": "technician"})
    assert response.status_code == 200
    assert response.json()["role"] == "technician"
    with db.sessions() as session:
        event = session.scalar(select(ChangeEvent).where(ChangeEvent.action == "role_changed"))
    assert event.changes == {"role": ["viewer", "technician"]}
    assert event.actor_type == "token"
