"""CPU per request of the fleet's hot paths, driven by a compiled load generator (Debian's `wrk`).

    .venv/bin/python benchmarks/fleet_hour.py [--db both|postgresql|sqlite] [--machines 600] [--rounds 10]
                                             [--duration 5] [--connections 16]

`apt-get install wrk` first. For each database: a synthetic fleet (benchmarks/ingest_fleet.py) enrolls and sends
its first full reports, then the real service (`uvicorn --workers 1`, then `--workers 2`) is driven by wrk with
`wrk_rotate.lua`, which rotates through prepared requests (each unchanged report with its own report id and node
key, never sent twice):

- `/healthz` — the same run's floor;
- an unchanged report (95 % of a fleet's traffic);
- a look-up by serial (`GET /api/v1/assets?serial=`) with a token.

For each: req/s and wrk's p50/p99, and the primary figure, **CPU per request** — the server's processes
(`/proc` via psutil) and the database's (PostgreSQL: the backends serving this database, found in
pg_stat_activity; SQLite runs inside the server). Small changes and first full reports, whose protocol needs a
client that answers 409s, are measured by benchmarks/ingest.py.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import subprocess
import sys
import tempfile
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


def wrk(port: int, folder: Path, entries: list[tuple[Any, ...]], args: argparse.Namespace) -> dict[str, Any]:
    """Run wrk over these requests; its req/s, latency percentiles, total and non-2xx counts."""
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
         f"http://127.0.0.1:{port}", "--", str(folder), "2"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50_ms": ms("50%"),
            "p99_ms": ms("99%"), "n": total, "non_2xx": int(bad.group(1)) if bad else 0,
            "wrapped": total > len(entries)}  # fmt: skip


def measure(
    name: str, server: Any, url: str, port: int, folder: Path, entries: list, args: argparse.Namespace
) -> dict[str, Any]:
    """One path under wrk, with the server's and the database's CPU per request."""
    before_server, before_db = server_cpu(server.pid), backend_cpu(url)
    result = wrk(port, folder / name, entries, args)
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


def run(kind: str, fleet: tuple, args: argparse.Namespace, workdir: Path) -> list[dict[str, Any]]:
    identities, first, same, *_ = fleet
    url = make_database(kind, workdir)
    rows = []
    try:
        secret, token = prepare(url), None
        env = {
            "INVENTORY_DATABASE_URL": url, "INVENTORY_WORKER_IN_SERVE": "false", "INVENTORY_REPORT_MIN_INTERVAL_SECONDS": "0",
            "INVENTORY_ENROLL_RATE_PER_MINUTE": "1000000", "INVENTORY_CLOCK_SKEW_FLAG_SECONDS": "8640000",
        }  # fmt: skip
        token = admin_token(url)
        keys: list[str] = []
        half = len(same) // 2
        for workers, unchanged in ((1, same[:half]), (2, same[half:])):
            port = free_port()
            server = serve(
                "inventory_api.main:create_app", port, workers, env, workdir / f"server-{kind}-{workers}.log"
            )
            try:
                if not keys:
                    load = Load(port, 8)
                    enrolled = load.run([("POST", "/api/v1/collectors/enroll", json.dumps(
                        {"secret": secret, "identity": ident, "collector_version": "1.0.0"}).encode(),
                        {"Content-Type": "application/json"}) for ident in identities])  # fmt: skip
                    keys = [json.loads(b)["node_key"] for b in enrolled["bodies"]]
                    load.run([("POST", "/api/v1/inventory", body, {"Authorization": f"Bearer {keys[i]}",
                              "Content-Type": "application/json", "Content-Encoding": "gzip"})
                              for i, body in enumerate(first)])  # fmt: skip
                paths = {
                    "/healthz": [("GET", "/healthz", "-", None)],
                    "unchanged report": [("POST", "/api/v1/inventory", keys[i % len(keys)], body)
                                         for i, body in enumerate(unchanged)],
                    "look-up by serial": [("GET", f"/api/v1/assets?serial={ident['serial']}", token, None)
                                          for ident in identities if ident.get("serial")],
                }  # fmt: skip
                Load(port, 4).run(
                    [
                        ("GET", e[1], b"", {"Authorization": f"Bearer {token}"})
                        for e in paths["look-up by serial"][:40]
                    ]
                )  # the pool opens its connections
                for name, entries in paths.items():
                    result = measure(
                        name.replace(" ", "-").strip("/"),
                        server,
                        url,
                        port,
                        workdir / f"{kind}-{workers}",
                        entries,
                        args,
                    )
                    rows.append({"db": kind, "workers": workers, "path": name, **result})
                    print(line(rows[-1]), flush=True)
            finally:
                stop(server)
    finally:
        drop_database(url)
    return rows


def line(row: dict[str, Any]) -> str:
    db = f"{row['db_ms']:.2f}" if row["db_ms"] is not None else "(in server)"
    warn = f"  {row['non_2xx']} non-2xx" if row["non_2xx"] else ""
    warn += "  (list wrapped: repeats)" if row["wrapped"] and row["path"] == "unchanged report" else ""
    return (f"{row['db']:<10} {row['workers']:>2}  {row['path']:<18} {row['rps']:>8.0f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f}"
            f" {row['server_ms']:>9.2f} {db:>11}{warn}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("both", "postgresql", "sqlite"), default="both")
    parser.add_argument("--machines", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=10, help="unchanged reports prepared per machine")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not Path(WRK).exists():
        raise SystemExit("wrk is missing: apt-get install wrk")
    print(
        f"building a fleet of {args.machines} machines ({2 * args.rounds} unchanged reports each) …",
        flush=True,
    )
    fleet = build_fleet(args.machines, 2000, 5, 7, rounds=2 * args.rounds)
    print(f"load average {psutil.getloadavg()[0]:.2f} on {psutil.cpu_count()} cores", flush=True)
    print(
        f"{'db':<10} {'w':>2}  {'path':<18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'server ms':>9} {'db ms':>11}   (CPU per request)"
    )
    with tempfile.TemporaryDirectory(prefix="fleet-hour-") as tmp:
        for kind in ("postgresql", "sqlite") if args.db == "both" else (args.db,):
            run(kind, fleet, args, Path(tmp))
    print(f"load average {psutil.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
