"""Import jobs: upload a file (202 + job id), then read the job's status and result."""

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from inventory_api.db import utcnow
from inventory_api.deps import DbDep, SessionDep, SettingsDep, WriteDep
from inventory_api.errors import PayloadTooLarge, UnsupportedMediaType
from inventory_api.idempotency import IdempotentRoute
from inventory_api.imports import schemas
from inventory_api.imports import service as imports
from inventory_api.imports.liveness import fail_abandoned
from inventory_api.imports.models import ImportJob
from inventory_api.pagination import Page, PageDep, paginate
from inventory_api.routing import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["imports"], route_class=IdempotentRoute, responses=ERROR_RESPONSES)
MEDIA_TYPES = {"text/csv": "csv", "application/json": "json", "application/x-ndjson": "ndjson",
               "application/jsonl": "ndjson"}  # fmt: skip


def _format(request: Request, given: str | None) -> str:
    if given:
        return given
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in MEDIA_TYPES:
        raise UnsupportedMediaType(f"send text/csv, application/json or application/x-ndjson, not {media or 'nothing'}",
                                   code="unsupported_media_type")  # fmt: skip
    return MEDIA_TYPES[media]


async def _spool(request: Request, directory: Path, limit: int) -> tuple[Path, int]:
    """Write the body to disk as it arrives; 413 past `limit` bytes."""
    path = directory / f"{uuid.uuid4()}.upload"
    size = 0
    try:
        with path.open("wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(f"an import is at most {limit} bytes", code="payload_too_large")
                await run_in_threadpool(out.write, chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, size


@router.post("/imports", response_model=schemas.ImportJobRead, status_code=202)
async def upload(
    request: Request, response: Response, background: BackgroundTasks, session: SessionDep, db: DbDep,
    who: WriteDep, settings: SettingsDep, kind: schemas.ImportKind,
    format: Annotated[schemas.ImportFormat | None, Query(description="default: from Content-Type")] = None,
    dry_run: Annotated[bool, Query(description="check every row and change nothing")] = False,
    filename: str | None = None,
) -> ImportJob:  # fmt: skip
    """Upload people, locations (with jacks and panels), assets or services as the raw body; 202 with the job.

    The job runs in the background: read `GET /api/v1/imports/{id}` until `status` is succeeded or failed.
    """
    fmt = _format(request, format)
    path, size = await _spool(
        request, imports.spool_dir(settings.import_spool_dir), settings.max_import_bytes
    )
    sites = sorted(str(s) for s in who.site_ids) if who.site_ids is not None else None
    job = await run_in_threadpool(
        imports.create_job, session, kind=kind, format=fmt, dry_run=dry_run, filename=filename, size_bytes=size,
        spool_path=str(path), site_ids=sites, created_by=who.username, created_by_id=str(who.user_id),
    )  # fmt: skip
    background.add_task(imports.run_job, db, job.id, quarantine_days=settings.number_quarantine_days)
    response.headers["Location"] = f"/api/v1/imports/{job.id}"
    return job


def _owner(who) -> str | None:
    """Whose jobs the caller reads: everyone's for an admin of every site, else its own (a job's rows may name
    any site its uploader holds)."""
    return None if "admin" in who.permissions and who.site_ids is None else str(who.user_id)


def _timeout(settings) -> timedelta:
    return timedelta(minutes=settings.import_job_timeout_minutes)


@router.get("/imports/{job_id}", response_model=schemas.ImportJobRead)
def read_job(job_id: uuid.UUID, session: SessionDep, who: WriteDep, settings: SettingsDep) -> ImportJob:
    """An import job's status, counts and bad rows (row, column, reason); a job whose server process stopped
    before it finished is failed, saying so."""
    job = imports.require_job(session, job_id, user_id=_owner(who))
    fail_abandoned(session, [job], utcnow(), _timeout(settings))
    return job


@router.get("/imports", response_model=Page[schemas.ImportJobRead])
def list_jobs(session: SessionDep, who: WriteDep, page: PageDep, settings: SettingsDep):
    """Your import jobs (an admin of every site sees everyone's), newest first."""
    page_of_jobs = paginate(session, imports.jobs_query(user_id=_owner(who)), page, default_sort="-created_at",
                            sort_columns={"created_at": ImportJob.created_at}, id_column=ImportJob.id)  # fmt: skip
    fail_abandoned(session, list(page_of_jobs.items), utcnow(), _timeout(settings))
    return page_of_jobs
