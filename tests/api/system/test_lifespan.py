"""`serve` runs the background worker (inventory_api/jobs) in a thread when configured, and stops it on shutdown."""

import gc
import threading

from fastapi.testclient import TestClient

from inventory_api.main import create_app
from inventory_api.settings import Settings


def worker_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "background-worker"]


def test_worker_thread_runs_inside_serve_and_stops_with_it(db):
    app = create_app(Settings(database_url=db.url, worker_in_serve=True, _env_file=None), db)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        running = worker_threads()
        assert len(running) == 1 and running[0].is_alive()
    running[0].join(timeout=30)
    assert not running[0].is_alive()


def test_no_worker_thread_when_workers_run_apart(db):
    app = create_app(Settings(database_url=db.url, worker_in_serve=False, _env_file=None), db)
    with TestClient(app):
        assert worker_threads() == []


def test_what_the_service_loaded_at_start_is_out_of_the_collectors_reach(db):
    app = create_app(Settings(database_url=db.url, worker_in_serve=False, _env_file=None), db)
    with TestClient(app):
        assert gc.get_freeze_count() > 100_000  # modules, routes, schemas and mappers
