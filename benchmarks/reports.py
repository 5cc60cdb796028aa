"""Report benchmark: server time of every built-in report and of a typical custom report, on the large demo
organisation.

    .venv/bin/python benchmarks/reports.py [--backend sqlite|postgresql|both] [--runs 5] [--keep DIR]
                                           [--pg-database NAME]

Fills a fresh database with `inventory-api demo-data --scale large` (as benchmarks/web.py does; `--keep DIR`
reuses the SQLite file web.py kept there; `--pg-database NAME` a PostgreSQL database already filled), starts `inventory-api serve` with its JSON access log, and asks each
report `--runs` times as an admin of every site, over the last 30 days and over the year; then a custom report
(open moves per building) previewed. Server time is the access log's `ms`. Prints the median and max of each
report over its default period (30 days) and over the year, beside `/healthz`; the goals are 500 ms per built-in
report (its default period) and 1 s for a typical custom report.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psycopg  # noqa: E402

from benchmarks.web import PG_ADMIN, cli, prepare, serve, server_times  # noqa: E402
from inventory_api.auth import service as auth  # noqa: E402
from inventory_api.db import Database  # noqa: E402
from inventory_api.reports.service import REPORTS  # noqa: E402

CUSTOM = {
    "subject": "work_orders", "group_by": ["building"],
    "filters": [{"field": "kind", "op": "eq", "value": "move"},
                {"field": "state", "op": "in", "value": ["new", "assigned", "in_progress", "on_hold"]}],
}  # fmt: skip


#: What a report needs beyond the period (the upgrade candidates need a rule).
EXTRA = {"upgrade-candidates": {"memory_below_gib": "8", "older_than_years": "5"}}


def admin_token(url: str) -> str:
    db = Database(url)
    with db.transaction() as session:
        user = auth.create_user(session, username=f"bench-{uuid.uuid4().hex[:6]}", role="admin")
        _, token = auth.create_token(session, user, name="bench")
    db.dispose()
    return token


def drive(base: str, token: str, runs: int) -> None:
    today = datetime.now(UTC).date()
    periods = {"30 days": {}, "a year": {"start": (today - timedelta(days=364)).isoformat()}}
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=120, headers=headers) as client:
        for _ in range(runs):
            for name in REPORTS:
                for params in periods.values():
                    answer = client.get(f"/api/v1/reports/{name}", params=params | EXTRA.get(name, {}))
                    assert answer.status_code == 200, (name, answer.text[:300])
            assert client.post("/api/v1/custom-reports/preview", json=CUSTOM).status_code == 200
            client.get("/healthz")


def run(backend: str, args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    kept = backend == "postgresql" and args.pg_database
    pg_name = args.pg_database if kept else f"bench_reports_{uuid.uuid4().hex[:8]}"
    if backend == "postgresql":
        if not kept:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{pg_name}"')
        url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + pg_name
    else:
        folder = Path(args.keep) if args.keep else tmp
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / 'web-large.db'}"
    print(f"{backend}:", flush=True)
    try:
        if kept or (backend == "sqlite" and args.keep and Path(url.removeprefix("sqlite:///")).exists()):
            cli(url, "migrate")
        else:
            prepare(url, "large")
        token = admin_token(url)
        log = tmp / "server.log"
        proc, base = serve(url, log)
        try:
            drive(base, token, args.runs)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        times = server_times(log)
        print(f"  {'route':<44} {'30 days: median':>15} {'max ms':>7} {'a year: median':>15} {'max ms':>7}")
        for route, values in sorted(times.items()):
            if route.startswith("/api/v1/reports"):
                # `drive` asks each report for 30 days, then for the year, in turn.
                month, year = values[0::2], values[1::2]
                print(f"  {route:<44} {statistics.median(month):>15.1f} {max(month):>7.1f} "
                      f"{statistics.median(year):>15.1f} {max(year):>7.1f}")  # fmt: skip
            elif route.startswith(("/api/v1/custom-reports", "/healthz")):
                print(f"  {route:<44} {statistics.median(values):>15.1f} {max(values):>7.1f}")
    finally:
        if backend == "postgresql" and not kept:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--keep", help="the folder of a kept large SQLite demo database (benchmarks/web.py --keep)"
    )
    parser.add_argument(
        "--pg-database", help="a PostgreSQL database the large demo organisation is already in"
    )
    args = parser.parse_args()
    started = datetime.now(UTC)
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(backend, args)
    print(f"took {(datetime.now(UTC) - started).total_seconds():.0f} s")


if __name__ == "__main__":
    main()
