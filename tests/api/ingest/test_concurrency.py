"""Many collectors at once through a real server process: no duplicates, no deadlock, no lost report."""

from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select

from collector.report import to_dict
from inventory_api.assets.models import Asset
from inventory_api.ingest.models import Collector, InventoryState
from inventory_api.ingest.service import key_hash
from inventory_api.software.models import Installation, SoftwareTitle, SoftwareVersion
from tests.api.ingest.reports import gz, machine, make_secret, make_site, payload
from tests.api.ingest.server import serve

CLIENTS = 50


def fleet(n):
    """n machines sharing most of their software, each with a few packages of its own."""
    common = [(f"common-{i}", f"1.{i % 3}") for i in range(40)]
    return [
        machine(
            hostname=f"pc-{i:03d}",
            uuid_=f"4c4c4544-0000-4000-8000-{i:012d}",
            serial=f"SN{i:05d}",
            machine_id=f"{i:032x}",
            macs=(f"3c:52:82:00:{i // 256:02x}:{i % 256:02x}",),
            packages=[*common, (f"own-{i}", "1.0")],
        )
        for i in range(n)
    ]


def test_fifty_concurrent_collectors_race_without_duplicates(db, tmp_path):
    secret = make_secret(db, make_site(db))
    machines = fleet(CLIENTS // 2)
    with serve(db.url, log=tmp_path / "server.log", INVENTORY_ENROLL_RATE_PER_MINUTE="100000",
               INVENTORY_REPORT_MIN_INTERVAL_SECONDS="0") as url, httpx.Client(base_url=url, timeout=120) as http:  # fmt: skip

        def enroll(report):
            body = {"secret": secret, "identity": to_dict(report.identity), "collector_version": "1.0.0"}
            response = http.post("/api/v1/collectors/enroll", json=body)
            assert response.status_code == 201, response.text
            return response.json()

        # two collectors of each new machine enroll at the same moment: 50 clients, 25 machines
        with ThreadPoolExecutor(CLIENTS) as pool:
            enrolled = list(pool.map(enroll, machines + machines))
        for i, report in enumerate(machines):
            assert enrolled[i]["asset_id"] == enrolled[i + len(machines)]["asset_id"], (
                report.identity.hostname
            )
        with db.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Asset)) == len(machines)

        # 50 first full reports at once, racing on the shared software catalog; each machine's live key sends one
        extra = fleet(CLIENTS)[len(machines) :]
        with db.sessions() as s:  # the enrollment that committed last revoked its twin's key
            live = set(s.scalars(select(Collector.key_hash).where(Collector.revoked_at.is_(None))))
        twins = zip(enrolled[: len(machines)], enrolled[len(machines) :], strict=True)
        keys = [a["node_key"] if key_hash(a["node_key"]) in live else b["node_key"] for a, b in twins]
        with ThreadPoolExecutor(CLIENTS) as pool:
            keys += [e["node_key"] for e in pool.map(enroll, extra)]
        reports = machines + extra

        def send(pair):
            key, report = pair
            headers = {
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json",
                "Content-Encoding": "gzip",
            }
            return http.post("/api/v1/inventory", content=gz(payload(report)), headers=headers)

        with ThreadPoolExecutor(CLIENTS) as pool:
            answers = list(pool.map(send, zip(keys, reports, strict=True)))
    statuses = [(a.status_code, a.json().get("status")) for a in answers]
    assert statuses == [(200, "applied")] * CLIENTS, statuses
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Asset)) == CLIENTS
        assert s.scalar(select(func.count()).select_from(SoftwareTitle)) == 40 + CLIENTS
        assert s.scalar(select(func.count()).select_from(SoftwareVersion)) == 40 + CLIENTS
        assert s.scalar(select(func.count()).select_from(Installation)) == CLIENTS * 41
        assert (
            s.scalar(select(func.count()).select_from(InventoryState).where(InventoryState.report_count == 1))
            == CLIENTS
        )
