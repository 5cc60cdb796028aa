"""A saved report e-mailed every week to the addresses it names, as its owner sees it (their sites), its rows as a
CSV attachment, once per period whichever worker runs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from inventory_api.db import utcnow
from inventory_api.events.models import OutboxEvent
from inventory_api.jobs.loop import run_once
from tests.api.custom_reports.test_builder import OPEN_MOVES_PER_BUILDING
from tests.api.stories.desk import API, ok


def test_a_weekly_report_is_mailed_once_a_week_as_its_owner_sees_it(
    client, admin, organisation, db, settings, sink, make_user
):
    hq = make_user("technician", username="tess", site_ids=[organisation.world.site.id])
    body = {"name": "Open moves per building", "definition": OPEN_MOVES_PER_BUILDING, "schedule": "weekly"}
    assert (
        client.post(
            f"{API}/custom-reports", json={**body, "email_to": "not an address"}, headers=hq
        ).status_code
        == 422
    )
    saved = ok(client.post(f"{API}/custom-reports", json={**body, "email_to": "boss@example.org, lead@example.org"},
                           headers=hq), 201)  # fmt: skip
    now = utcnow()
    run_once(db, now, settings)
    run_once(db, now + timedelta(days=1), settings)
    assert len(sink.messages) == 1
    mail = sink.messages[0]
    assert mail["To"] == "boss@example.org, lead@example.org" and mail["Subject"].startswith(
        "Open moves per building"
    )
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_content().splitlines() == ["building,value", "Main,2"]  # tess's site only
    run_once(db, now + timedelta(days=8), settings)
    assert len(sink.messages) == 2
    assert ok(client.get(f"{API}/custom-reports/{saved['id']}", headers=hq))["last_error"] is None
    assert [e["rows"] for e in ran_events(db)] == [[{"building": "Main", "value": 2}]] * 2  # with each e-mail


def ran_events(db) -> list[dict]:
    with db.sessions() as s:
        events = (
            select(OutboxEvent).where(OutboxEvent.event_type == "custom_report.ran").order_by(OutboxEvent.id)
        )
        return [e.payload for e in s.scalars(events)]


def test_a_report_scheduled_without_addresses_goes_to_the_webhooks_once_a_month(
    client, admin, organisation, db, settings, make_user
):
    hq = make_user("technician", username="tess", site_ids=[organisation.world.site.id])
    body = {"name": "Open moves per building", "definition": OPEN_MOVES_PER_BUILDING, "schedule": "monthly"}
    saved = ok(client.post(f"{API}/custom-reports", json=body, headers=hq), 201)
    now = utcnow()
    run_once(db, now, settings.model_copy(update={"smtp_host": None}))
    run_once(db, now + timedelta(days=29), settings)
    (event,) = ran_events(db)
    assert (event["report_id"], event["name"], event["schedule"], event["owner"]) == (
        saved["id"], "Open moves per building", "monthly", "tess")  # fmt: skip
    assert event["columns"] == ["building", "value"] and event["rows"] == [{"building": "Main", "value": 2}]
    run_once(db, now + timedelta(days=31), settings)
    assert len(ran_events(db)) == 2
    assert ok(client.get(f"{API}/custom-reports/{saved['id']}", headers=hq))["last_error"] is None


def test_addresses_without_an_smtp_server_still_reach_the_webhooks_and_say_why_no_mail(
    client, admin, organisation, db, settings, make_user
):
    hq = make_user("technician", username="tess", site_ids=[organisation.world.site.id])
    body = {
        "name": "Moves",
        "definition": OPEN_MOVES_PER_BUILDING,
        "schedule": "weekly",
        "email_to": "boss@example.org",
    }
    saved = ok(client.post(f"{API}/custom-reports", json=body, headers=hq), 201)
    run_once(db, utcnow(), settings.model_copy(update={"smtp_host": None}))
    assert len(ran_events(db)) == 1
    error = ok(client.get(f"{API}/custom-reports/{saved['id']}", headers=hq))["last_error"]
    assert "INVENTORY_SMTP_HOST" in error
