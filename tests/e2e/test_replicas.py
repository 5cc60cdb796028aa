"""Two replicas of the service on one database (two processes, as two hosts behind a load balancer would run):
machines enrolling on both at once make one asset each, an Idempotency-Key is answered once whichever replica
sees the retry, and the sign-in rate limit counts the attempts made at both."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select

from inventory_api.assets.models import Asset
from inventory_api.locations.models import Location
from tests.api.ingest.reports import make_secret, make_site
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.e2e


@pytest.fixture
def replicas(db, tmp_path, make_user):
    servers = [LiveServer(db.url, tmp_path, INVENTORY_LOGIN_RATE_PER_MINUTE="4",
                          INVENTORY_LOGIN_USER_RATE_PER_MINUTE="100") for _ in range(2)]  # fmt: skip
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.stop()


def test_two_replicas_share_assets_idempotency_keys_and_rate_limits(replicas, db, make_user):
    a, b = (httpx.Client(base_url=s.url, timeout=30) for s in replicas)
    secret = make_secret(db, make_site(db))
    identities = [{"hostname": f"pc-{i:02d}", "system_uuid": str(uuid.UUID(int=1000 + i)), "serial": f"SN{i:04d}",
                   "physical_macs": [f"3c:52:82:00:10:{i:02x}"]} for i in range(12)]  # fmt: skip

    def enroll(client: httpx.Client, identity: dict) -> int:
        return client.post(
            "/api/v1/collectors/enroll", json={"secret": secret, "identity": identity}
        ).status_code

    with ThreadPoolExecutor(8) as pool:  # each machine enrolls on both replicas at the same moment
        codes = list(pool.map(enroll, [a, b] * 12, [i for i in identities for _ in range(2)]))
    assert set(codes) == {201}
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Asset).where(Asset.deleted_at.is_(None))) == 12

    admin = make_user("admin")
    key = {"Idempotency-Key": "replica-retry-1", **admin}
    body = {"kind": "site", "name": "Lyon", "time_zone": "Europe/Paris"}
    first = a.post("/api/v1/locations", json=body, headers=key)
    retried = b.post("/api/v1/locations", json=body, headers=key)
    assert first.status_code == retried.status_code == 201 and first.json()["id"] == retried.json()["id"]
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Location).where(Location.name == "Lyon")) == 1

    wrong = {"username": "nobody", "password": "wrong wrong wrong"}
    answers = [client.post("/api/v1/auth/login", json=wrong).status_code for client in (a, b, a, b, a)]
    assert answers[:4] == [401] * 4 and answers[4] == 429  # four allowed per minute, counted across both
