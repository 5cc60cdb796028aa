"""Web page benchmark: server time of the pages a technician lives in, on the large demo organisation.

    .venv/bin/python benchmarks/web.py [--backend sqlite|postgresql|both] [--scale large] [--requests 300]
                                       [--keep DIR]

Fills a fresh database with `inventory-api demo-data` (large: ~106 000 assets, 210 000 work orders, 24 000
people; it takes minutes, `--keep DIR` keeps the SQLite file for the next run), starts `inventory-api serve` with
its JSON access log on, signs in as the technician with the most open orders, and asks one page at a time (no
concurrency: the figure is the server's time for one page, not a throughput): an asset's page, a search (a serial,
a host name, a person's name, an extension, a jack label in turn), the home page with the queue, a work order's
page, and `/healthz` as the same run's floor. Server time is the access log's `ms` (from the request's first byte
in the service to its last byte out), so the client and the load generator do not count. Prints p50/p95/max.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from inventory_api.assets.models import Asset  # noqa: E402
from inventory_api.auth import service as auth  # noqa: E402
from inventory_api.auth.models import User  # noqa: E402
from inventory_api.cabling.models import Jack  # noqa: E402
from inventory_api.db import Database  # noqa: E402
from inventory_api.people.models import Person  # noqa: E402
from inventory_api.services.models import Service  # noqa: E402
from inventory_api.workorders.models import WorkOrder  # noqa: E402

PG_ADMIN = os.environ.get("INVENTORY_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "benchmark password 1"
GOAL_MS = 50


def cli(url: str, *args: str) -> None:
    env = {**os.environ, "INVENTORY_DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "inventory_api.cli", *args], cwd=ROOT, env=env, check=True)


def prepare(url: str, scale: str) -> None:
    started = time.perf_counter()
    cli(url, "migrate")
    cli(url, "demo-data", "--scale", scale)
    print(f"  demo data ({scale}) in {time.perf_counter() - started:.0f} s", flush=True)


def samples(db: Database, rng: random.Random, n: int) -> dict[str, list[str]]:
    """The pages to ask for: random assets and work orders, search terms of every kind, and the busiest
    technician (given a password to sign in)."""
    with db.transaction() as s:
        busiest = s.scalar(
            select(WorkOrder.assignee_id).where(WorkOrder.state.in_(("assigned", "in_progress", "on_hold")))
            .group_by(WorkOrder.assignee_id).order_by(func.count().desc()).limit(1)
        )  # fmt: skip
        user = s.get(User, busiest)
        user.password_hash = auth.hash_password(PASSWORD)
        pick = lambda column, *where: [  # noqa: E731
            str(v) for v in s.scalars(select(column).where(*where).order_by(func.random()).limit(n))
        ]
        terms = [
            *pick(Asset.serial, Asset.serial.is_not(None)), *pick(Asset.hostname, Asset.hostname.is_not(None)),
            *[name.split()[0] for name in pick(Person.name)], *pick(Service.number, Service.type == "extension"),
            *pick(Jack.label),
        ]  # fmt: skip
        return {
            "username": [user.username], "assets": pick(Asset.id), "orders": pick(WorkOrder.id),
            "terms": rng.sample(terms, min(n, len(terms))),
        }  # fmt: skip


def serve(url: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "INVENTORY_DATABASE_URL": url, "INVENTORY_WORKER_IN_SERVE": "false",
           "INVENTORY_ACCESS_LOG": "true", "INVENTORY_PORT": str(port), "INVENTORY_LOGIN_RATE_PER_MINUTE": "1000"}  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-m", "inventory_api.cli", "serve"], cwd=ROOT, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/healthz").status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"the server did not start; see {log}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_times(log: Path) -> dict[str, list[float]]:
    """The access log's server time (ms) per route template."""
    times: dict[str, list[float]] = {}
    for line in log.read_text(errors="replace").splitlines():
        if "inventory_api.access" in line and "{" in line:
            entry = json.loads(line[line.index("{") :])
            if entry["status"] < 400:
                times.setdefault(entry["route"], []).append(entry["ms"])
    return times


def drive(base: str, pages: dict[str, list[str]], requests: int) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        answer = client.post("/login", data={"username": pages["username"][0], "password": PASSWORD})
        assert answer.status_code in (200, 303) and "inventory_session" in client.cookies, answer.text[:300]
        for i in range(requests):
            for path, params in (
                (f"/assets/{pages['assets'][i % len(pages['assets'])]}", None),
                ("/", {"q": pages["terms"][i % len(pages["terms"])]}),
                ("/", None),
                (f"/work-orders/{pages['orders'][i % len(pages['orders'])]}", None),
                ("/healthz", None),
            ):
                answer = client.get(path, params=params)
                assert answer.status_code == 200, (path, answer.status_code)


def p(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]
    )


def run(backend: str, args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-web-"))
    pg_name = f"bench_web_{uuid.uuid4().hex[:8]}"
    if backend == "postgresql":
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + pg_name
    else:
        folder = Path(args.keep) if args.keep else tmp
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / f'web-{args.scale}.db'}"
    print(f"{backend}:", flush=True)
    try:
        if backend == "postgresql" or not (args.keep and Path(url.removeprefix("sqlite:///")).exists()):
            prepare(url, args.scale)
        db = Database(url)
        pages = samples(db, random.Random(7), args.requests)
        db.dispose()
        log = tmp / "server.log"
        proc, base = serve(url, log)
        try:
            drive(base, pages, args.requests)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        times = server_times(log)
        print(f"  {'page':<28} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  goal p95 ≤ {GOAL_MS} ms")
        for label, route, keep in (
            ("asset page", "/assets/{asset_id}", None), ("search (q=…)", "/", "search"), ("home: the queue", "/", "home"),
            ("work-order page", "/work-orders/{order_id}", None), ("/healthz (floor)", "/healthz", None),
        ):  # fmt: skip
            values = times.get(route, [])
            if keep:  # "/" alternates search and home: odd and even requests of the route
                values = values[0::2] if keep == "search" else values[1::2]
            if values:
                print(
                    f"  {label:<28} {len(values):>5} {p(values, 50):>8.1f} {p(values, 95):>8.1f} {max(values):>8.1f}"
                )
    finally:
        if backend == "postgresql":
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--scale", choices=("small", "large"), default="large")
    parser.add_argument("--requests", type=int, default=300, help="of each page")
    parser.add_argument("--keep", help="keep the SQLite database in this folder and reuse it")
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(backend, args)


if __name__ == "__main__":
    main()
