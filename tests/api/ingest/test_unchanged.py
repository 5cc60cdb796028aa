"""The one-statement path of an unchanged report (PostgreSQL): it writes what the full path writes for a quiet
report, and declines, having written nothing, whenever the full path would answer or write anything else."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select, update

from inventory_api.assets.models import Asset, AssetFlag
from inventory_api.db import utcnow
from inventory_api.history.models import ChangeEvent
from inventory_api.ingest import pipeline, unchanged
from inventory_api.ingest.models import Collector, InventoryState
from tests.api.ingest.reports import GiB, again, enroll, machine, make_secret, make_site, payload, post

#: Columns that differ from one report to the next whatever path applies it.
PER_REPORT = {"last_report_id", "last_collected_at", "last_received_at", "next_report_at", "clock_skew_seconds",
              "report_count", "last_contact_at", "last_seen"}  # fmt: skip


@pytest.fixture
def pg(db):
    if db.is_sqlite:
        pytest.skip("SQLite takes the full path: its statements cost no round trip")
    return db


def reported(client, db) -> tuple[str, Any, dict[str, str], uuid.UUID]:
    """A machine enrolled and its first report applied: node key, report, acknowledged hashes, asset id."""
    report = machine()
    key = enroll(client, make_secret(db, make_site(db)), report)["node_key"]
    answer = post(client, key, payload(report)).json()
    return key, report, answer["acknowledged"], uuid.UUID(answer["asset_id"])


def attempt(
    db, settings, key: str, data: dict[str, Any], now: datetime | None = None
) -> pipeline.Outcome | None:
    parsed = pipeline.read_report(json.dumps(data).encode())

    async def receive() -> pipeline.Outcome | None:
        quiet = unchanged.QuietReports(db.engine.url, 1)
        try:
            return await quiet.receive(node_key=key, parsed=parsed, settings=settings, now=now or utcnow())
        finally:
            await quiet.close()

    # In a thread of its own: Playwright's sync API keeps an event loop running in this thread once a browser
    # test has run in this process.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, receive()).result()


def snapshot(db, asset_id: uuid.UUID) -> dict[str, Any]:
    """Every column of the asset, its collectors and its ingest state."""
    with db.sessions() as s:
        rows = [
            s.execute(select(InventoryState.__table__).where(InventoryState.asset_id == asset_id)).one(),
            s.execute(select(Asset.__table__).where(Asset.id == asset_id)).one(),
            *s.execute(
                select(Collector.__table__).where(Collector.asset_id == asset_id).order_by(Collector.id)
            ),
        ]
        events = s.scalar(select(func.count()).select_from(ChangeEvent))
    return {"rows": [dict(r._mapping) for r in rows], "events": events}


def test_a_quiet_report_is_applied_in_one_statement(pg, client, settings):
    key, report, ack, asset_id = reported(client, pg)
    before = snapshot(pg, asset_id)
    nxt = again(report)
    nxt.status.uptime_seconds, nxt.status.logged_in_user, nxt.collector_version = 7200, "sam", "1.1.0"
    now = utcnow()
    outcome = attempt(pg, settings, key, payload(nxt, acknowledged=ack), now)
    assert outcome is not None and outcome.status_code == 200
    assert outcome.body["status"] == "applied"
    assert outcome.body["asset_id"] == str(asset_id)
    assert outcome.body["acknowledged"] == ack
    with pg.sessions() as s:
        state = s.get(InventoryState, asset_id)
        asset = s.get(Asset, asset_id)
        collector = s.scalar(select(Collector).where(Collector.asset_id == asset_id))
    assert (state.last_report_id, state.uptime_seconds, state.logged_in_user) == (nxt.report_id, 7200, "sam")
    assert state.report_count == before["rows"][0]["report_count"] + 1
    assert state.last_received_at == now and state.next_report_at.isoformat().startswith(
        outcome.body["next_report_at"][:19]
    )
    assert asset.last_seen == now
    assert (asset.version, asset.change_seq, asset.updated_at) == tuple(
        before["rows"][1][c] for c in ("version", "change_seq", "updated_at")
    )  # a status report is no change of the asset
    assert (collector.last_contact_at, collector.collector_version) == (now, "1.1.0")
    assert snapshot(pg, asset_id)["events"] == before["events"]


def test_it_writes_what_the_full_path_writes(pg, client, settings):
    key, report, ack, asset_id = reported(client, pg)
    one, two = again(report, seconds=1), again(report, seconds=2)
    for nxt in (one, two):
        nxt.status.uptime_seconds, nxt.status.ip_addresses = 9000, ["10.1.0.10"]
    assert attempt(pg, settings, key, payload(one, acknowledged=ack)) is not None
    fast = snapshot(pg, asset_id)
    with pg.transaction() as session:
        full = pipeline.receive_report(
            session, node_key=key, body=json.dumps(payload(two, acknowledged=ack)).encode(), settings=settings,
            now=utcnow(), request_id=None,
        )  # fmt: skip
    assert full.body["acknowledged"] == ack
    slow = snapshot(pg, asset_id)
    for a, b in zip(fast["rows"], slow["rows"], strict=True):
        assert {k: v for k, v in a.items() if k not in PER_REPORT} == {
            k: v for k, v in b.items() if k not in PER_REPORT
        }
    assert fast["events"] == slow["events"]


def _unknown_key(ctx):
    ctx["key"] = "nk_" + "x" * 40


def _revoked(ctx):
    with ctx["db"].transaction() as s:
        s.execute(update(Collector).values(revoked_at=utcnow()))


def _unapproved(ctx):
    with ctx["db"].transaction() as s:
        s.execute(update(Collector).values(approved_at=None))


def _resent(ctx):
    ctx["report"].report_id = ctx["first"].report_id


def _older(ctx):
    ctx["report"].collected_at = again(ctx["first"], seconds=-30).collected_at


def _other_hardware(ctx):
    ctx["report"].identity.system_uuid = "11111111-2222-3333-4444-555555555555"


def _renamed_by_hand(ctx):  # the identity is the last one applied; the report's host name wins again
    with ctx["db"].transaction() as s:
        s.execute(update(Asset).values(hostname="renamed-by-hand"))


def _too_soon(ctx):
    ctx["settings"] = ctx["settings"].model_copy(update={"report_min_interval_seconds": 30})


def _hash_differs(ctx):
    ctx["data"] = payload(ctx["report"], acknowledged=ctx["ack"])
    ctx["data"]["hashes"]["software"] = "0" * 64


def _section_in_full(ctx):
    ctx["data"] = payload(ctx["report"], acknowledged=ctx["ack"])
    ctx["data"]["software"] = payload(ctx["report"])["software"]


def _retired(ctx):
    with ctx["db"].transaction() as s:
        s.execute(update(Asset).values(status="retired"))


def _deleted(ctx):
    with ctx["db"].transaction() as s:
        s.execute(update(Asset).values(deleted_at=utcnow()))


def _disk_filling(ctx):
    ctx["report"].status.volumes[0].free_bytes = 7 * GiB


def _disk_freed(ctx):
    with ctx["db"].transaction() as s:
        s.execute(update(InventoryState).values(full_volumes=["/"]))


def _clock_ahead(ctx):
    ctx["report"].collected_at = (datetime.now(UTC) + timedelta(hours=2)).isoformat().replace("+00:00", "Z")


def _never_reported(ctx):
    with ctx["db"].transaction() as s:
        s.execute(update(InventoryState).values(report_count=0, section_hashes={}))


#: Each case, and what the full path answers it: (status code, answer status or error code).
CASES: dict[str, tuple[Callable[[dict[str, Any]], None], int, str]] = {
    "unknown key": (_unknown_key, 401, "invalid_node_key"),
    "revoked key": (_revoked, 401, "invalid_node_key"),
    "not approved": (_unapproved, 202, "pending_approval"),
    "re-sent report id": (_resent, 200, "duplicate"),
    "collected before the last": (_older, 200, "stale"),
    "other hardware": (_other_hardware, 403, "reenroll_required"),
    "host renamed by hand": (_renamed_by_hand, 200, "applied"),
    "under the minimum interval": (_too_soon, 429, "rate_limited"),
    "a hash the server lacks": (_hash_differs, 409, "sections_required"),
    "a section in full": (_section_in_full, 200, "applied"),
    "asset retired": (_retired, 200, "applied"),
    "asset deleted": (_deleted, 200, "applied"),
    "disk crossing the threshold": (_disk_filling, 200, "applied"),
    "disk back under the threshold": (_disk_freed, 200, "applied"),
    "clock skewed": (_clock_ahead, 200, "applied"),
    "no report applied yet": (_never_reported, 409, "sections_required"),
}


@pytest.mark.parametrize("case", CASES)
def test_it_declines_what_is_not_quiet_and_the_full_path_answers(pg, client, app, settings, case):
    change, status_code, expected = CASES[case]
    key, first, ack, asset_id = reported(client, pg)
    ctx = {"db": pg, "key": key, "first": first, "report": again(first), "ack": ack, "settings": settings}
    change(ctx)
    ctx.setdefault("data", payload(ctx["report"], acknowledged=ack))
    before = snapshot(pg, asset_id)
    assert attempt(pg, ctx["settings"], ctx["key"], ctx["data"]) is None
    assert snapshot(pg, asset_id) == before  # nothing written
    app.state.settings = ctx["settings"]
    response = post(client, ctx["key"], ctx["data"])
    assert response.status_code == status_code, response.text
    body = response.json()
    assert body.get("status", body.get("code")) == expected
    if expected == "reenroll_required":  # flagged in a transaction of its own
        with pg.sessions() as s:
            assert s.scalars(select(AssetFlag.kind).where(AssetFlag.asset_id == asset_id)).all() == [
                "identity_conflict"
            ]


def test_a_flagged_asset_is_flagged_by_the_full_path(pg, client, settings):
    key, first, ack, asset_id = reported(client, pg)
    nxt = again(first)
    _clock_ahead({"report": nxt})
    assert post(client, key, payload(nxt, acknowledged=ack)).json()["status"] == "applied"
    with pg.sessions() as s:
        assert s.scalars(select(AssetFlag.kind).where(AssetFlag.asset_id == asset_id)).all() == ["clock_skew"]


def test_the_route_takes_the_quiet_path_and_outlives_a_lost_connection(pg, client):
    key, first, ack, asset_id = reported(client, pg)
    assert post(client, key, payload(again(first, seconds=1), acknowledged=ack)).json()["status"] == "applied"
    quiet = client.app.state.quiet_reports
    assert len(quiet._idle) == 1  # the quiet path ran and kept its connection
    with psycopg.connect(quiet.conninfo, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [quiet._idle[0].info.backend_pid])
    # the lost connection is dropped and the report goes the full path: applied all the same
    assert post(client, key, payload(again(first, seconds=2), acknowledged=ack)).json()["status"] == "applied"
    assert quiet._idle == []
    assert post(client, key, payload(again(first, seconds=3), acknowledged=ack)).json()["status"] == "applied"
    assert len(quiet._idle) == 1  # a new connection, kept
    with pg.sessions() as s:
        assert s.get(InventoryState, asset_id).report_count == 4


def test_its_plan_reaches_the_rows_by_their_keys_without_table_statistics(pg):
    """50 000 machines written behind the planner's back (no ANALYZE, statistics removed): the statement still
    goes collector key → asset → state by their unique indexes, never a scan of a table."""
    site = make_site(pg)
    sql, literals, json_names = unchanged._compiled(hostname=True, min_interval=True)
    now = utcnow()
    params = {
        **literals, "q_key_hash": "k7", "q_report_id": "r1", "q_collected_at": now, "q_identity_hash": "i",
        "q_claimed": {"hardware": "h"}, "q_hostname": "ws-7", "q_full_volumes": [], "q_received_before": now,
        "now": now, "c_version": "1", **{f"v_{c}": None for c in pipeline.STATE_COLUMNS},
    }  # fmt: skip
    params |= {name: psycopg.types.json.Jsonb([]) for name in json_names if name.startswith("v_")}
    params |= {name: psycopg.types.json.Jsonb(params[name]) for name in json_names if name.startswith("q_")}
    with psycopg.connect(unchanged.QuietReports(pg.engine.url, 1).conninfo, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO assets (id, kind, status, site_id, custom_fields, attributes, created_at, updated_at,"
            " version, hostname, first_seen) SELECT md5(i::text)::uuid, 'desktop', 'deployed', %s, '{}', '{}',"
            " now(), now(), 1, 'ws-' || i, now() FROM generate_series(1, 50000) i",
            [site],
        )
        conn.execute(
            "INSERT INTO collectors (id, asset_id, key_hash, prefix, enrolled_at, approved_at) SELECT"
            " md5('c' || i)::uuid, md5(i::text)::uuid, 'k' || i, 'nk_', now(), now() FROM generate_series(1, 50000) i"
        )
        conn.execute(
            "INSERT INTO inventory_states (asset_id, section_hashes, report_count, logged_in_users, ip_addresses,"
            " volumes, full_volumes, errors) SELECT md5(i::text)::uuid, '{}', 1, '[]', '[]', '[]', '[]', '[]'"
            " FROM generate_series(1, 50000) i"
        )
        conn.execute(
            "DELETE FROM pg_statistic WHERE starelid IN"
            " ('assets'::regclass, 'collectors'::regclass, 'inventory_states'::regclass)"
        )
        plan = "\n".join(row[0] for row in conn.execute("EXPLAIN " + sql, params))
    assert "Seq Scan" not in plan, plan
    assert "uq_collectors_key_hash" in plan and "pk_inventory_states" in plan, plan
