"""An unchanged report on PostgreSQL: its checks and its writes in one statement that commits on its own.

Most reports of a fleet change nothing but the status section. `receive_report` reads the key's row, decides in
Python and writes, inside BEGIN … COMMIT: four round trips. Here the same decisions are the UPDATE's conditions, so
one statement in autocommit does it all when the report is quiet; when any condition fails, nothing is written and
the caller takes the full path, which answers duplicates, stale reports, 401, 403, 409, 429 and changes as always.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, func, literal_column, or_, select, type_coerce, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine

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
def _autocommit(engine: Engine) -> Engine:
    """The engine's pool, handing out connections in autocommit: one statement is one committed transaction."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def receive_unchanged(
    engine: Engine, *, node_key: str, parsed: tuple[Any, datetime], settings: Any, now: datetime
) -> Outcome | None:
    """Apply a quiet report (every section as its stored hash, nothing but status to write) in one statement
    that commits on its own (PostgreSQL); None, having written nothing, when the report needs the full path."""
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
    params = {
        "q_key_hash": key_hash(node_key), "q_report_id": report.report_id, "q_collected_at": collected_at,
        "q_identity_hash": identity_digest(report.identity), "q_claimed": claimed, "q_hostname": hostname,
        "q_full_volumes": sorted(full_volumes(report.status.volumes, settings.disk_full_percent)),
        "q_received_before": now - timedelta(seconds=interval), "now": now, "c_version": report.collector_version,
        **{f"v_{k}": v for k, v in values.items()},
    }  # fmt: skip
    statement = _statement(hostname=bool(hostname), min_interval=bool(interval))
    with _autocommit(engine).connect() as connection:
        row = connection.execute(statement, params).first()
    if row is None:
        return None
    return Outcome(200, answer("applied", row.asset_id, row.section_hashes, at))
