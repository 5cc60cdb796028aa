"""A server told to stop (SIGTERM, as systemd or a rolling upgrade does) while a collector's big report is on its
way: the report is either answered before the process ends, or refused at the door and sent again to the next
server — either way it is applied once, nothing lost and nothing doubled."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from sqlalchemy import func, select

from inventory_api.software.models import Installation
from tests.api.ingest.reports import enroll, gz, machine, make_secret, make_site, payload
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.e2e


def test_a_report_in_flight_when_the_server_stops_is_applied_once(db, tmp_path):
    server = LiveServer(db.url, tmp_path, INVENTORY_REPORT_MIN_INTERVAL_SECONDS="0")
    server.start()
    report = machine(packages=[(f"package-{i:04d}", f"1.{i}") for i in range(900)])
    with httpx.Client(base_url=server.url, timeout=60) as client:
        key = enroll(client, make_secret(db, make_site(db)), report)["node_key"]
    body = gz(payload(report))
    headers = {
        "Authorization": f"Bearer {key}",
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
    }
    answers: list[int | str] = []

    def send() -> None:
        try:
            answers.append(
                httpx.post(
                    server.url + "/api/v1/inventory", content=body, headers=headers, timeout=60
                ).status_code
            )
        except httpx.TransportError as exc:
            answers.append(type(exc).__name__)

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(0.05)  # the report is being read or applied
    server.stop()  # SIGTERM; uvicorn finishes the requests it has, then exits
    sender.join()
    if answers[0] != 200:  # refused at the door: the collector keeps it and sends it to the next server
        server.start()
        answers.append(
            httpx.post(
                server.url + "/api/v1/inventory", content=body, headers=headers, timeout=60
            ).status_code
        )
    server.stop()
    assert answers[-1] == 200, answers
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Installation)) == 900
