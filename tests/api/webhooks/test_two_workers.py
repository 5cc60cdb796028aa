"""Two worker processes on one database: every webhook delivered once, every SLA breach recorded once."""

import os
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from inventory_api.db import utcnow
from inventory_api.events.models import OutboxEvent
from inventory_api.sla.models import SlaEvent, SlaPolicy
from inventory_api.webhooks.models import WebhookDelivery
from inventory_api.workorders import service as orders
from tests.api.webhooks.test_worker import emit, subscribe
from tests.api.workorders.conftest import make_world

EVENTS = 30
ORDERS = 5
SLA_EVENTS = ORDERS * 4  # response and resolution, each at risk then breached


def start_worker(db_url: str) -> subprocess.Popen:
    env = dict(os.environ, INVENTORY_DATABASE_URL=db_url, INVENTORY_WORKER_INTERVAL_SECONDS="0.05",
               INVENTORY_WEBHOOK_ALLOWED_NETWORKS='["127.0.0.0/8"]')  # fmt: skip
    return subprocess.Popen([sys.executable, "-m", "inventory_api.cli", "worker"], env=env, cwd=os.getcwd())


def delivered(db) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).where(WebhookDelivery.status == "delivered"))


def test_two_workers_deliver_each_webhook_once_and_record_each_breach_once(db, settings, receiver):
    subscribe(db, settings, receiver.url)
    long_ago = utcnow() - timedelta(hours=10)
    with db.sessions() as s:
        world = make_world(s)  # commits
        s.add(SlaPolicy(name="P1", kind="any", priority="P1", response_minutes=60, resolution_minutes=240))
        s.flush()
        for n in range(ORDERS):
            orders.create_work_order(s, None, {"kind": "repair", "title": f"t{n}", "site_id": world.site,
                                               "priority": "P1"}, now=long_ago)  # fmt: skip
        s.commit()
    for _ in range(EVENTS):
        emit(db)  # each on its own subject, so nothing waits for an earlier delivery
    with db.sessions() as s:  # the orders' own events, and the SLA events the workers will find
        expected = s.scalar(select(func.count()).select_from(OutboxEvent)) + SLA_EVENTS

    workers = [start_worker(db.url), start_worker(db.url)]
    try:
        deadline = time.monotonic() + 120
        while delivered(db) < expected and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # a second chance for a duplicate to show
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)

    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(SlaEvent)) == SLA_EVENTS
        statuses = Counter(s.scalars(select(WebhookDelivery.status)))
    assert statuses == {"delivered": expected}
    ids = Counter(r["headers"]["webhook-id"] for r in receiver.received)
    assert len(ids) == expected and set(ids.values()) == {1}
    types = Counter(b["type"] for b in receiver.bodies())
    assert types["work_order.changed"] == EVENTS
    assert (types["sla.at_risk"], types["sla.breached"]) == (2 * ORDERS, 2 * ORDERS)
