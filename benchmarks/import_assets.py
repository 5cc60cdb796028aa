"""Asset import benchmark: time and peak RSS of an import job at 10 000 and 100 000 rows, on SQLite and PostgreSQL.

Usage: .venv/bin/python benchmarks/import_assets.py [--rows 10000 100000] [--backend sqlite postgresql]

Each (backend, size) runs in its own process, so that its peak RSS (ru_maxrss) is its own. The process builds an
empty database (SQLite file in a temp dir, or a throwaway PostgreSQL database on INVENTORY_TEST_POSTGRES_URL's
server), seeds one site with 50 rooms and 1 000 people, writes a CSV of N assets (tag, serial, kind, status, name,
hostname, site, room, maker, model, person, dates, cost) to disk, and then times `run_job` — what the background
thread does after an upload: read the spooled file, check each row, upsert in batches, write history, commit.
It then re-imports the same file (every row unchanged: a no-op) and times that too. "cpu s" is this process's
CPU time during the import (PostgreSQL's own work is not in it). RSS before the import (the
interpreter, SQLAlchemy and the app loaded) is shown as the baseline.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KINDS = ["desktop", "laptop", "monitor", "ip_phone", "docking_station", "printer"]
MAKERS = {"Dell Inc.": ["OptiPlex 7090", "Latitude 7440", "P2422H"], "Cisco": ["CP-8841", "CP-7945"],
          "HP": ["LaserJet M507", "EliteBook 840"], "Lenovo": ["ThinkPad T14", "ThinkCentre M90q"]}  # fmt: skip
HEADER = ["asset_tag", "serial", "kind", "status", "name", "hostname", "site", "location", "manufacturer", "model",
          "assigned_to", "purchase_date", "warranty_end", "cost", "currency"]  # fmt: skip


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for i in range(rows):
            maker = rng.choice(list(MAKERS))
            writer.writerow([
                f"AT{i:07d}", f"SN{i:09d}X", rng.choice(KINDS), "deployed", f"asset {i}", f"ws-{i:06d}", "HQ",
                f"R{rng.randrange(50):03d}", maker, rng.choice(MAKERS[maker]), f"E{rng.randrange(1000):05d}",
                "2024-03-01", f"202{rng.randrange(6, 9)}-0{rng.randrange(1, 9)}-15", f"{rng.randrange(100, 2000)}.00", "USD",
            ])  # fmt: skip


def seed(db) -> None:
    from inventory_api.locations.models import Location
    from inventory_api.people.models import Person

    with db.transaction() as session:
        site = Location(kind="site", name="Headquarters", code="HQ", time_zone="America/Chicago")
        session.add(site)
        session.flush()
        site.site_id = site.id
        floor = Location(kind="floor", name="1", code="F1", parent_id=site.id, site_id=site.id)
        session.add(floor)
        session.flush()
        session.add_all(Location(kind="room", name=f"R{r:03d}", code=f"R{r:03d}", parent_id=floor.id, site_id=site.id)
                        for r in range(50))  # fmt: skip
        session.add_all(Person(name=f"Person {p}", name_key=f"person {p}", employee_id=f"E{p:05d}", site_id=site.id)
                        for p in range(1000))  # fmt: skip


def run_one(rows: int, backend: str) -> dict:
    from inventory_api.db import Database
    from inventory_api.imports import service as imports
    from inventory_api.models import Base

    workdir = Path(tempfile.mkdtemp(prefix="import-bench-"))
    pg_url = None
    if backend == "postgresql":
        from tests import dbs

        pg_url = url = dbs.create_pg_database()
    else:
        url = f"sqlite:///{workdir / 'bench.db'}"
    db = Database(url)
    try:
        Base.metadata.create_all(db.engine)
        seed(db)
        source = workdir / "assets.csv"
        write_csv(source, rows)
        size = source.stat().st_size
        result = {
            "backend": backend,
            "rows": rows,
            "file_mib": round(size / 2**20, 1),
            "baseline_mib": round(peak_mib(), 1),
        }
        for label in ("import", "reimport"):
            spool = workdir / f"{label}.upload"
            shutil.copyfile(source, spool)  # the job deletes its spooled upload when it ends
            with db.transaction() as session:
                job = imports.create_job(session, kind="assets", format="csv", dry_run=False, size_bytes=size,
                                         spool_path=str(spool), created_by="bench", created_by_id="bench")  # fmt: skip
            started, cpu = time.perf_counter(), time.process_time()
            imports.run_job(db, job.id)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            with db.transaction() as session:
                done = session.get(type(job), job.id)
                assert done.status == "succeeded", (done.status, done.message, done.errors[:3])
                counts = (done.created, done.updated, done.unchanged)
            result[f"{label}_s"] = round(elapsed, 1)
            result[f"{label}_cpu_s"] = round(cpu, 1)
            result[f"{label}_counts"] = counts
            result[f"{label}_rows_per_s"] = round(rows / elapsed)
        result["peak_mib"] = round(peak_mib(), 1)
        return result
    finally:
        db.dispose()
        if pg_url:
            from tests import dbs

            dbs.drop_pg_database(pg_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--backend", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.rows[0], args.backend[0])))
        return
    print(f"load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'backend':<11}{'rows':>8}{'file MiB':>10}{'import s':>10}{'cpu s':>7}{'rows/s':>9}{'re-import s':>13}"
          f"{'baseline MiB':>14}{'peak MiB':>10}")  # fmt: skip
    for backend in args.backend:
        for rows in args.rows:
            out = subprocess.run([sys.executable, __file__, "--child", "--rows", str(rows), "--backend", backend],
                                 capture_output=True, text=True, check=True, cwd=ROOT)  # fmt: skip
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{backend:<11}{rows:>8}{r['file_mib']:>10}{r['import_s']:>10}{r['import_cpu_s']:>7}{r['import_rows_per_s']:>9}"
                  f"{r['reimport_s']:>13}{r['baseline_mib']:>14}{r['peak_mib']:>10}", flush=True)  # fmt: skip
            assert r["import_counts"] == [rows, 0, 0] and r["reimport_counts"] == [0, 0, rows], r


if __name__ == "__main__":
    main()
