"""The outbox event of an import job that ended, whoever ends it: its run, or the check for abandoned jobs."""

from sqlalchemy.orm import Session

from inventory_api.events.service import emit_event
from inventory_api.imports.models import ImportJob


def emit_finished(session: Session, job: ImportJob) -> None:
    emit_event(session, "import.finished", "import_job", job.id,
               {"id": str(job.id), "kind": job.kind, "status": job.status, "dry_run": job.dry_run, "rows": job.rows,
                "created": job.created, "updated": job.updated, "error_count": job.error_count})  # fmt: skip
