"""Import jobs whose process stopped. A job runs in the process that accepted its upload (a background task), so
when that process dies — a crash, an OOM kill, a restart mid-import — nothing would ever finish the job: it would
say queued or running for ever. Each job records its runner (host name, process id, process start time); a job
whose runner is gone is failed with a message saying so, by the worker's pass and whenever the job is read. The
import ran in one transaction, so a job that died changed nothing and the file can simply be uploaded again.

A process of this host is checked exactly (a reused process id has another start time). A job of another host
(several servers on one PostgreSQL) cannot be checked from here: it is failed once it has been queued or running
longer than `import_job_timeout_minutes`; if it then finishes after all, its own result replaces the failure.
Host names must differ between the servers sharing a database (containers get their own).
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from pathlib import Path

import psutil
from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.imports.events import emit_finished
from inventory_api.imports.models import ImportJob

UNFINISHED = ("queued", "running")


def this_runner() -> str:
    """This process, as a job records its runner: host:pid:start time."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{psutil.Process(pid).create_time():.2f}"


def runner_gone(runner: str | None) -> bool | None:
    """Whether the runner, a process of this host, no longer runs; None when this host cannot tell."""
    parts = (runner or "").rsplit(":", 2)
    if len(parts) != 3 or parts[0] != socket.gethostname():
        return None
    try:
        return abs(psutil.Process(int(parts[1])).create_time() - float(parts[2])) > 1.0
    except psutil.NoSuchProcess:
        return True
    except (ValueError, psutil.Error):
        return None


def abandoned(job: ImportJob, now: datetime, timeout: timedelta) -> bool:
    """A queued or running job that nothing will finish."""
    if job.status not in UNFINISHED:
        return False
    gone = runner_gone(job.runner)
    if gone is not None:
        return gone
    return now - (job.started_at or job.created_at) > timeout


def fail_abandoned(session: Session, jobs: list[ImportJob], now: datetime, timeout: timedelta) -> int:
    """Fail those of the jobs that are abandoned (their spooled upload removed when it is on this host); how many."""

    failed = 0
    for job in jobs:
        if not abandoned(job, now, timeout):
            continue
        where = job.runner or "an unknown process"
        job.status, job.finished_at = "failed", now
        job.message = (
            f"the server process running this import stopped ({where}) before it finished: nothing was imported; "
            "upload the file again"
        )
        if job.spool_path and runner_gone(job.runner):
            Path(job.spool_path).unlink(missing_ok=True)
            job.spool_path = None
        emit_finished(session, job)
        failed += 1
    return failed


def fail_all_abandoned(session: Session, now: datetime, timeout: timedelta) -> int:
    """Fail every abandoned job (the worker's pass)."""
    jobs = list(session.scalars(select(ImportJob).where(ImportJob.status.in_(UNFINISHED))))
    return fail_abandoned(session, jobs, now, timeout)
