"""The requester hears of the work: e-mails through a real SMTP server (aiosmtpd on this machine) when their order
is created, assigned, put on hold and resolved, each with a status link that works without signing in and expires;
an SMTP server that is down delays the e-mails, never loses or doubles them."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from inventory_api.db import utcnow
from inventory_api.jobs.loop import run_once
from inventory_api.notify.models import Notice, StatusLink
from tests.api.ingest.reports import make_site
from tests.api.stories.desk import API, ok


class Sink:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sink(settings):
    handler, port = Sink(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.smtp_host, settings.smtp_port = "127.0.0.1", port
    settings.public_url = "https://inventory.example.org"
    yield handler
    controller.stop()


def order_for(client, admin, db, email_address: str | None = "pat@example.org"):
    site = make_site(db)
    person = ok(client.post(f"{API}/people", json={"name": "Pat", "email": email_address, "site_id": str(site)},
                            headers=admin), 201)  # fmt: skip
    return ok(client.post(f"{API}/work-orders", headers=admin, json={
        "kind": "repair", "title": "Phone has no dial tone", "priority": "P2", "site_id": str(site),
        "requester_id": person["id"]}), 201)  # fmt: skip


def link_of(message) -> str:
    return re.search(r"https://inventory\.example\.org(/status/\S+)", message.get_content()).group(1)


def test_the_requester_hears_of_each_step_and_follows_it_by_the_link(
    client, admin, db, settings, sink, make_user
):
    order = order_for(client, admin, db)
    make_user("technician", username="tess")
    tess = next(u for u in ok(client.get(f"{API}/users", headers=admin)) if u["username"] == "tess")
    ok(
        client.post(
            f"{API}/work-orders/{order['id']}/notes",
            json={"body": "internal: caller was rude"},
            headers=admin,
        ),
        201,
    )
    run_once(db, utcnow(), settings)
    assert len(sink.messages) == 1
    first = sink.messages[0]
    assert (
        first["To"] == "pat@example.org"
        and first["Subject"] == "[P2] Your request is received: Phone has no dial tone"
    )
    assert "To be resolved by: " in first.get_content()

    page = client.get(link_of(first), headers={})  # no session, no token
    assert page.status_code == 200 and "Phone has no dial tone" in page.text and 'id="state">new' in page.text
    assert "rude" not in page.text and order["id"] not in page.text

    steps = ({"to": "assigned"}, {"to": "in_progress"}, {"to": "on_hold", "hold_reason": "waiting_user"},
             {"to": "in_progress"}, {"to": "resolved"})  # fmt: skip
    ok(client.patch(f"{API}/work-orders/{order['id']}", json={"assignee_id": tess["id"]}, headers=admin))
    for step in steps:
        if client.get(f"{API}/work-orders/{order['id']}", headers=admin).json()["state"] != step["to"]:
            ok(client.post(f"{API}/work-orders/{order['id']}/transitions", json=step, headers=admin))
    run_once(db, utcnow(), settings)
    subjects = [m["Subject"].split(":")[0] for m in sink.messages]
    assert subjects == ["[P2] Your request is received", "[P2] Your request is assigned to a technician",
                        "[P2] Your request is on hold", "[P2] Your request is resolved"]  # fmt: skip
    assert 'id="state">resolved' in client.get(link_of(sink.messages[-1])).text

    with db.transaction() as s:
        s.execute(update(StatusLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    expired = client.get(link_of(first))
    assert expired.status_code == 404 and "Phone" not in expired.text
    assert client.get("/status/not-a-token").status_code == 404


def test_no_mail_without_an_address_or_without_smtp(client, admin, db, settings, sink):
    order_for(client, admin, db, email_address=None)
    run_once(db, utcnow(), settings)
    settings.smtp_host = None
    order_for(client, admin, db)
    run_once(db, utcnow(), settings)
    assert sink.messages == []
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Notice)) == 0


def test_an_smtp_server_that_is_down_delays_the_mail_once(client, admin, db, settings, sink):
    port = settings.smtp_port
    settings.smtp_port = free_port()  # nothing listens there
    order_for(client, admin, db)
    run_once(db, utcnow(), settings)
    with db.sessions() as s:
        notice = s.scalar(select(Notice))
        assert (notice.attempts, notice.sent_at) == (1, None) and "Error" in notice.last_error
    settings.smtp_port = port
    run_once(db, utcnow(), settings)
    assert sink.messages == []  # not yet: it waits its pause
    later = utcnow() + timedelta(minutes=5)
    threads = [threading.Thread(target=run_once, args=(db, later, settings)) for _ in range(2)]  # two workers
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_once(db, later + timedelta(hours=2), settings)
    assert len(sink.messages) == 1
