"""CPU per request of the fleet's hot paths, driven by a compiled load generator (Debian's `wrk`).

    .venv/bin/python benchmarks/fleet_hour.py [--db both|postgresql|sqlite] [--machines 300] [--rounds 30]
        [--changed-machines 300] [--new-machines 100] [--duration 5] [--connections 16]

`apt-get install wrk` first. For each database, with one uvicorn worker and then two: a synthetic fleet
(benchmarks/ingest_fleet.py) enrolls and most of it sends its first full report, the tables are analysed (as
`inventory-api migrate` and a bulk import leave them), then the real service is driven by wrk through
`wrk_rotate.lua`, which rotates through prepared requests — every report is sent once (its own report id and node
key, its machine's state as the report expects), the others round and round for `--duration` seconds:

- `/healthz` — the same run's floor;
- an unchanged report (95 % of a fleet's traffic: every section as its hash, the status in full);
- a look-up by serial (`GET /api/v1/assets?serial=`) with a token;
- a small change as the collector sends it (5 packages changed: software as a delta, the rest as hashes);
- a first full report (300–1 500 packages) of a machine that has just enrolled;
- the mixed hour: of every 100 reports 95 unchanged, 4 small changes and 1 first report, at the rate the
  service holds with 16 connections — × 3 600 is the workstations it serves reporting hourly, at that p99.

For each: req/s and wrk's p50/p99, and the primary figure, **CPU per request** — the server's processes
(`/proc` via psutil) and the database's (PostgreSQL: the backends serving this database, found in
pg_stat_activity; SQLite runs inside the server).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import re
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from benchmarks.ingest import (  # noqa: E402
    Load,
    build_fleet,
    drop_database,
    free_port,
    make_database,
    prepare,
    serve,
    server_cpu,
    stop,
)  # fmt: skip

WRK = "/usr/bin/wrk"
SCRIPT = Path(__file__).with_name("wrk_rotate.lua")


def backend_cpu(url: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL process serving this database (the server's pool), by pid."""
    if not url.startswith("postgresql"):
        return {}
    import psycopg

    with psycopg.connect(url) as conn:
        pids = [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]  # fmt: skip
    seconds = {}
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            seconds[pid] = sum(psutil.Process(pid).cpu_times()[:2])
    return seconds


def wrk(
    port: int, folder: Path, entries: list[tuple[Any, ...]], args: argparse.Namespace, *, once: bool
) -> dict[str, Any]:
    """Run wrk over these requests (`once`: each sent once, stopping at the end of the list, else round and round
    for the run's duration); its req/s, latency percentiles, total and non-2xx counts."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for i, (method, path, token, body, *media) in enumerate(entries):
        name = "-"
        if body is not None:
            name = f"b{i}.gz"
            (folder / name).write_bytes(body)
        lines.append("\t".join([method, path, token, name, *media]))  # media: content type and encoding
    (folder / "index.tsv").write_text("\n".join(lines) + "\n")
    out = subprocess.run(
        [WRK, "-t", "2", "-c", str(args.connections), "-d", f"{args.duration}s", "--latency", "-s", str(SCRIPT),
         f"http://127.0.0.1:{port}", "--", str(folder), "2", "once" if once else "again"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    total = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    elapsed = re.search(r"^elapsed_us (\d+)$", out, re.M)
    if elapsed:  # the list was sent whole before the run's end: every entry was served, in this time
        total, rps = len(entries), len(entries) / (int(elapsed.group(1)) / 1e6)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    statuses = {}
    for status, count in re.findall(r"^status (\d+) (\d+)$", out, re.M):
        statuses[status] = statuses.get(status, 0) + int(count)
    return {"statuses": statuses, "rps": rps, "p50_ms": ms("50%"), "p99_ms": ms("99%"), "n": total, "non_2xx": int(bad.group(1)) if bad else 0,
            "wrapped": total > len(entries)}  # fmt: skip


def measure(
    name: str,
    server: Any,
    url: str,
    port: int,
    folder: Path,
    entries: list,
    args: argparse.Namespace,
    *,
    once: bool = False,
) -> dict[str, Any]:
    """One path under wrk, with the server's and the database's CPU per request."""
    before_server, before_db = server_cpu(server.pid), backend_cpu(url)
    result = wrk(port, folder / name, entries, args, once=once)
    after_db = backend_cpu(url)  # a backend opened during the run counts whole
    result["server_ms"] = 1000 * (server_cpu(server.pid) - before_server) / result["n"]
    used = sum(seconds - before_db.get(pid, 0.0) for pid, seconds in after_db.items())
    result["db_ms"] = 1000 * used / result["n"] if url.startswith("postgresql") else None
    return result


def admin_token(url: str) -> str:
    from inventory_api.auth import service as auth
    from inventory_api.db import Database

    db = Database(url)
    with db.transaction() as session:
        user = auth.create_user(session, username="bench", role="admin")
        _, token = auth.create_token(session, user, name="bench")
    db.dispose()
    return token


def rounds_of(body: bytes, rounds: int, start_hour: int) -> list[bytes]:
    """The same unchanged report sent `rounds` times an hour apart, each with its own report id."""
    data = json.loads(gzip.decompress(body))
    out = []
    for r in range(rounds):
        data["report_id"] = str(uuid.uuid4())
        data["collected_at"] = (datetime.now(UTC) + timedelta(hours=start_hour + r)).isoformat()
        out.append(gzip.compress(json.dumps(data, separators=(",", ":")).encode(), compresslevel=6))
    return out


def mixed(unchanged: list[Any], small: list[Any], first: list[Any]) -> list[Any]:
    """An hour's traffic in miniature: of every 100 reports 95 unchanged, 4 small changes, 1 first report,
    spread evenly, until one kind runs out."""
    out, u, c, f = [], iter(unchanged), iter(small), iter(first)
    try:
        while True:
            for i in range(100):
                out.append(next(f) if i == 50 else next(c) if i % 25 == 12 else next(u))
    except StopIteration:
        return out


class Fleet:
    """Machines for one server run (one worker count), each used once per case: quiet ones send their first
    report before and unchanged ones during the runs, delta ones one small change, new ones their first."""

    def __init__(self, args: argparse.Namespace) -> None:
        n = args.machines
        self.quiet, self.delta, self.new = n, args.changed_machines, args.new_machines
        total = self.quiet + 2 * self.delta + 2 * self.new
        identities, first, same, small, *_ = build_fleet(total, 2000, 5, 7, rounds=1)
        self.identities, self.first, self.small = identities, first, small
        #: Each quiet machine's unchanged reports: the first half for the unchanged case, the rest for the mix.
        self.unchanged = [rounds_of(same[i], 2 * args.rounds, 1) for i in range(n)]

    def reported(self) -> range:
        """The machines whose first report is sent before the runs."""
        return range(self.quiet + 2 * self.delta)

    def cases(self, keys: list[str], token: str) -> dict[str, list[tuple[Any, ...]]]:
        def report(i: int, body: bytes) -> tuple[Any, ...]:
            return ("POST", "/api/v1/inventory", keys[i], body)

        q, d, rounds = self.quiet, self.delta, len(self.unchanged[0]) // 2
        unchanged = [[report(i, self.unchanged[i][r]) for i in range(q)] for r in range(2 * rounds)]
        small = [report(q + i, self.small[q + i]) for i in range(2 * d)]
        new = [report(q + 2 * d + i, self.first[q + 2 * d + i]) for i in range(2 * self.new)]
        return {
            "/healthz": [("GET", "/healthz", "-", None)],
            "unchanged report": [e for row in unchanged[:rounds] for e in row],
            "look-up by serial": [("GET", f"/api/v1/assets?serial={ident['serial']}", token, None)
                                  for ident in self.identities if ident.get("serial")],
            "small change (delta)": small[:d],
            "first full report": new[: self.new],
            "mixed hour 95/4/1": mixed([e for row in unchanged[rounds:] for e in row], small[d:], new[self.new :]),
        }  # fmt: skip


#: Cases whose list may be sent round again (a repeat is the same request): the others are each sent once.
REPEATABLE = {"/healthz", "look-up by serial"}


def run(
    kind: str, workers: int, fleet: Fleet, args: argparse.Namespace, workdir: Path
) -> list[dict[str, Any]]:
    """Every case against a new database and the service with this many workers."""
    workdir.mkdir(parents=True)
    url = make_database(kind, workdir)
    rows = []
    try:
        secret = prepare(url)
        env = {
            "INVENTORY_DATABASE_URL": url, "INVENTORY_WORKER_IN_SERVE": "false", "INVENTORY_REPORT_MIN_INTERVAL_SECONDS": "0",
            "INVENTORY_ENROLL_RATE_PER_MINUTE": "1000000", "INVENTORY_CLOCK_SKEW_FLAG_SECONDS": "8640000",
        }  # fmt: skip
        token = admin_token(url)
        port = free_port()
        server = serve("inventory_api.main:create_app", port, workers, env, workdir / "server.log")
        try:
            load = Load(port, 8)
            enrolled = load.run([("POST", "/api/v1/collectors/enroll", json.dumps(
                {"secret": secret, "identity": ident, "collector_version": "1.0.0"}).encode(),
                {"Content-Type": "application/json"}) for ident in fleet.identities])  # fmt: skip
            keys = [json.loads(b)["node_key"] for b in enrolled["bodies"]]
            load.run([("POST", "/api/v1/inventory", fleet.first[i], {"Authorization": f"Bearer {keys[i]}",
                      "Content-Type": "application/json", "Content-Encoding": "gzip"})
                      for i in fleet.reported()])  # fmt: skip
            analyze(url)  # as `inventory-api migrate` and a bulk import leave it
            cases = fleet.cases(keys, token)
            Load(port, 4).run(
                [
                    ("GET", e[1], b"", {"Authorization": f"Bearer {token}"})
                    for e in cases["look-up by serial"][:40]
                ]
            )  # the pool opens its connections
            for name, entries in cases.items():
                folder = name.replace(" ", "-").replace("/", "").replace("(", "").replace(")", "")
                result = measure(
                    folder, server, url, port, workdir, entries, args, once=name not in REPEATABLE
                )
                rows.append({"db": kind, "workers": workers, "path": name, **result})
                print(line(rows[-1]), flush=True)
        finally:
            stop(server)
    finally:
        drop_database(url)
    return rows


def analyze(url: str) -> None:
    from inventory_api.db import analyze as analyze_tables
    from inventory_api.db import make_engine

    engine = make_engine(url, pool_size=1)
    try:
        analyze_tables(engine)
    finally:
        engine.dispose()


def line(row: dict[str, Any]) -> str:
    db = f"{row['db_ms']:.2f}" if row["db_ms"] is not None else "(in server)"
    warn = f"  {row['non_2xx']} non-2xx {row['statuses']}" if row["non_2xx"] else ""
    warn += "  (list wrapped: repeats)" if row["wrapped"] and row["path"] not in REPEATABLE else ""
    return (f"{row['db']:<10} {row['workers']:>2}  {row['path']:<18} {row['rps']:>8.0f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f}"
            f" {row['server_ms']:>9.2f} {db:>11}{warn}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("both", "postgresql", "sqlite"), default="both")
    parser.add_argument("--machines", type=int, default=300, help="machines sending unchanged reports")
    parser.add_argument("--rounds", type=int, default=30, help="unchanged reports per machine and case")
    parser.add_argument("--changed-machines", type=int, default=300, help="small changes per case")
    parser.add_argument("--new-machines", type=int, default=100, help="first full reports per case")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run at most")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not Path(WRK).exists():
        raise SystemExit("wrk is missing: apt-get install wrk")
    print(f"load average {psutil.getloadavg()[0]:.2f} on {psutil.cpu_count()} cores", flush=True)
    print(
        f"{'db':<10} {'w':>2}  {'path':<20} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'server ms':>9} {'db ms':>11}   (CPU per request)"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="fleet-hour-") as tmp:
        print("building the fleet …", flush=True)
        fleet = Fleet(args)
        for kind in ("postgresql", "sqlite") if args.db == "both" else (args.db,):
            for workers in (1, 2):
                rows += run(kind, workers, fleet, args, Path(tmp) / f"{kind}-{workers}")
    print(f"load average {psutil.getloadavg()[0]:.2f}", flush=True)
    for kind in sorted({row["db"] for row in rows}):
        by = {(row["workers"], row["path"]): row for row in rows if row["db"] == kind}
        hour = {w: by[w, "mixed hour 95/4/1"] for w in (1, 2)}
        print(f"{kind}: the mixed hour holds {hour[1]['rps'] * 3600 / 1e6:.2f} M workstations reporting hourly with one"
              f" worker (p99 {hour[1]['p99_ms']:.0f} ms), {hour[2]['rps'] * 3600 / 1e6:.2f} M with two"
              f" (p99 {hour[2]['p99_ms']:.0f} ms); two workers vs one: /healthz"
              f" {by[2, '/healthz']['rps'] / by[1, '/healthz']['rps']:.2f}x, mixed hour"
              f" {hour[2]['rps'] / hour[1]['rps']:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
