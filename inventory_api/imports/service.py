"""Import jobs: spool the upload, run it in the background in its own transaction, keep the result."""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from inventory_api.cabling.registry import Sites
from inventory_api.db import Database, analyze, utcnow
from inventory_api.errors import AppError, NotFound
from inventory_api.history.service import Actor, Cause, set_actor
from inventory_api.imports.assets import AssetImporter
from inventory_api.imports.context import ImportContext, from_app_error
from inventory_api.imports.events import emit_finished
from inventory_api.imports.liveness import this_runner
from inventory_api.imports.locations import import_location
from inventory_api.imports.models import ImportJob
from inventory_api.imports.people import import_person
from inventory_api.imports.readers import RowError, read_rows
from inventory_api.imports.services import import_service

log = logging.getLogger(__name__)
#: How many bad rows a job keeps (the count is always complete).
MAX_ERRORS = 1000
#: Row-by-row importers let go of loaded records this often, so memory stays flat.
RELEASE_EVERY = 1000
#: An import this large changes the tables' statistics enough to ANALYZE them after it (PostgreSQL).
BULK_ROWS = 1000


class RowImporter:
    """Runs one function per row, each in a savepoint, so a bad row leaves nothing behind for the next."""

    def __init__(self, ctx: ImportContext, handle: Callable[[ImportContext, dict[str, Any]], None]) -> None:
        self.ctx, self.handle, self.done = ctx, handle, 0

    def add(self, number: int, row: dict[str, Any]) -> list[tuple[int, RowError]]:
        session = self.ctx.session
        self.ctx.cache["row"] = number
        try:
            with session.begin_nested():
                self.handle(self.ctx, row)
        except AppError as exc:
            raise from_app_error(exc) from None
        self.done += 1
        if self.done % RELEASE_EVERY == 0:
            session.flush()
            session.expunge_all()
        return []

    def finish(self) -> list[tuple[int, RowError]]:
        return []

    def before_commit(self) -> None:
        return None


IMPORTERS: dict[str, Callable[[ImportContext], Any]] = {
    "people": lambda ctx: RowImporter(ctx, import_person),
    "locations": lambda ctx: RowImporter(ctx, import_location),
    "services": lambda ctx: RowImporter(ctx, import_service),
    "assets": AssetImporter,
}


def spool_dir(configured: str | None) -> Path:
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / "inventory-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def create_job(session: Session, **values: Any) -> ImportJob:
    job = ImportJob(**values, runner=this_runner())  # the background task runs in this process
    session.add(job)
    session.flush()
    return job


def require_job(session: Session, job_id: uuid.UUID, *, user_id: str | None) -> ImportJob:
    """A job; only its uploader (or an admin, user_id None) may read it."""
    job = session.get(ImportJob, job_id)
    if job is None or (user_id is not None and job.created_by_id != user_id):
        raise NotFound("import job", job_id)
    return job


def jobs_query(*, user_id: str | None) -> Select[Any]:
    stmt = select(ImportJob)
    return stmt.where(ImportJob.created_by_id == user_id) if user_id is not None else stmt


def run_job(db: Database, job_id: uuid.UUID, *, quarantine_days: int = 90) -> None:
    """Run an import job in its own transaction: a dry run, or a failed row, rolls it all back."""
    with db.transaction() as session:
        job = session.get(ImportJob, job_id)
        if job is None or job.status != "queued":
            return
        job.status, job.started_at, job.runner = "running", utcnow(), this_runner()
        spec = {c: getattr(job, c) for c in ("kind", "format", "dry_run", "spool_path", "site_ids", "created_by",
                                             "created_by_id")}  # fmt: skip
    result: dict[str, Any] = {"errors": [], "error_count": 0, "rows": 0}
    try:
        _run(db, job_id, spec, result, quarantine_days)
    except Exception:  # a bug or a database failure: the job says so, the import changed nothing
        log.exception("import job %s failed", job_id)
        # The detail (a query, a value) stays in the log: the job's readers may not see what it names.
        result |= {
            "status": "failed",
            "message": f"the import stopped on an internal error and changed nothing; "
            f"the service log has the details (import job {job_id})",
        }
    finally:
        if spec["spool_path"]:
            Path(spec["spool_path"]).unlink(missing_ok=True)
    with db.transaction() as session:
        job = session.get(ImportJob, job_id)
        for field, value in result.items():
            setattr(job, field, value)
        job.finished_at, job.spool_path = utcnow(), None
        emit_finished(session, job)
    if result.get("status") == "succeeded" and not spec["dry_run"] and result["rows"] >= BULK_ROWS:
        analyze(db.engine)


def _run(
    db: Database, job_id: uuid.UUID, spec: dict[str, Any], result: dict[str, Any], quarantine_days: int
) -> None:
    sites: Sites = frozenset(uuid.UUID(s) for s in spec["site_ids"]) if spec["site_ids"] is not None else None
    errors: list[dict[str, Any]] = result["errors"]

    def bad(number: int, error: RowError) -> None:
        result["error_count"] += 1
        if len(errors) < MAX_ERRORS:
            errors.append({"row": number, "column": error.column, "reason": error.reason})

    with db.write_sessions() as session:
        set_actor(session, Actor("user", spec["created_by_id"], spec["created_by"]))
        session.info["cause"] = Cause("import", str(job_id))
        session.begin()
        ctx = ImportContext(session=session, sites=sites, job_id=job_id)
        ctx.cache["quarantine_days"] = quarantine_days
        importer = IMPORTERS[spec["kind"]](ctx)
        with open(spec["spool_path"], encoding="utf-8-sig", newline="") as stream:
            for number, row in read_rows(stream, spec["format"]):
                result["rows"] += 1
                if isinstance(row, RowError):
                    bad(number, row)
                    continue
                try:
                    late = importer.add(number, row)
                except RowError as exc:
                    late = [(number, exc)]
                for late_number, error in late:
                    bad(late_number, error)
        for late_number, error in importer.finish():
            bad(late_number, error)
        counts = ctx.counts
        result |= {"created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged}
        errors.sort(key=lambda e: e["row"])
        if spec["dry_run"] or result["error_count"]:
            session.rollback()
            result["status"] = "succeeded" if spec["dry_run"] else "failed"
            result["message"] = (
                f"dry run: {result['error_count']} bad row(s); nothing was changed"
                if spec["dry_run"]
                else f"{result['error_count']} bad row(s): nothing was imported"
            )
            return
        importer.before_commit()
        session.commit()
        result["status"] = "succeeded"
        result["message"] = (
            f"{counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged"
        )
