import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import uvicorn

from tests.api.cabling.world import build_world


def _pool(client, admin, world, first="4000", last="4099"):
    answer = client.post("/api/v1/number-pools", json={"name": "HQ", "kind": "extension", "site_id": str(world.site.id),
                                                       "first": first, "last": last}, headers=admin)  # fmt: skip
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_pool_endpoints(client, db, admin):
    with db.transaction() as session:
        world = build_world(session)
    pool = _pool(client, admin, world)
    url = f"/api/v1/number-pools/{pool['id']}"
    assert client.post(f"{url}/allocate", json={}, headers=admin).json()["number"] == "4000"
    assert client.post(f"{url}/reserve", json={"number": "4001"}, headers=admin).status_code == 201
    again = client.post(f"{url}/reserve", json={"number": "4001"}, headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "number_taken"
    assert client.get(f"{url}/free?limit=2", headers=admin).json()["numbers"] == ["4002", "4003"]
    assert [n["number"] for n in client.get(f"{url}/numbers", headers=admin).json()["items"]] == [
        "4000",
        "4001",
    ]
    assert client.delete(f"{url}/numbers/4001", headers=admin).status_code == 204
    assert client.get(f"{url}/free?limit=1", headers=admin).json()["numbers"] == ["4001"]
    bad = client.post("/api/v1/number-pools", json={"name": "x", "kind": "did", "site_id": str(world.site.id),
                                                    "first": "5551230100", "last": "5551230199"}, headers=admin)  # fmt: skip
    assert bad.status_code == 422


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_parallel_allocations_never_share_a_number(app, db, admin):
    """Forty requests at once against a real server: forty different numbers (on SQLite and PostgreSQL)."""
    with db.transaction() as session:
        world = build_world(session)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.01)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, headers=admin, timeout=30) as http:
            pool = http.post("/api/v1/number-pools", json={"name": "HQ", "kind": "extension", "first": "4000",
                                                            "last": "4099", "site_id": str(world.site.id)}).json()  # fmt: skip

        def allocate(_: int) -> str:
            with httpx.Client(base_url=base, headers=admin, timeout=30) as http:
                answer = http.post(f"/api/v1/number-pools/{pool['id']}/allocate", json={})
                assert answer.status_code == 201, answer.text
                return answer.json()["number"]

        with ThreadPoolExecutor(max_workers=20) as executor:
            got = list(executor.map(allocate, range(40)))
    finally:
        server.should_exit = True
        thread.join(10)
    assert len(set(got)) == 40
    assert sorted(got) == [str(n) for n in range(4000, 4040)]
