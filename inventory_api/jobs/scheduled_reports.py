"""E-mail the scheduled custom reports that are due, each run as its owner (their sites, their role), its rows as
a CSV attachment; the next run a week or a month later. Under a lock: two workers never send one twice."""

from __future__ import annotations

import csv
import io
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select

from inventory_api.auth.models import ROLE_PERMISSIONS, User
from inventory_api.auth.service import Principal, user_site_ids
from inventory_api.custom_reports.models import CustomReport
from inventory_api.custom_reports.schemas import Definition
from inventory_api.custom_reports.service import run as run_report
from inventory_api.db import Database, take_worker_lock
from inventory_api.errors import AppError
from inventory_api.exports import safe_cell
from inventory_api.notify.service import smtp
from inventory_api.settings import Settings

LOCK = 7_402_116
PERIOD = {"weekly": timedelta(days=7), "monthly": timedelta(days=30)}


def _mail(report: CustomReport, columns: list[str], rows: list[dict], settings: Settings) -> EmailMessage:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([safe_cell(row[c]) for c in columns] for row in rows)
    mail = EmailMessage()
    mail["From"], mail["To"] = settings.smtp_from, report.email_to
    mail["Subject"] = f"{report.name} ({report.schedule} report, {len(rows)} rows)"
    link = f"{(settings.public_url or '').rstrip('/')}/reports/custom/{report.id}"
    mail.set_content(f"{report.name}: {len(rows)} rows, attached as CSV.\nOpen it: {link}\n")
    mail.add_attachment(
        buffer.getvalue().encode(), maintype="text", subtype="csv", filename=f"{report.name}.csv"
    )
    return mail


def run(db: Database, now: datetime, settings: Settings) -> dict[str, int]:
    if not settings.smtp_host:
        return {"reports_mailed": 0}
    sent = 0
    with db.transaction() as session:
        if not take_worker_lock(session, LOCK):
            return {"reports_mailed": 0}
        due = session.scalars(select(CustomReport).where(CustomReport.next_run_at <= now).limit(20)).all()
        for report in due:
            report.next_run_at = now + PERIOD.get(report.schedule or "", timedelta(days=7))
            owner = session.get(User, report.owner_id)
            if owner is None or not owner.is_active:
                report.last_error = "its owner is gone or turned off: not sent"
                continue
            who = Principal(owner.id, owner.username, owner.role, ROLE_PERMISSIONS[owner.role],
                            user_site_ids(session, owner))  # fmt: skip
            try:
                columns, rows = run_report(session, who, Definition.model_validate(report.definition))
                with smtp(settings) as server:
                    server.send_message(_mail(report, columns, rows, settings))
            except AppError as exc:
                report.last_error = f"not sent: {exc.detail}"[:500]
            except (OSError, smtplib.SMTPException) as exc:
                report.last_error = f"not sent, tried again in an hour: {exc}"[:500]
                report.next_run_at = now + timedelta(hours=1)
            else:
                report.last_sent_at, report.last_error = now, None
                sent += 1
    return {"reports_mailed": sent}
