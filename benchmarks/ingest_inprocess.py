"""In-process ingest benchmark: the service's CPU per collector report, without HTTP.

    .venv/bin/python benchmarks/ingest_inprocess.py [--db sqlite|postgresql|both] [--machines 200] [--profile]

Builds the same synthetic fleet as benchmarks/ingest.py, enrolls every machine through the service, then applies
each machine's first full report, an unchanged report (every section as its hash) and a report with 5 changed
packages, one `pipeline.receive_report` per report inside its own `db.transaction()` (parse, validation,
apply and commit included). Prints per-report CPU ms (`time.process_time`: this process only, not the
database server's) and wall ms, mean / p50 / p99 per phase. `--profile` adds the top cProfile entries per phase.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.ingest import add_fleet_arguments, build_fleet, drop_database, make_database, prepare_database  # noqa: E402


def prepare(url: str, identities: list[dict[str, Any]], settings: Any) -> tuple[Any, list[str]]:
    """Schema, a site, an enroll secret and every machine enrolled: (database, node keys)."""
    from pydantic import TypeAdapter

    from collector.report import Identity
    from inventory_api.history.service import Actor, set_actor
    from inventory_api.ingest import service

    db, secret = prepare_database(url)
    adapter = TypeAdapter(Identity)
    keys = []
    for ident in identities:
        with db.transaction() as session:
            set_actor(session, Actor("collector", None, ident.get("hostname"), None))
            enrolled = service.enroll(
                session, secret=secret, identity=adapter.validate_python(ident), collector_version="1.0.0",
                settings=settings, client="127.0.0.1",
            )  # fmt: skip
            keys.append(enrolled.node_key)
    return db, keys


def warm_catalog(db: Any, bodies: list[bytes]) -> None:
    """Put every package of the fleet in the shared catalog first, as on a server that has seen the fleet."""
    from inventory_api.ingest.pipeline import read_report
    from inventory_api.software.normalize import catalog_key
    from inventory_api.software.service import resolve_catalog

    keys = {}
    for body in bodies:
        report = read_report(body)[0]
        for p in report.software.packages if report.software else report.software_delta.added:
            key = catalog_key(p.name, p.version, p.publisher)
            keys[key.version_key] = key
    with db.transaction() as session:
        resolve_catalog(session, keys.values())


def run_phase(
    db: Any, settings: Any, keys: list[str], bodies: list[bytes], *, profile: bool
) -> tuple[dict[str, Any], str]:
    """Apply one report per machine, each in its own transaction; CPU and wall ms per report."""
    from inventory_api.db import utcnow
    from inventory_api.ingest import pipeline

    cpu, wall, statuses = [], [], {}
    profiler = cProfile.Profile() if profile else None
    for key, body in zip(keys, bodies, strict=True):
        c0, w0 = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        with db.transaction() as session:
            outcome = pipeline.receive_report(
                session, node_key=key, body=body, settings=settings, now=utcnow(), request_id=None
            )
        if profiler:
            profiler.disable()
        cpu.append(1000 * (time.process_time() - c0))
        wall.append(1000 * (time.perf_counter() - w0))
        status = outcome.body.get("status")
        statuses[status] = statuses.get(status, 0) + 1
    text = ""
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
        text = out.getvalue()
    return {"n": len(bodies), "cpu": cpu, "wall": wall, "statuses": statuses}, text


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def bench(kind: str, fleet: tuple, args: argparse.Namespace, workdir: Path) -> list[str]:
    from inventory_api.settings import Settings

    identities, first, same, small, small_full, _ = fleet
    settings = Settings(
        report_min_interval_seconds=0, clock_skew_flag_seconds=86400, _env_file=None
    )  # as benchmarks/ingest.py runs the server
    url = make_database(kind, workdir)
    lines = []
    try:
        db, keys = prepare(url, identities, settings)
        try:
            if args.warm_catalog:
                warm_catalog(db, first + small + small_full if args.warm_changed else first)
            if args.cold_cache:  # a server restarted on that catalog: its catalog cache starts empty
                from inventory_api.software.cache import clear_catalog_caches

                clear_catalog_caches()
            phases = (("first full", first), ("unchanged", same), (f"{args.changed} packages changed (delta)", small),
                      (f"{args.changed} more changed (section in full)", small_full))  # fmt: skip
            for phase, bodies in phases:
                result, text = run_phase(db, settings, keys, bodies, profile=args.profile)
                if text:
                    print(f"--- {kind}, {phase} ---\n{text}", flush=True)
                cpu, wall = result["cpu"], result["wall"]
                lines.append(
                    f"| {kind} | {phase} | {statistics.mean(cpu):.2f} | {pct(cpu, 0.5):.2f} | {pct(cpu, 0.99):.2f} "
                    f"| {statistics.mean(wall):.2f} | {pct(wall, 0.5):.2f} | {pct(wall, 0.99):.2f} | {result['statuses']} |"
                )
                print(lines[-1], flush=True)
            if kind == "postgresql":
                print(database_size(db, len(identities)), flush=True)
        finally:
            db.dispose()
    finally:
        drop_database(url)
    return lines


def database_size(db: Any, machines: int) -> str:
    """Space per machine after the phases (for the sizing table of docs/scaling.md): tables and indexes."""
    from sqlalchemy import text

    with db.engine.connect() as conn:
        sizes = dict(conn.execute(text(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class"
            " WHERE relkind IN ('r', 'p') AND relnamespace = 'public'::regnamespace"
        )).all())  # fmt: skip
    total = sum(sizes.values())
    top = sorted(sizes.items(), key=lambda item: -item[1])[:4]
    parts = ", ".join(f"{name} {size / machines / 1024:.0f}" for name, size in top)
    return f"database: {total / machines / 1024:.0f} KiB per machine ({parts} KiB)"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_fleet_arguments(parser, machines=200)
    parser.add_argument(
        "--warm-catalog",
        action="store_true",
        help="every package already in the catalog before the first reports",
    )
    parser.add_argument(
        "--warm-changed",
        action="store_true",
        help="with --warm-catalog: the changed reports' new versions too (as when other machines had them first)",
    )
    parser.add_argument(
        "--cold-cache",
        action="store_true",
        help="empty the process's catalog cache before the first reports (with --warm-catalog: a restarted server)",
    )
    parser.add_argument("--profile", action="store_true", help="print the top cProfile entries per phase")
    args = parser.parse_args()
    fleet = build_fleet(args.machines, args.titles, args.changed, args.seed)
    # In process there is no HTTP layer to inflate the bodies: hand the service the JSON a collector sends.
    fleet = (fleet[0], *([gzip.decompress(b) for b in bodies] for bodies in fleet[1:5]), fleet[5])
    print(f"fleet: {args.machines} machines, {statistics.mean(fleet[5]):.0f} packages on average", flush=True)
    header = [
        "| database | phase | CPU ms mean | CPU p50 | CPU p99 | wall ms mean | wall p50 | wall p99 | answers |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines = []
    with tempfile.TemporaryDirectory(prefix="ingest-inprocess-") as tmp:
        for kind in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
            lines += bench(kind, fleet, args, Path(tmp))
    print("\n".join(header + lines))


if __name__ == "__main__":
    main()
