"""E-mails to a work order's requester when it is created, assigned, put on hold and resolved, each with a link to
a read-only status page. Notices are made from the outbox's events as the worker fans them out (once per event,
under the fan-out's lock) and sent by the worker under a lock of their own, so two workers never send one twice; a
failed send is tried again later with growing pauses, then given up and recorded."""

from __future__ import annotations

import hashlib
import secrets
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.db import Database, take_worker_lock
from inventory_api.events.models import OutboxEvent
from inventory_api.notify.models import Notice, StatusLink
from inventory_api.people.models import Person
from inventory_api.settings import Settings
from inventory_api.workorders.models import WorkOrder
from inventory_api.workorders.service import list_items

SEND_LOCK = 7_402_115
#: What a requester hears of: the event, and the words of the e-mail's subject.
WORDS = {"created": "received", "assigned": "assigned to a technician", "on_hold": "on hold",
         "resolved": "resolved"}  # fmt: skip


def what_of(event: OutboxEvent) -> str | None:
    """Which requester notice an outbox event calls for, if any."""
    if event.event_type == "work_order.created":
        return "created"
    if event.event_type == "work_order.state_changed" and event.payload.get("to_state") in WORDS:
        return str(event.payload["to_state"])
    return None


def make_notice(session: Session, event: OutboxEvent, now: datetime) -> bool:
    """A notice for this event to the order's requester (one with an e-mail address); whether one was made."""
    what = what_of(event)
    order = session.get(WorkOrder, event.subject_id) if what else None
    person = session.get(Person, order.requester_id) if order and order.requester_id else None
    if person is None or not person.email:
        return False
    session.add(Notice(event_id=event.event_id, work_order_id=order.id, what=what, recipient=person.email,
                       next_attempt_at=now, created_at=now))  # fmt: skip
    return True


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_link(session: Session, token: str, now: datetime) -> WorkOrder | None:
    """The order a status link shows, or None for a link that is unknown or expired."""
    link = session.get(StatusLink, token_hash(token))
    if link is None or link.expires_at <= now:
        return None
    order = session.get(WorkOrder, link.work_order_id)
    return order if order is not None and order.deleted_at is None else None


def message(order: WorkOrder, notice: Notice, link: str, settings: Settings) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"] = settings.smtp_from, notice.recipient
    mail["Subject"] = f"[{order.priority}] Your request is {WORDS[notice.what]}: {order.title}"
    due = order.resolution_due_at.strftime("%Y-%m-%d %H:%M UTC") if order.resolution_due_at else "no target"
    mail.set_content(
        f'Your request "{order.title}" is {WORDS[notice.what]}.\n\n'
        f"State: {order.state.replace('_', ' ')}\nPriority: {order.priority}\nTo be resolved by: {due}\n\n"
        f"Follow it here (the link works for {settings.status_link_days} days): {link}\n"
    )
    return mail


def _claim(db: Database, now: datetime, settings: Settings) -> list[tuple[int, EmailMessage]]:
    """Take the due notices (no other worker takes them while their lease runs) and write their e-mails, each
    with a new status link."""
    lease = timedelta(seconds=settings.smtp_timeout_seconds * 3 + 30)
    jobs = []
    with db.transaction() as session:
        if not take_worker_lock(session, SEND_LOCK):
            return []
        due = session.scalars(
            select(Notice).where(Notice.sent_at.is_(None), Notice.given_up_at.is_(None), Notice.next_attempt_at <= now)
            .order_by(Notice.id).limit(50)
        ).all()  # fmt: skip
        for notice in due:
            notice.next_attempt_at = now + lease
            order = session.get_one(WorkOrder, notice.work_order_id)
            token = secrets.token_urlsafe(24)
            session.add(StatusLink(token_hash=token_hash(token), work_order_id=order.id,
                                   expires_at=now + timedelta(days=settings.status_link_days), created_at=now))  # fmt: skip
            link = f"{(settings.public_url or '').rstrip('/')}/status/{token}"
            jobs.append((notice.id, message(order, notice, link, settings)))
    return jobs


def smtp(settings: Settings) -> smtplib.SMTP:
    kind = smtplib.SMTP_SSL if settings.smtp_security == "ssl" else smtplib.SMTP
    server = kind(settings.smtp_host or "", settings.smtp_port, timeout=settings.smtp_timeout_seconds)
    if settings.smtp_security == "starttls":
        server.starttls()
    if settings.smtp_username:
        server.login(settings.smtp_username, settings.smtp_password or "")
    return server


def send_due(db: Database, now: datetime, settings: Settings) -> int:
    """Send the due notices over one SMTP connection and record each outcome; how many were tried."""
    if not settings.smtp_host:
        return 0
    jobs = _claim(db, now, settings)
    if not jobs:
        return 0
    outcomes: dict[int, str | None] = {}
    try:
        with smtp(settings) as server:
            for notice_id, mail in jobs:
                try:
                    server.send_message(mail)
                    outcomes[notice_id] = None
                except smtplib.SMTPException as exc:
                    outcomes[notice_id] = f"{type(exc).__name__}: {exc}"[:500]
    except (OSError, smtplib.SMTPException) as exc:
        for notice_id, _ in jobs:
            outcomes.setdefault(notice_id, f"{type(exc).__name__}: {exc}"[:500])
    with db.transaction() as session:
        for notice_id, error in outcomes.items():
            _record(session.get_one(Notice, notice_id), error, now, settings)
    return len(jobs)


def _record(notice: Notice, error: str | None, now: datetime, settings: Settings) -> None:
    if error is None:
        notice.sent_at, notice.last_error = now, None
        return
    notice.attempts += 1
    notice.last_error = error
    if notice.attempts >= settings.notice_max_attempts:
        notice.given_up_at = now
    else:
        notice.next_attempt_at = now + timedelta(seconds=min(30 * 2 ** (notice.attempts - 1), 3600))


def status_view(session: Session, order: WorkOrder) -> dict[str, Any]:
    """What the status page shows: the order's own fields and what it is about in words — no internal notes, no
    record ids, nothing of any other order."""
    items = [f"{item.action.replace('_', ' ')} ({item.subject_type})" for item in list_items(session, order)]
    return {"order": order, "items": items}
