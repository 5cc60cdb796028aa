"""Work orders, the SLA check and webhook delivery at 1000 open orders, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/workorders.py [--orders 1000] [--postgres URL-of-an-admin-database]

Creates N work orders (one transaction), runs the SLA check with every order past its targets (2 events each),
runs it again with nothing new to record, then delivers every event to a local HTTP receiver with the worker.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from ipaddress import IPv4Network
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inventory_api.db import Database, utcnow
from inventory_api.jobs.loop import run_once
from inventory_api.models import Base
from inventory_api.settings import Settings
from inventory_api.sla.breaches import check_sla
from inventory_api.sla.models import SlaPolicy
from inventory_api.webhooks import service as hooks
from inventory_api.workorders import service as orders
from tests import dbs
from tests.api.webhooks.receiver import start
from tests.api.workorders.conftest import make_world


def bench(url: str, count: int) -> dict[str, float]:
    db = Database(url)
    Base.metadata.create_all(db.engine)
    with db.write_sessions() as session:
        world = make_world(session)
    with db.transaction() as session:
        session.add(
            SlaPolicy(name="P3", kind="any", priority="P3", response_minutes=60, resolution_minutes=480)
        )
    result: dict[str, float] = {}
    t = time.perf_counter()
    with db.transaction() as session:
        for i in range(count):
            orders.create_work_order(
                session, None, {"kind": "repair", "title": f"order {i}", "site_id": world.site}
            )
    result["create_s"] = time.perf_counter() - t
    later = utcnow() + timedelta(hours=9)
    t = time.perf_counter()
    with db.transaction() as session:
        result["sla_events"] = check_sla(session, later)
    result["check_s"] = time.perf_counter() - t
    t = time.perf_counter()
    with db.transaction() as session:
        check_sla(session, later)
    result["recheck_s"] = time.perf_counter() - t
    if not db.is_sqlite:
        with db.engine.connect() as conn:  # as autovacuum would after this many new rows
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    receiver = start()
    settings = Settings(
        database_url=url, _env_file=None, webhook_allowed_networks=[IPv4Network("127.0.0.0/8")]
    )
    with db.transaction() as session:
        hooks.create_subscription(
            session, {"name": "bench", "url": receiver.url, "event_types": ["sla.*"], "active": True},
            settings.webhook_allowed_networks,
        )  # fmt: skip
    t = time.perf_counter()
    passes = 0
    while len(receiver.received) < result["sla_events"] and passes < 1000:
        run_once(db, later, settings)
        passes += 1
    result["deliver_s"] = time.perf_counter() - t
    result["delivered"] = len(receiver.received)
    receiver.shutdown()
    db.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1000)
    args = parser.parse_args()
    print(
        "| database | create N orders s | SLA check s (events) | idle re-check s | webhooks delivered / s |"
    )
    print("|---|---|---|---|---|")
    runs = [("SQLite", f"sqlite:///{tempfile.mkdtemp()}/bench.db")]
    pg = None
    if dbs.postgres_reachable() is None:
        pg = dbs.create_pg_database()
        runs.append(("PostgreSQL", pg))
    try:
        for name, url in runs:
            r = bench(url, args.orders)
            print(f"| {name} | {r['create_s']:.1f} | {r['check_s']:.2f} ({int(r['sla_events'])}) | "
                  f"{r['recheck_s']:.2f} | {r['delivered'] / r['deliver_s']:.0f} |")  # fmt: skip
    finally:
        if pg:
            dbs.drop_pg_database(pg)


if __name__ == "__main__":
    main()
