"""Ingest benchmark: a synthetic fleet reports to a real server over HTTP, on PostgreSQL and SQLite.

    .venv/bin/python benchmarks/ingest.py [--db both] [--machines 2000] [--clients 32] [--workers 2]

Prints reports/s and latency (p50/p99, as the load generator sees them) for a machine's first full report,
an unchanged report (delta protocol) and a report with a few changed packages (with the latency of a /healthz on a
new connection every 20 ms meanwhile: what other requests wait behind the reports), each beside two ceilings
measured in the same run: the framework's no-op POST of the same bodies, and a raw write of the same rows
(COPY on PostgreSQL, executemany on SQLite, one committed transaction per report). Default durability.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.ingest_fleet import machine_report, next_run, title_pool  # noqa: E402
from collector.report import SECTIONS, section_hash, to_dict  # noqa: E402
from collector.software_delta import build_software_delta  # noqa: E402

PG_ADMIN = os.environ.get("INVENTORY_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def wire(report: Any, *, hash_only: tuple[str, ...] = (), delta_from: Any = None) -> bytes:
    """The gzip body a collector sends; `hash_only` sections go as their hash; with `delta_from` (the report the
    server acknowledged), software goes as the packages added and removed since, as the collector sends it."""
    data = to_dict(report)
    data["hashes"] = {name: section_hash(getattr(report, name)) for name in SECTIONS}
    for name in hash_only:
        data[name] = None
    if delta_from is not None:
        base = to_dict(delta_from.software)["packages"]
        data["software_delta"] = build_software_delta(
            section_hash(delta_from.software), base, data["software"]["packages"]
        )
        data["software"] = None
    return gzip.compress(json.dumps(data, separators=(",", ":")).encode(), compresslevel=6)


def build_fleet(
    n: int, titles: int, changed: int, seed: int, rounds: int = 1
) -> tuple[list[dict[str, Any]], list[bytes], list[bytes], list[bytes], list[bytes], list[int]]:
    """Identities, and the bodies of each machine: first full, `rounds` unchanged ones (each with its own report
    id and a later time: the phase must last long enough to measure), a few packages changed (software as a
    delta, as the collector sends it), a few more changed (software in full, as an older collector sends it)."""
    rng = random.Random(seed)
    pool = title_pool(titles, rng)
    identities, first, small, small_full, rows = [], [], [], [], []
    same: list[list[bytes]] = [[] for _ in range(rounds)]
    for i in range(n):
        report = machine_report(i, pool, rng)
        identities.append(to_dict(report.identity))
        first.append(wire(report))
        for unchanged in same:
            unchanged.append(
                wire(next_run(report, changed_packages=0, rng=rng, pool=pool), hash_only=SECTIONS)
            )
        others = tuple(s for s in SECTIONS if s != "software")
        later = next_run(report, changed_packages=changed, rng=rng, pool=pool)
        later.collected_at = next_run(later, changed_packages=0, rng=rng, pool=pool).collected_at
        small.append(wire(later, hash_only=others, delta_from=report))
        latest = next_run(later, changed_packages=changed, rng=rng, pool=pool)
        small_full.append(wire(latest, hash_only=others))
        rows.append(len(report.software.packages))
    return identities, first, [body for unchanged in same for body in unchanged], small, small_full, rows


class Load:
    """Concurrent HTTP clients, one keep-alive connection per thread."""

    def __init__(self, port: int, clients: int) -> None:
        self.port, self.clients = port, clients
        self.local = threading.local()

    def _conn(self) -> http.client.HTTPConnection:
        if getattr(self.local, "conn", None) is None:
            self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        return self.local.conn

    def request(
        self, method: str, path: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, bytes, float]:
        started = time.perf_counter()
        for attempt in range(2):
            conn = self._conn()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                return response.status, data, time.perf_counter() - started
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def run(self, jobs: list[tuple[str, str, bytes, dict[str, str]]]) -> dict[str, Any]:
        started = time.perf_counter()
        with ThreadPoolExecutor(self.clients) as pool:
            results = list(pool.map(lambda job: self.request(*job), jobs))
        elapsed = time.perf_counter() - started
        latencies = sorted(r[2] for r in results)
        codes: dict[int, int] = {}
        for status, _, _ in results:
            codes[status] = codes.get(status, 0) + 1
        return {
            "n": len(jobs), "seconds": round(elapsed, 2), "per_second": round(len(jobs) / elapsed, 1),
            "p50_ms": round(1000 * latencies[len(latencies) // 2], 1),
            "p99_ms": round(1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
            "statuses": codes, "bodies": [r[1] for r in results],
        }  # fmt: skip


def serve(app: str, port: int, workers: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--log-level", "warning", "--no-access-log"]  # fmt: skip
    if app.endswith("create_app"):
        command.append("--factory")
    proc = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz" if app.endswith("create_app") else "/docs")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"{app} did not start; see {log}")


class Probe:
    """While a phase runs, a `/healthz` on a new connection every 20 ms: what a load balancer's health check or a
    technician's first request waits behind the reports (the server's fairness, not only its throughput)."""

    def __init__(self, port: int) -> None:
        self.port, self.latencies = port, []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.done.wait(0.02):
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            started = time.perf_counter()
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            self.latencies.append(time.perf_counter() - started)
            conn.close()

    def __enter__(self) -> Probe:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.done.set()
        self.thread.join()

    def summary(self) -> dict[str, float]:
        ordered = sorted(self.latencies) or [0.0]
        return {
            "probe_p50_ms": round(1000 * ordered[len(ordered) // 2], 1),
            "probe_max_ms": round(1000 * ordered[-1], 1),
        }


def server_cpu(pid: int) -> float:
    """User + system seconds of the server process and its workers so far."""
    import psutil

    parent = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [parent, *parent.children(recursive=True)])


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_database(kind: str, workdir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}"
    import psycopg

    name = f"inv_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def prepare_database(url: str) -> tuple[Any, str]:
    """Schema, a site and an enroll secret: (database, secret)."""
    from inventory_api.db import Database
    from inventory_api.history.service import Actor, set_actor
    from inventory_api.ingest.service import create_enroll_secret
    from inventory_api.locations.models import Location
    from inventory_api.models import Base

    db = Database(url)
    Base.metadata.create_all(db.engine)
    with db.transaction() as session:
        set_actor(session, Actor("system", name="benchmark"))
        site = Location(kind="site", name="Benchmark")
        session.add(site)
        session.flush()
        _, secret = create_enroll_secret(session, name="benchmark", site_id=site.id)
    return db, secret


def prepare(url: str) -> str:
    """Schema, a site and an enroll secret; returns the secret."""
    db, secret = prepare_database(url)
    db.dispose()
    return secret


def raw_ceiling(url: str, rows: list[int], *, threads: int, unchanged: bool) -> dict[str, Any]:
    """The database alone: per report, one transaction writing its rows (COPY / executemany) or one UPDATE."""
    n = len(rows)
    started = time.perf_counter()
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")

        def work(indexes: list[int]) -> None:
            conn = sqlite3.connect(path, timeout=60, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            for i in indexes:
                conn.execute("BEGIN IMMEDIATE")
                if unchanged:
                    conn.execute("UPDATE raw_state SET n = n + 1 WHERE id = ?", (i,))
                else:
                    conn.executemany("INSERT INTO raw_rows (asset, title, version, arch, scope, source) VALUES (?, ?, ?, ?, ?, ?)",
                                     [(i, k, 1, "x86_64", "system", "msi") for k in range(rows[i])])  # fmt: skip
                conn.execute("COMMIT")
            conn.close()

        setup = sqlite3.connect(path)
        setup.executescript(
            "CREATE TABLE IF NOT EXISTS raw_rows (id INTEGER PRIMARY KEY, asset INT, title INT, version INT, arch TEXT, scope TEXT, source TEXT,"
            " UNIQUE (asset, version, title, arch, scope));"
            "CREATE TABLE IF NOT EXISTS raw_state (id INTEGER PRIMARY KEY, n INT);"
        )
        setup.executemany("INSERT OR IGNORE INTO raw_state VALUES (?, 0)", [(i,) for i in range(n)])
        setup.commit()
        setup.close()
    else:
        import psycopg

        dsn = url.replace("postgresql+psycopg", "postgresql")

        def work(indexes: list[int]) -> None:
            with psycopg.connect(dsn) as conn:
                for i in indexes:
                    with conn.transaction(), conn.cursor() as cur:
                        if unchanged:
                            cur.execute("UPDATE raw_state SET n = n + 1 WHERE id = %s", (i,))
                        else:
                            with cur.copy(
                                "COPY raw_rows (asset, title, version, arch, scope, source) FROM STDIN"
                            ) as copy:
                                for k in range(rows[i]):
                                    copy.write_row((i, k, 1, "x86_64", "system", "msi"))

        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS raw_rows (id BIGSERIAL PRIMARY KEY, asset INT, title INT, version INT, arch TEXT, scope TEXT,"
                " source TEXT, UNIQUE (asset, version, title, arch, scope));"
                "CREATE TABLE IF NOT EXISTS raw_state (id INT PRIMARY KEY, n INT)"
            )
            conn.execute(
                "INSERT INTO raw_state SELECT g, 0 FROM generate_series(0, %s) g ON CONFLICT DO NOTHING", (n,)
            )
        started = time.perf_counter()
    shards = [list(range(t, n, threads)) for t in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, shards))
    elapsed = time.perf_counter() - started
    return {"n": n, "seconds": round(elapsed, 2), "per_second": round(n / elapsed, 1)}


def bench(kind: str, fleet: tuple, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    identities, first, same, small, small_full, rows = fleet
    url = make_database(kind, workdir)
    results: dict[str, Any] = {"db": kind}
    try:
        secret = prepare(url)
        env = {
            "INVENTORY_DATABASE_URL": url, "INVENTORY_WORKER_IN_SERVE": "false", "INVENTORY_REPORT_MIN_INTERVAL_SECONDS": "0",
            "INVENTORY_ENROLL_RATE_PER_MINUTE": "1000000", "INVENTORY_CLOCK_SKEW_FLAG_SECONDS": "86400",
            "INVENTORY_INGEST_MAX_CONCURRENT": str(args.slots),
            "INVENTORY_INGEST_WAIT_SECONDS": "600",
        }  # fmt: skip
        port = free_port()
        workers = args.workers if kind == "postgresql" else args.sqlite_workers
        results["workers"] = workers
        server = serve("inventory_api.main:create_app", port, workers, env, workdir / f"server-{kind}.log")
        try:
            load = Load(port, args.clients)
            jobs = [("POST", "/api/v1/collectors/enroll", json.dumps({"secret": secret, "identity": ident, "collector_version": "1.0.0"}).encode(),
                     {"Content-Type": "application/json"}) for ident in identities]  # fmt: skip
            enrolled = load.run(jobs)
            answers = [json.loads(b) for b in enrolled.pop("bodies")]
            keys = [a["node_key"] for a in answers]
            enrolled["answers"] = {"distinct assets": len({a["asset_id"] for a in answers})}  # no duplicates
            results["enroll"] = enrolled

            def phase(bodies: list[bytes]) -> dict[str, Any]:
                headers = [
                    {
                        "Authorization": f"Bearer {k}",
                        "Content-Type": "application/json",
                        "Content-Encoding": "gzip",
                    }
                    for k in keys
                ]
                cpu = server_cpu(server.pid)
                with Probe(port) as probe:
                    out = load.run(
                        [
                            ("POST", "/api/v1/inventory", b, headers[i % len(keys)])
                            for i, b in enumerate(bodies)
                        ]
                    )
                out["server_cpu_ms"] = round(1000 * (server_cpu(server.pid) - cpu) / len(bodies), 2)
                out.update(probe.summary())
                statuses = [
                    json.loads(b).get("status") if b.startswith(b"{") else None for b in out.pop("bodies")
                ]
                out["answers"] = {s: statuses.count(s) for s in set(statuses)}
                return out

            results["first_full"] = phase(first)
            results["unchanged"] = phase(same)
            results["small_change"] = phase(small)
            results["small_change_full"] = phase(small_full)
        finally:
            stop(server)
        port = free_port()
        noop = serve("benchmarks.ingest_noop:app", port, workers, {}, workdir / "noop.log")
        try:
            load = Load(port, args.clients)
            for name, bodies in (("noop_first_full", first), ("noop_unchanged", same)):
                out = load.run(
                    [
                        (
                            "POST",
                            "/api/v1/inventory",
                            b,
                            {"Content-Type": "application/json", "Content-Encoding": "gzip"},
                        )
                        for b in bodies
                    ]
                )
                out.pop("bodies")
                results[name] = out
        finally:
            stop(noop)
        results["raw_first_full"] = raw_ceiling(url, rows, threads=args.workers * 4, unchanged=False)
        results["raw_unchanged"] = raw_ceiling(url, rows, threads=args.workers * 4, unchanged=True)
    finally:
        drop_database(url)
    return results


def table(all_results: list[dict[str, Any]]) -> str:
    lines = [
        "| database | phase | reports | reports/s | p50 ms | p99 ms | server CPU ms/report | /healthz p50 / max ms | no-op POST /s | raw write /s | answers |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in all_results:
        for phase, noop, raw in (("first_full", "noop_first_full", "raw_first_full"), ("unchanged", "noop_unchanged", "raw_unchanged"),
                                 ("small_change", "noop_unchanged", "raw_unchanged"),
                                 ("small_change_full", "noop_first_full", "raw_unchanged")):  # fmt: skip
            p = r[phase]
            lines.append(
                f"| {r['db']} | {phase} | {p['n']} | {p['per_second']} | {p['p50_ms']} | {p['p99_ms']} | {p['server_cpu_ms']} | {p['probe_p50_ms']} / {p['probe_max_ms']} | {r[noop]['per_second']} | {r[raw]['per_second']} | {p['answers']} |"
            )
        lines.append(
            f"| {r['db']} | enroll | {r['enroll']['n']} | {r['enroll']['per_second']} | {r['enroll']['p50_ms']} | {r['enroll']['p99_ms']} | | | | | {r['enroll']['statuses']}, {r['enroll']['answers']} |"
        )
    return "\n".join(lines)


def add_fleet_arguments(parser: argparse.ArgumentParser, *, machines: int) -> None:
    """The database and fleet options, shared with benchmarks/ingest_inprocess.py."""
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--machines", type=int, default=machines)
    parser.add_argument("--titles", type=int, default=20000)
    parser.add_argument("--changed", type=int, default=5, help="packages changed in the small-change report")
    parser.add_argument("--seed", type=int, default=7)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_fleet_arguments(parser, machines=2000)
    parser.add_argument("--clients", type=int, default=32, help="concurrent HTTP clients")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes on PostgreSQL")
    parser.add_argument(
        "--sqlite-workers", type=int, default=1, help="on SQLite (one writer at a time anyway)"
    )
    parser.add_argument("--slots", type=int, default=8, help="ingest_max_concurrent per worker")
    parser.add_argument("--unchanged-rounds", type=int, default=5, help="unchanged reports per machine")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    started = time.perf_counter()
    fleet = build_fleet(args.machines, args.titles, args.changed, args.seed, args.unchanged_rounds)
    mean = statistics.mean(fleet[5])
    print(f"fleet: {args.machines} machines, {mean:.0f} packages on average, built in {time.perf_counter() - started:.0f} s;"
          f" first body {statistics.mean(map(len, fleet[1])) / 1024:.0f} KiB gzip, unchanged {statistics.mean(map(len, fleet[2]))} B", flush=True)  # fmt: skip
    results = []
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        for kind in ["postgresql", "sqlite"] if args.db == "both" else [args.db]:
            results.append(bench(kind, fleet, args, Path(tmp)))
            print(json.dumps(results[-1]), flush=True)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
