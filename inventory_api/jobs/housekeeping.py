"""Forget expired Idempotency-Key answers; fail import jobs whose server process died."""

from datetime import datetime, timedelta

from inventory_api.db import Database
from inventory_api.idempotency import purge_expired
from inventory_api.imports.liveness import fail_all_abandoned
from inventory_api.settings import Settings


def run(db: Database, now: datetime, settings: Settings) -> dict[str, int]:
    with db.transaction() as session:
        purge_expired(session, now)
        timeout = timedelta(minutes=settings.import_job_timeout_minutes)
        return {"abandoned_imports": fail_all_abandoned(session, now, timeout)}
