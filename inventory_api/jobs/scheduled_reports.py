"""Run the scheduled custom reports that are due, each as its owner (their sites, their role): its rows go to the
webhooks as a `custom_report.ran` event and, when it names addresses, by e-mail as a CSV attachment; the next run
a week or a month later. Under a lock: two workers never send one twice."""

from __future__ import annotations

import csv
import io
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage

from fastapi.encoders import jsonable_encoder
from sqlalchemy import select

from inventory_api.auth.models import ROLE_PERMISSIONS, User
from inventory_api.auth.service import Principal, user_site_ids
from inventory_api.custom_reports.models import CustomReport
from inventory_api.custom_reports.schemas import Definition
from inventory_api.custom_reports.service import run as run_report
from inventory_api.db import Database, take_worker_lock
from inventory_api.errors import AppError
from inventory_api.events.service import emit_event
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
    ran = mailed = 0
    with db.transaction() as session:
        if not take_worker_lock(session, LOCK):
            return {"reports_run": 0, "reports_mailed": 0}
        due = session.scalars(select(CustomReport).where(CustomReport.next_run_at <= now).limit(20)).all()
        for report in due:
            report.next_run_at = now + PERIOD.get(report.schedule or "", timedelta(days=7))
            owner = session.get(User, report.owner_id)
            if owner is None or not owner.is_active:
                report.last_error = "its owner is gone or turned off: not run"
                continue
            who = Principal(owner.id, owner.username, owner.role, ROLE_PERMISSIONS[owner.role],
                            user_site_ids(session, owner))  # fmt: skip
            try:
                columns, rows = run_report(session, who, Definition.model_validate(report.definition))
                if report.email_to and settings.smtp_host:
                    with smtp(settings) as server:
                        server.send_message(_mail(report, columns, rows, settings))
                    mailed += 1
            except AppError as exc:
                report.last_error = f"not run: {exc.detail}"[:500]
                continue
            except (OSError, smtplib.SMTPException) as exc:
                report.last_error = f"not sent, tried again in an hour: {exc}"[:500]
                report.next_run_at = now + timedelta(hours=1)
                continue
            # The event goes with the e-mail (a failed e-mail is retried with its event, never one without it).
            emit_event(session, "custom_report.ran", "custom_report", report.id, {
                "report_id": str(report.id), "name": report.name, "schedule": report.schedule,
                "owner": owner.username, "ran_at": now.isoformat(), "columns": columns,
                "rows": jsonable_encoder(rows)})  # fmt: skip
            report.last_sent_at, ran = now, ran + 1
            report.last_error = (
                "not e-mailed: no SMTP server is set (INVENTORY_SMTP_HOST); sent to the webhooks only"
                if report.email_to and not settings.smtp_host
                else None
            )
    return {"reports_run": ran, "reports_mailed": mailed}
