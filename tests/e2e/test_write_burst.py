"""A burst of concurrent writes larger than the server's thread pool completes: no lock/thread deadlock."""

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from inventory_api.auth import service as auth

BURST = 90  # more than AnyIO's 40 request threads


def post_token(url: str, token: str, n: int) -> int:
    request = urllib.request.Request(
        url + "/api/v1/tokens",
        data=json.dumps({"name": f"burst-{n}", "scopes": ["read"]}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status


def test_a_write_burst_beyond_the_thread_pool_all_commits(live_server, db):
    with db.transaction() as session:
        user = auth.create_user(session, username="ops", role="admin", password="a long enough password")
        _, token = auth.create_token(session, user, name="seed")
    with ThreadPoolExecutor(BURST) as pool:
        statuses = list(pool.map(lambda n: post_token(live_server.url, token, n), range(BURST)))
    assert statuses == [201] * BURST
    with db.sessions() as session:
        names = {t.name for t in auth.list_tokens(session, user.id)}
    assert {f"burst-{n}" for n in range(BURST)} <= names
