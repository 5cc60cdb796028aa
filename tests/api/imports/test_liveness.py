"""An import job whose server process stopped is failed, saying so, instead of staying queued or running."""

import socket
import subprocess
import sys
import uuid
from datetime import timedelta

import psutil
import pytest
from sqlalchemy import select

from inventory_api.db import utcnow
from inventory_api.events.models import OutboxEvent
from inventory_api.imports.liveness import this_runner
from inventory_api.imports.models import ImportJob
from inventory_api.jobs.loop import run_once


def dead_runner() -> str:
    """A process of this host that has ended, as a job records its runner."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    started = psutil.Process(process.pid).create_time()
    process.wait()
    return f"{socket.gethostname()}:{process.pid}:{started:.2f}"


def make_job(db, *, runner, status="running", minutes_ago=1, spool=None) -> str:
    with db.transaction() as session:
        job = ImportJob(kind="people", format="csv", status=status, runner=runner, spool_path=spool,
                        started_at=utcnow() - timedelta(minutes=minutes_ago) if status == "running" else None)  # fmt: skip
        session.add(job)
        session.flush()
        return str(job.id)


def test_a_job_whose_process_died_is_failed_when_read(client, db, admin, tmp_path):
    spool = tmp_path / "upload.csv"
    spool.write_text("employee_id,name\nE1,Pat\n")
    job_id = make_job(db, runner=dead_runner(), spool=str(spool))
    job = client.get(f"/api/v1/imports/{job_id}", headers=admin).json()
    assert job["status"] == "failed"
    assert "stopped" in job["message"] and "nothing was imported" in job["message"]
    assert job["finished_at"] is not None
    assert not spool.exists()
    with db.sessions() as session:
        events = session.scalars(select(OutboxEvent).where(OutboxEvent.event_type == "import.finished")).all()
    assert [e.payload["status"] for e in events] == ["failed"]


@pytest.mark.parametrize("status", ["queued", "running"])
def test_a_job_of_a_live_process_is_left_alone(client, db, admin, status):
    job_id = make_job(db, runner=this_runner(), status=status, minutes_ago=60 * 24)
    assert client.get(f"/api/v1/imports/{job_id}", headers=admin).json()["status"] == status
    assert run_once(db, utcnow(), client.app.state.settings)["abandoned_imports"] == 0


def test_the_list_and_the_worker_fail_dead_jobs_and_wait_for_other_hosts(client, db, admin):
    dead = make_job(db, runner=dead_runner(), status="queued")
    elsewhere_old = make_job(db, runner="another-host:4242:1700000000.00", minutes_ago=5 * 60)
    elsewhere_new = make_job(db, runner="another-host:4243:1700000000.00", minutes_ago=5)
    unknown_old = make_job(db, runner=None, minutes_ago=5 * 60)  # a job from before runners were recorded
    listed = {j["id"]: j["status"] for j in client.get("/api/v1/imports", headers=admin).json()["items"]}
    assert listed == {
        dead: "failed",
        elsewhere_old: "failed",
        elsewhere_new: "running",
        unknown_old: "failed",
    }
    # the worker's pass fails the same jobs without anyone reading them
    again = make_job(db, runner=dead_runner())
    assert run_once(db, utcnow(), client.app.state.settings)["abandoned_imports"] == 1
    with db.sessions() as session:
        assert session.get(ImportJob, uuid.UUID(again)).status == "failed"
        assert session.get(ImportJob, uuid.UUID(elsewhere_new)).status == "running"
