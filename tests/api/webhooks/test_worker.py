"""The delivery worker against a real HTTP receiver: signatures, retries, order, a killed worker."""

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta

from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from inventory_api.db import utcnow
from inventory_api.events.service import emit_event
from inventory_api.jobs.loop import run_once, start_worker_thread
from inventory_api.webhooks import service
from inventory_api.webhooks.models import WebhookDelivery

S = timedelta(seconds=1)


def subscribe(db, settings, url, types=("*",), active=True):
    with db.transaction() as s:
        sub = service.create_subscription(
            s, {"name": "ticketing", "url": url, "event_types": list(types), "active": active},
            list(settings.webhook_allowed_networks),
        )  # fmt: skip
        return sub.id, sub.secret


def emit(db, event_type="work_order.changed", subject=None, n=1):
    subject = subject or uuid.uuid4()
    with db.transaction() as s:
        for i in range(n):
            emit_event(s, event_type, "work_order", subject, {"work_order_id": str(subject), "seq": i})
    return subject


def deliveries(db):
    with db.sessions() as s:
        return s.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def test_signature_verifies_with_standardwebhooks(db, settings, receiver):
    _, secret = subscribe(db, settings, receiver.url)
    subject = emit(db, "work_order.state_changed")
    assert run_once(db, utcnow(), settings)["attempted"] == 1
    request = receiver.received[0]
    payload = Webhook(secret).verify(request["body"], request["headers"])
    assert payload["type"] == "work_order.state_changed" and payload["data"]["work_order_id"] == str(subject)
    assert request["headers"]["webhook-id"].startswith("msg_")
    assert deliveries(db)[0].status == "delivered"
    other = Webhook("whsec_" + "A" * 43)
    try:
        other.verify(request["body"], request["headers"])
        raise AssertionError("a wrong secret must not verify")
    except Exception as exc:
        assert "signature" in str(exc).lower()


def test_retry_with_backoff_then_dead(db, settings, receiver):
    subscribe(db, settings, receiver.url)
    emit(db)
    receiver.plan = [500, 503]
    t0 = utcnow()
    run_once(db, t0, settings)
    first = deliveries(db)[0]
    assert (first.status, first.attempts, first.last_status_code) == ("pending", 1, 500)
    assert first.next_attempt_at == t0 + 10 * S
    assert run_once(db, t0 + 5 * S, settings)["attempted"] == 0  # not due yet
    run_once(db, t0 + 10 * S, settings)
    assert deliveries(db)[0].next_attempt_at == t0 + 30 * S  # 20 s after the second try
    run_once(db, t0 + 30 * S, settings)
    done = deliveries(db)[0]
    assert (done.status, done.attempts) == ("delivered", 3)
    ids = {r["headers"]["webhook-id"] for r in receiver.received}
    assert len(receiver.received) == 3 and len(ids) == 1  # same webhook-id on every retry

    emit(db)
    receiver.plan = [500, 500, 500]
    for step in (0, 100, 1000):
        run_once(db, t0 + step * S, settings)
    assert deliveries(db)[1].status == "dead" and deliveries(db)[1].attempts == 3


def test_order_per_subject_a_later_event_waits_for_an_earlier_retry(db, settings, receiver):
    subscribe(db, settings, receiver.url)
    a = emit(db, n=2)
    b = emit(db)
    receiver.failures = {str(a): 1}
    t0 = utcnow()
    run_once(db, t0, settings)  # a#0 fails, a#1 waits, b#0 goes
    run_once(db, t0 + 1 * S, settings)  # a#0 not due: nothing for a
    run_once(db, t0 + 10 * S, settings)  # a#0 delivered
    run_once(db, t0 + 11 * S, settings)  # then a#1
    seen = [(b_["data"]["work_order_id"], b_["data"]["seq"]) for b_ in receiver.bodies()]
    a_seen = [seq for subject, seq in seen if subject == str(a)]
    assert a_seen == [0, 0, 1]
    assert (str(b), 0) in seen
    assert all(d.status == "delivered" for d in deliveries(db))


def test_subscriptions_get_only_their_event_types(db, settings, receiver):
    subscribe(db, settings, receiver.url, types=("sla.*",))
    subscribe(db, settings, receiver.url, types=("*",), active=False)
    emit(db, "work_order.changed")
    emit(db, "sla.breached")
    run_once(db, utcnow(), settings)
    assert [b["type"] for b in receiver.bodies()] == ["sla.breached"]


def test_a_refused_address_is_not_called(db, settings, receiver):
    subscribe(db, settings, receiver.url)
    emit(db)
    settings.webhook_allowed_networks = []  # the admin removed the allowlist meanwhile
    run_once(db, utcnow(), settings)
    assert receiver.received == []
    assert "refused" in deliveries(db)[0].last_error


def test_nothing_is_lost_when_the_worker_dies_mid_delivery(db, settings, receiver):
    subscribe(db, settings, receiver.url)
    emit(db)
    receiver.hang_first = True
    code = (
        "from inventory_api.db import Database; from inventory_api.settings import Settings;"
        "from inventory_api.jobs.loop import run_once; import ipaddress, sys;"
        "s = Settings(database_url=sys.argv[1], webhook_timeout_seconds=60, _env_file=None,"
        " webhook_allowed_networks=[ipaddress.ip_network('127.0.0.0/8')]);"
        "run_once(Database(sys.argv[1]), None, s)"
    )
    worker = subprocess.Popen([sys.executable, "-c", code, db.url], cwd=os.getcwd())
    try:
        assert receiver.got_request.wait(120), "the worker never called the receiver"
    finally:
        worker.kill()
        worker.wait()
    leased = deliveries(db)[0]
    assert leased.status == "pending" and leased.attempts == 1 and leased.lease_until is not None
    assert run_once(db, utcnow(), settings)["attempted"] == 0  # leased: no second sender meanwhile
    run_once(db, leased.lease_until + S, settings)
    assert deliveries(db)[0].status == "delivered"
    first, second = receiver.received
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    assert json.loads(first["body"]) == json.loads(second["body"])


def test_concurrent_claims_never_take_the_same_delivery(db, settings, receiver):
    subscribe(db, settings, receiver.url)
    for _ in range(4):
        emit(db)
    with db.transaction() as s:
        service.fan_out(s, utcnow())
    lease = timedelta(minutes=1)
    if db.is_sqlite:  # one writer at a time: the second claim sees the first one's leases
        with db.transaction() as s:
            first = service.claim_due(s, utcnow(), lease, limit=2)
        with db.transaction() as s:
            second = service.claim_due(s, utcnow(), lease)
    else:  # PostgreSQL: both transactions open at once; SKIP LOCKED hands each its own rows
        with db.transaction() as s1, db.transaction() as s2:
            first = service.claim_due(s1, utcnow(), lease, limit=2)
            second = service.claim_due(s2, utcnow(), lease)
    assert len(first) == 2 and len(second) == 2
    assert not {d.id for d in first} & {d.id for d in second}


def test_the_worker_thread_delivers_until_stopped(db, settings, receiver):
    subscribe(db, settings, receiver.url)
    settings.worker_interval_seconds = 0.05
    thread, stop = start_worker_thread(db, settings)
    try:
        emit(db)
        assert receiver.got_request.wait(60)
    finally:
        stop.set()
        thread.join(60)
    assert not thread.is_alive()
    assert len(receiver.received) == 1 and receiver.bodies()[0]["type"] == "work_order.changed"
