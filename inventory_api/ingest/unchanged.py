"""An unchanged report on PostgreSQL: its checks and its writes in one statement that commits on its own.

Most reports of a fleet change nothing but the status section. `receive_report` reads the key's row, decides in
Python and writes, inside BEGIN … COMMIT: four round trips. Here the same decisions are the UPDATE's conditions, so
one statement in autocommit does it all when the report is quiet; when any condition fails, nothing is written and
the caller takes the full path, which answers duplicates, stale reports, 401, 403, 409, 429 and changes as always.
The statement is built with SQLAlchemy once and run as psycopg's prepared text on async connections of its own,
in the event loop: no ORM, no session, no thread.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy import JSON, bindparam, func, literal_column, or_, select, type_coerce, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import psycopg as psycopg_dialect
from sqlalchemy.engine import URL

from collector.report import SECTIONS
from inventory_api.assets.models import Asset
from inventory_api.ingest.models import Collector, InventoryState
from inventory_api.ingest.pipeline import STATE_COLUMNS, Outcome, answer, identity_digest
from inventory_api.ingest.service import RETIRED, key_hash, next_report_at
from inventory_api.ingest.status import full_volumes, status_values

_state, _collectors, _assets = InventoryState.__table__, Collector.__table__, Asset.__table__


def claimed_hashes(report: Any) -> dict[str, str] | None:
    """The section hashes of a report that sends every section as its hash only; None if one came in full or
    as a delta."""
    if report.software_delta is not None or any(getattr(report, name) is not None for name in SECTIONS):
        return None
    return {name: report.hashes[name] for name in SECTIONS if report.hashes.get(name) is not None}


@lru_cache(maxsize=8)
def _statement(*, hostname: bool, min_interval: bool) -> Any:
    """The guarded UPDATE of the state row, with the collector's and the asset's contact times riding on it.

    Each condition is one check of `receive_report` that must let a report through as quiet: a live, approved key;
    a new report id; not older than the last one; the same identity (and host name) as stored; past the minimum
    interval; every claimed hash the stored one (and not the first report); the asset live, seen before, not
    retired; the same volumes over the disk-full threshold. (The clock skew is checked before, in Python.)
    """
    stored_full = func.coalesce(
        type_coerce(_state.c.full_volumes, JSONB), literal_column("'[]'::jsonb", JSONB)
    )
    full_now = bindparam("q_full_volumes", type_=JSONB)
    conditions = [
        _collectors.c.key_hash == bindparam("q_key_hash"),
        _collectors.c.asset_id == _state.c.asset_id,
        _assets.c.id == _state.c.asset_id,
        _collectors.c.revoked_at.is_(None),
        _collectors.c.approved_at.is_not(None),
        _state.c.last_report_id.is_distinct_from(bindparam("q_report_id")),
        or_(_state.c.last_collected_at.is_(None), _state.c.last_collected_at <= bindparam("q_collected_at")),
        _state.c.identity_hash == bindparam("q_identity_hash"),
        type_coerce(_state.c.section_hashes, JSONB).contains(bindparam("q_claimed", type_=JSONB)),
        or_(
            _state.c.report_count != 0,
            type_coerce(_state.c.section_hashes, JSONB) != literal_column("'{}'::jsonb", JSONB),
        ),
        _assets.c.first_seen.is_not(None),
        _assets.c.deleted_at.is_(None),
        *(_assets.c.status != status for status in RETIRED),
        stored_full.contains(full_now),
        stored_full.contained_by(full_now),
    ]
    if hostname:
        conditions.append(_assets.c.hostname == bindparam("q_hostname"))
    if min_interval:
        conditions.append(
            or_(
                _state.c.last_received_at.is_(None),
                _state.c.last_received_at <= bindparam("q_received_before"),
            )
        )
    target = (
        update(_state)
        .where(*conditions)
        .values(
            report_count=_state.c.report_count + 1,
            **{c: bindparam(f"v_{c}", type_=_state.c[c].type) for c in STATE_COLUMNS},
        )
        .returning(_state.c.asset_id, _state.c.section_hashes, _collectors.c.id.label("collector_id"))
        .cte("quiet_state")
    )
    touch_collector = (
        update(_collectors)
        .where(_collectors.c.id.in_(select(target.c.collector_id)))
        .values(last_contact_at=bindparam("now"), collector_version=bindparam("c_version"))
        .cte("touch_collector")
    )
    touch_asset = (
        update(_assets)
        .where(_assets.c.id.in_(select(target.c.asset_id)))
        .values(last_seen=bindparam("now"), updated_at=_assets.c.updated_at)  # not a change of the asset
        .cte("touch_asset")
    )
    return select(target.c.asset_id, target.c.section_hashes).add_cte(touch_collector).add_cte(touch_asset)


@lru_cache(maxsize=4)
def _compiled(*, hostname: bool, min_interval: bool) -> tuple[str, dict[str, Any], frozenset[str]]:
    """The statement as psycopg's SQL text: its text, the values of its literal parameters and the names of its
    JSON ones."""
    compiled = _statement(hostname=hostname, min_interval=min_interval).compile(
        dialect=psycopg_dialect.dialect()
    )
    literals = {name: bind.effective_value for bind, name in compiled.bind_names.items() if not bind.required}
    json_names = frozenset(name for bind, name in compiled.bind_names.items() if isinstance(bind.type, JSON))
    return compiled.string, literals, json_names


class QuietReports:
    """The quiet report's statement on connections of its own: psycopg's async driver in the event loop, in
    autocommit, the statement prepared once per connection — no ORM, no hand-off to a worker thread.

    At most `size` connections (the process's ingest slots), opened on first need and kept; a connection that
    fails or is interrupted is closed and the report goes the full path, which answers as always."""

    def __init__(self, url: URL, size: int) -> None:
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.size = size
        self._idle: list[psycopg.AsyncConnection[Any]] = []

    async def receive(
        self, *, node_key: str, parsed: tuple[Any, datetime], settings: Any, now: datetime
    ) -> Outcome | None:
        """Apply a quiet report (every section as its stored hash, nothing but status to write) in one
        statement that commits on its own; None, having written nothing, when the report needs the full path."""
        prepared = _parameters(node_key, parsed, settings, now)
        if prepared is None:
            return None
        sql, params, at = prepared
        connection = self._idle.pop() if self._idle else None
        try:
            if connection is None:
                connection = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)
            cursor = await connection.execute(sql, params, prepare=True)
            row = await cursor.fetchone()
        except psycopg.Error:
            if connection is not None:
                await connection.close()
            return None
        except BaseException:  # cancelled mid-statement: the connection's state is unknown
            if connection is not None:
                await connection.close()
            raise
        if len(self._idle) < self.size:
            self._idle.append(connection)
        else:
            await connection.close()
        if row is None:
            return None
        asset_id, section_hashes = row
        return Outcome(200, answer("applied", asset_id, section_hashes, at))

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()


def _parameters(
    node_key: str, parsed: tuple[Any, datetime], settings: Any, now: datetime
) -> tuple[str, dict[str, Any], datetime] | None:
    """The statement and its parameters for this report, with its next report time; None when the report is
    not quiet on its face (a section sent in full or as a delta, the clock skewed past the flag)."""
    report, collected_at = parsed
    claimed = claimed_hashes(report)
    skew = (now - collected_at).total_seconds()
    if claimed is None or abs(skew) > settings.clock_skew_flag_seconds:
        return None
    at = next_report_at(now, settings)
    values = {
        "last_report_id": report.report_id, "last_collected_at": collected_at, "last_received_at": now,
        "clock_skew_seconds": skew, "next_report_at": at, **status_values(report),
    }  # fmt: skip
    hostname = report.identity.hostname
    interval = settings.report_min_interval_seconds
    sql, literals, json_names = _compiled(hostname=bool(hostname), min_interval=bool(interval))
    params = {
        **literals,
        "q_key_hash": key_hash(node_key), "q_report_id": report.report_id, "q_collected_at": collected_at,
        "q_identity_hash": identity_digest(report.identity), "q_claimed": claimed, "q_hostname": hostname,
        "q_full_volumes": sorted(full_volumes(report.status.volumes, settings.disk_full_percent)),
        "q_received_before": now - timedelta(seconds=interval), "now": now, "c_version": report.collector_version,
        **{f"v_{k}": v for k, v in values.items()},
    }  # fmt: skip
    for name in json_names:
        params[name] = Jsonb(params[name])
    return sql, params, at
