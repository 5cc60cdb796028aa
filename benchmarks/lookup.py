"""Asset look-up benchmark: `GET /api/v1/assets?q=` over real HTTP against 100 000 seeded assets.

    .venv/bin/python benchmarks/lookup.py [--backend sqlite|postgresql|both] [--assets 100000]
                                          [--clients 8] [--warmup 10] [--duration 30] [--workers 1]

Seeds the registry (sites, rooms, people, catalog, assets with serials, hostnames and MACs) with bulk inserts,
starts a real uvicorn process, and runs closed-loop clients (one keep-alive connection per thread) for each case:
serial, hostname, MAC (random notation), person-name prefix, and `/healthz` as the ceiling of the same run.
Prints req/s and p50/p99 latency as the clients see them. PostgreSQL gets its own database, dropped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from inventory_api.assets.identity import normalise_hostname, normalise_serial  # noqa: E402
from inventory_api.assets.models import Asset, AssetIdentifier  # noqa: E402
from inventory_api.auth import service as auth  # noqa: E402
from inventory_api.catalog import service as catalog  # noqa: E402
from inventory_api.db import Database  # noqa: E402
from inventory_api.locations.models import Location  # noqa: E402
from inventory_api.models import Base  # noqa: E402
from inventory_api.people.models import Person  # noqa: E402

PG_ADMIN = os.environ.get("INVENTORY_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
FIRST = ["ada", "alan", "anna", "bruno", "carla", "chen", "david", "elena", "emma", "fatima", "felix", "grace", "hana", "hugo", "ines", "ivan", "jana", "jean", "julia", "karim", "lars", "laura", "lea", "lucas", "maria", "marie", "mateo", "mia", "nadia", "noah", "olga", "omar", "paul", "pedro", "petra", "rafael", "rosa", "sara", "sofia", "tariq", "tom", "yara", "yusuf", "zoe"]  # fmt: skip
LAST = ["andersen", "bauer", "bernard", "costa", "dubois", "durand", "fischer", "garcia", "girard", "hansen", "hoffmann", "ivanova", "jensen", "kowalski", "lambert", "larsen", "laurent", "lefebvre", "lopez", "martin", "meyer", "moreau", "muller", "nielsen", "novak", "petit", "richard", "roux", "schmidt", "schneider", "silva", "simon", "smith", "thomas", "weber", "wagner", "wojcik", "yilmaz", "zimmermann"]  # fmt: skip
KINDS = (
    ("desktop", 30),
    ("laptop", 30),
    ("monitor", 20),
    ("ip_phone", 12),
    ("printer", 4),
    ("docking_station", 4),
)
OUIS = ("00:14:22", "3c:d9:2b", "f8:b1:56", "00:04:f2", "80:5e:c0", "a4:4c:c8", "00:1b:21", "ac:1f:6b")
NETWORKED = {"desktop", "laptop", "ip_phone", "printer"}


def seed(db: Database, n_assets: int, rng: random.Random) -> dict[str, Any]:
    """Bulk-insert a realistic registry; returns the values the clients will look up and a token."""
    started = time.perf_counter()
    now = datetime.now(UTC)
    with db.transaction() as s:
        makers = catalog.seed_manufacturers(s)
        models = [
            catalog.create_model(s, {"manufacturer_id": m.id, "name": f"{m.name} Model {i}"})
            for m in makers[:8] for i in range(5)
        ]  # fmt: skip
        sites, rooms = [], []
        for code, tz in (
            ("LYS", "Europe/Paris"),
            ("OSL", "Europe/Oslo"),
            ("NYC", "America/New_York"),
            ("SIN", "Asia/Singapore"),
        ):
            site_id = uuid.uuid4()
            sites.append(site_id)
            s.add(Location(id=site_id, kind="site", name=code, code=code, site_id=site_id, time_zone=tz))
            s.flush()
            for b in range(2):
                building = Location(
                    id=uuid.uuid4(), kind="building", name=f"B{b}", parent_id=site_id, site_id=site_id
                )
                s.add(building)
                s.flush()
                for r in range(30):
                    room = Location(
                        id=uuid.uuid4(), kind="room", name=f"{r:03}", parent_id=building.id, site_id=site_id
                    )
                    s.add(room)
                    rooms.append((room.id, site_id))
        s.flush()
        user = auth.create_user(s, username="bench", role="admin", password="bench-password-123")
        _, token = auth.create_token(s, user, name="bench")
    n_people = max(10, n_assets // 5)
    people, person_rows = [], []
    for i in range(n_people):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        room_id, site_id = rng.choice(rooms)
        pid = uuid.uuid4()
        name = f"{first.title()} {last.title()}"
        people.append((pid, name))
        person_rows.append({
            "id": pid, "name": name, "name_key": name.lower(), "email": f"{first}.{last}{i}@example.org",
            "employee_id": f"E{i:07}", "department": rng.choice(("IT", "Sales", "Finance", "Ops", "R&D")),
            "site_id": site_id, "location_id": room_id, "active": True, "version": 1,
            "created_at": now, "updated_at": now,
        })  # fmt: skip
    weights = [w for _, w in KINDS]
    serials, hostnames, macs, asset_rows, ident_rows = [], [], [], [], []
    seen_serials: set[str] = set()
    seen_macs: set[str] = set()
    for i in range(n_assets):
        kind = rng.choices([k for k, _ in KINDS], weights)[0]
        model = rng.choice(models)
        while True:
            serial = "".join(rng.choices(string.ascii_uppercase + string.digits, k=rng.choice((7, 10, 12))))
            if serial not in seen_serials:
                seen_serials.add(serial)
                break
        person = rng.choice(people) if rng.random() < 0.6 else None
        room_id, site_id = rng.choice(rooms)
        hostname = (
            f"{'pc' if kind in ('desktop', 'laptop') else kind.replace('_', '')}-{i:06}"
            if kind in NETWORKED
            else None
        )
        aid = uuid.uuid4()
        asset_rows.append({
            "id": aid, "kind": kind, "status": rng.choice(("deployed",) * 8 + ("in_stock", "in_repair")),
            "asset_tag": f"INV-{i:07}", "serial": serial, "serial_key": normalise_serial(serial),
            "manufacturer_id": model.manufacturer_id, "model_id": model.id,
            "hostname": f"{hostname}.corp.example.com" if hostname else None, "hostname_key": normalise_hostname(hostname),
            "site_id": site_id, "location_id": room_id, "assigned_person_id": person[0] if person else None,
            "purchase_date": date(2020, 1, 1) + timedelta(days=rng.randrange(2000)),
            "cost": rng.randrange(100, 3000), "currency": "EUR", "supplier": rng.choice(("Bechtle", "CDW", "Insight")),
            "warranty_end": date(2024, 1, 1) + timedelta(days=rng.randrange(1500)),
            "custom_fields": {}, "attributes": {}, "version": 1, "created_at": now, "updated_at": now,
            "last_seen": now - timedelta(hours=rng.randrange(2000)) if hostname else None,
        })  # fmt: skip
        serials.append(serial)
        if hostname:
            hostnames.append(hostname)
        if kind in NETWORKED:
            while True:
                mac = rng.choice(OUIS) + ":" + ":".join(f"{rng.randrange(256):02x}" for _ in range(3))
                if mac not in seen_macs:
                    seen_macs.add(mac)
                    break
            macs.append(mac)
            ident_rows.append({"asset_id": aid, "kind": "mac", "value": mac, "created_at": now})
    with db.transaction() as s:
        for table, rows in ((Person.__table__, person_rows), (Asset.__table__, asset_rows),
                            (AssetIdentifier.__table__, ident_rows)):  # fmt: skip
            for start in range(0, len(rows), 5000):
                s.execute(insert(table), rows[start : start + 5000])
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    print(f"  seeded {n_assets} assets, {len(ident_rows)} MACs, {n_people} people in {time.perf_counter() - started:.0f} s",
          flush=True)  # fmt: skip
    return {
        "token": token,
        "serials": serials,
        "hostnames": hostnames,
        "macs": macs,
        "people": [p[1] for p in people],
    }


def mac_notation(mac: str, rng: random.Random) -> str:
    """The same MAC as a switch, Windows or Linux would print it."""
    digits = mac.replace(":", "")
    return rng.choice((
        mac, mac.upper(), "-".join(digits[i : i + 2] for i in range(0, 12, 2)).upper(),
        ".".join(digits[i : i + 4] for i in range(0, 12, 4)),
    ))  # fmt: skip


def cases(data: dict[str, Any], rng: random.Random) -> dict[str, Callable[[], str]]:
    """Case name → a function giving the next request path."""

    def q(value: str) -> str:
        return "/api/v1/assets?" + urllib.parse.urlencode({"q": value})

    def serial() -> str:
        value = rng.choice(data["serials"])
        return q(value.lower() if rng.random() < 0.5 else value)

    def hostname() -> str:
        value = rng.choice(data["hostnames"])
        return q(f"{value.upper()}.corp.example.com" if rng.random() < 0.5 else value)

    def person() -> str:
        first, last = rng.choice(data["people"]).split(" ", 1)
        return q(f"{first} {last[:3]}".lower())

    return {
        "healthz (ceiling)": lambda: "/healthz",
        "q=serial": serial,
        "q=hostname": hostname,
        "q=MAC": lambda: q(mac_notation(rng.choice(data["macs"]), rng)),
        "q=person prefix": person,
    }


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU time of the server and its worker processes so far."""
    root = psutil.Process(pid)
    total = 0.0
    for proc in [root, *root.children(recursive=True)]:
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def spread_over_workers(pid: int, port: int) -> str:
    """How the clients' connections are spread over the server's processes, e.g. "4/4".

    Each uvicorn worker accepts from one shared socket, and the first awake takes every connection waiting: 8
    connections opened in one burst often all land on one worker, which then serves alone while the other idles.
    """
    counts = []
    for proc in [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]:
        connections = getattr(proc, "net_connections", proc.connections)("tcp")  # psutil < 6: connections
        held = [c for c in connections if c.status == "ESTABLISHED" and c.laddr.port == port]
        if held:
            counts.append(len(held))
    return "/".join(str(n) for n in sorted(counts, reverse=True))


def closed_loop(
    port: int,
    pid: int,
    token: str,
    next_path: Callable[[], str],
    clients: int,
    warmup: float,
    duration: float,
) -> dict[str, Any]:
    """`clients` threads, each sending its next request as soon as the last answer arrived."""
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    sizes = [0] * clients
    lock = threading.Lock()
    t0 = time.perf_counter()
    measure_from, stop_at = t0 + warmup, t0 + warmup + duration

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:  # the shared random generator is not thread-safe
                path = next_path()
            started = time.perf_counter()
            if started >= stop_at:
                break
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            ended = time.perf_counter()
            if started >= measure_from:
                latencies[i].append(ended - started)
                sizes[i] += len(body)
                if response.status != 200:
                    errors[i] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    # One after the other, as independent clients arrive, not in one burst (spread_over_workers).
    for t in threads:
        t.start()
        time.sleep(min(0.1, warmup / (2 * clients)))
    time.sleep(max(0.0, measure_from - time.perf_counter()))
    spread = spread_over_workers(pid, port)
    cpu_start = server_cpu_seconds(pid)
    time.sleep(max(0.0, stop_at - time.perf_counter()))
    cpu_used = (
        server_cpu_seconds(pid) - cpu_start
    )  # the server's own CPU: robust to other load on the machine
    for t in threads:
        t.join()
    done = sorted(x for per in latencies for x in per)
    n = len(done)
    return {
        "requests": n, "per_second": n / duration, "errors": sum(errors),
        "p50_ms": 1000 * statistics.median(done), "p99_ms": 1000 * done[min(n - 1, int(n * 0.99))],
        "bytes": sum(sizes) / max(n, 1), "cpu_ms": 1000 * cpu_used / max(n, 1), "spread": spread,
    }  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(url: str, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {**os.environ, "INVENTORY_DATABASE_URL": url, "INVENTORY_WORKER_IN_SERVE": "false"}
    command = [sys.executable, "-m", "uvicorn", "inventory_api.main:create_app", "--factory", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"the server did not start; see {log}")


def run_backend(backend: str, args: argparse.Namespace, tmp: Path) -> list[tuple[str, dict[str, Any]]]:
    pg_name = None
    if backend == "postgresql":
        pg_name = f"inv_bench_lookup_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + pg_name
    else:
        url = f"sqlite:///{tmp / 'lookup.db'}"
    try:
        db = Database(url)
        Base.metadata.create_all(db.engine)
        data = seed(db, args.assets, random.Random(args.seed))
        db.dispose()
        proc, port = serve(url, args.workers, tmp / f"server-{backend}.log")
        try:
            results = []
            rng = random.Random(args.seed + 1)
            for name, next_path in cases(data, rng).items():
                if args.cases and not any(c in name for c in args.cases.split(",")):
                    continue
                result = closed_loop(
                    port, proc.pid, data["token"], next_path, args.clients, args.warmup, args.duration
                )
                result["load"] = os.getloadavg()[0]  # other work on the machine skews the figures: show it
                results.append((name, result))
                print(f"  {backend:10} {name:18} {result['per_second']:7.0f} req/s  p50 {result['p50_ms']:5.1f} ms"
                      f"  p99 {result['p99_ms']:5.1f} ms  errors {result['errors']}  {result['bytes']:.0f} B/answer"
                      f"  server CPU {result['cpu_ms']:.2f} ms/req  load {result['load']:.1f}"
                      f"  connections per worker {result['spread']}", flush=True)  # fmt: skip
            return results
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        if pg_name:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds per case, not measured")
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds per case")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--cases", help="comma-separated parts of case names to run, e.g. 'healthz,serial'")
    args = parser.parse_args()
    # A SIGTERM unwinds like Ctrl-C, so the server is stopped and the PostgreSQL database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"{args.assets} assets, {args.clients} closed-loop clients, {args.warmup:.0f} s warm-up + {args.duration:.0f} s"
          f" per case, {args.workers} uvicorn worker(s), {os.cpu_count()} CPUs", flush=True)  # fmt: skip
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    table = []
    with tempfile.TemporaryDirectory(prefix="lookup-bench-") as tmp:
        for backend in backends:
            for name, r in run_backend(backend, args, Path(tmp)):
                table.append((backend, name, r))
    print(
        "\n| backend | case | req/s | p50 ms | p99 ms | server CPU ms/req | errors | load avg | connections |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for backend, name, r in table:
        print(
            f"| {backend} | {name} | {r['per_second']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['cpu_ms']:.2f}"
            f" | {r['errors']} | {r['load']:.1f} | {r['spread']} |"
        )


if __name__ == "__main__":
    main()
