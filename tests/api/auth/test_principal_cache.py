"""The per-process principal cache: fewer queries per request, and no stale rights after a change made here."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, update

from inventory_api.auth.models import ApiToken
from inventory_api.db import utcnow
from inventory_api.main import create_app
from inventory_api.settings import Settings


@pytest.fixture
def token_queries(db) -> Iterator[list[str]]:
    """The SQL statements that read the token table, as they run."""
    seen: list[str] = []

    def note(conn, cursor, statement, *_):
        if "FROM api_tokens" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    yield seen
    event.remove(db.engine, "before_cursor_execute", note)


def test_a_known_caller_is_not_looked_up_again(client, admin, token_queries):
    assert client.get("/api/v1/auth/me", headers=admin).status_code == 200
    assert len(token_queries) == 1
    assert client.get("/api/v1/assets", headers=admin).status_code == 200
    assert client.get("/api/v1/auth/me", headers=admin).json()["role"] == "admin"
    assert len(token_queries) == 1


def test_a_revocation_through_the_api_takes_effect_at_once(client, make_user):
    headers = make_user("technician")
    token_id = client.get("/api/v1/tokens", headers=headers).json()[0]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=headers).status_code == 204
    response = client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_a_role_change_through_the_api_takes_effect_at_once(client, admin, make_user):
    headers = make_user("technician", username="robin")
    me = client.get("/api/v1/auth/me", headers=headers).json()
    assert me["permissions"] == ["read", "write"]
    patched = client.patch(f"/api/v1/users/{me['user_id']}", json={"role": "viewer"}, headers=admin)
    assert patched.status_code == 200
    assert client.get("/api/v1/auth/me", headers=headers).json()["permissions"] == ["read"]
    refused = client.post("/api/v1/people", json={"name": "Ana Lima"}, headers=headers)
    assert refused.status_code == 403


def test_a_user_disabled_through_the_api_is_refused_at_once(client, admin, make_user):
    headers = make_user("viewer")
    user_id = client.get("/api/v1/auth/me", headers=headers).json()["user_id"]
    assert (
        client.patch(f"/api/v1/users/{user_id}", json={"is_active": False}, headers=admin).status_code == 200
    )
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


@pytest.mark.parametrize("ttl, expected", [(60.0, 200), (0.0, 401)])
def test_a_change_made_by_another_process_waits_at_most_the_ttl(db, make_user, ttl, expected):
    """Another worker process's revocation reaches this one's cache only when the entry expires."""
    headers = make_user("viewer")
    app = create_app(
        Settings(database_url=db.url, worker_in_serve=False, auth_cache_seconds=ttl, _env_file=None), db
    )
    with TestClient(app) as client:
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
        with db.transaction() as session:  # a Core UPDATE, as another process's commit looks from here
            session.execute(update(ApiToken).values(revoked_at=utcnow()))
        assert client.get("/api/v1/auth/me", headers=headers).status_code == expected
