"""Idempotency-Key on POST: replay, reuse with another body, in progress, scope, failures, expiry."""

import threading
from datetime import timedelta

from fastapi import APIRouter, Request
from sqlalchemy import func, select

from inventory_api.db import utcnow
from inventory_api.idempotency import IdempotencyKey, IdempotentRoute, claim_key, purge_expired
from inventory_api.workorders.models import WorkOrder
from tests.api.workorders.conftest import make_world

URL = "/api/v1/work-orders"


def order_body(world, title="Move Ada"):
    return {"kind": "move", "title": title, "site_id": str(world.site)}


def count_orders(db) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(WorkOrder))


def test_a_retry_returns_the_first_answer_and_creates_nothing(client, admin, session, db):
    world = make_world(session)
    headers = {**admin, "Idempotency-Key": "k-1"}
    first = client.post(URL, json=order_body(world), headers=headers)
    again = client.post(URL, json=order_body(world), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert (
        again.headers["etag"] == first.headers["etag"]
        and again.headers["location"] == first.headers["location"]
    )
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert count_orders(db) == 1


def test_same_key_with_another_body_is_422(client, admin, session, db):
    world = make_world(session)
    headers = {**admin, "Idempotency-Key": "k-2"}
    assert client.post(URL, json=order_body(world), headers=headers).status_code == 201
    reused = client.post(URL, json=order_body(world, "Other"), headers=headers)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    assert count_orders(db) == 1


def test_keys_are_scoped_to_the_caller_and_path(client, admin, make_user, session, db):
    world = make_world(session)
    other = make_user("technician")
    for headers in (admin, other):
        assert (
            client.post(
                URL, json=order_body(world), headers={**headers, "Idempotency-Key": "same"}
            ).status_code
            == 201
        )
    assert count_orders(db) == 2


def test_an_error_answer_is_not_kept_so_the_key_can_be_retried(client, admin, session, db):
    world = make_world(session)
    headers = {**admin, "Idempotency-Key": "k-3"}
    bad = {**order_body(world), "location_id": str(world.other_site)}
    assert client.post(URL, json=bad, headers=headers).status_code == 422
    assert client.post(URL, json=order_body(world), headers=headers).status_code == 201
    assert count_orders(db) == 1
    with db.sessions() as s:
        assert s.scalar(select(IdempotencyKey.status)) == "done"


def test_a_key_is_at_most_255_characters(client, admin, session):
    world = make_world(session)
    answer = client.post(URL, json=order_body(world), headers={**admin, "Idempotency-Key": "x" * 256})
    assert answer.status_code == 400


def test_a_retry_while_the_first_runs_gets_409_then_the_answer(app, client, admin, db):
    entered, release = threading.Event(), threading.Event()
    calls = []
    slow = APIRouter(route_class=IdempotentRoute)

    @slow.post("/api/v1/test-slow", status_code=201)
    async def run_slowly(request: Request) -> dict:
        calls.append(await request.json())
        entered.set()
        while not release.is_set():  # the event loop must stay free for the retry
            await _sleep()
        return {"done": len(calls)}

    app.include_router(slow)
    headers = {**admin, "Idempotency-Key": "slow-1"}
    answers = {}
    first = threading.Thread(
        target=lambda: answers.update(first=client.post("/api/v1/test-slow", json={"a": 1}, headers=headers))
    )
    first.start()
    assert entered.wait(60)
    retry = client.post("/api/v1/test-slow", json={"a": 1}, headers=headers)
    assert retry.status_code == 409 and retry.json()["code"] == "idempotency_in_progress"
    assert retry.headers["retry-after"] == "1"
    release.set()
    first.join(60)
    assert answers["first"].status_code == 201
    replay = client.post("/api/v1/test-slow", json={"a": 1}, headers=headers)
    assert replay.status_code == 201 and replay.json() == {"done": 1} and len(calls) == 1


async def _sleep() -> None:
    import anyio

    await anyio.sleep(0.01)


def test_a_key_whose_first_attempt_died_is_taken_over_and_old_keys_are_purged(db):
    now = utcnow()
    common = {"caller": "u", "method": "POST", "path": "/p", "key": "k", "fingerprint": "f",
              "lease": timedelta(seconds=60), "keep": timedelta(hours=24)}  # fmt: skip
    assert isinstance(claim_key(db, now=now, **common), str)
    busy = claim_key(db, now=now + timedelta(seconds=30), **common)
    assert not isinstance(busy, str) and busy.status_code == 409
    assert isinstance(claim_key(db, now=now + timedelta(seconds=61), **common), str)
    with db.transaction() as s:
        assert purge_expired(s, now + timedelta(hours=23)) == 0
        assert purge_expired(s, now + timedelta(hours=24)) == 1


def test_openapi_documents_the_header_on_posts(client):
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/v1/work-orders"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in post["parameters"]]
    get = spec["paths"]["/api/v1/work-orders"]["get"]
    assert "Idempotency-Key" not in [p["name"] for p in get["parameters"]]
