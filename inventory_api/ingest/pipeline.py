"""One report, in the request's transaction: authenticate the key, check identity, delta protocol, apply, answer."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session

from collector.report import SECTIONS, section_hash, to_dict
from inventory_api.assets.models import Asset
from inventory_api.errors import AppError, Conflict, RateLimited, Unauthorized, Unprocessable
from inventory_api.events.service import emit_event
from inventory_api.history.service import Actor, Cause, record_change, record_changes, set_actor
from inventory_api.ingest.flags import flag_asset
from inventory_api.ingest.matching import (
    COMPUTER_KINDS,
    hostname_key,
    identity_conflict,
    load_ids,
    report_ids,
    sync_identifiers,
)
from inventory_api.ingest.models import Collector, InventoryState
from inventory_api.ingest.service import RETIRED, key_hash, link_machine, next_report_at
from inventory_api.ingest.status import full_volumes, status_history, status_values
from inventory_api.ingest.validation import parse_report
from inventory_api.inventory.service import apply_sections, asset_kind

#: Past this many differences in one section, history gets one event listing them instead of one each.
MAX_EVENTS_PER_SECTION = 20


class IdentityConflict(AppError):
    """The report's hardware is not the key's asset: nothing is written and the collector must re-enroll."""

    status, code = 403, "reenroll_required"

    def __init__(self, asset_id: uuid.UUID, detail: dict[str, Any]) -> None:
        super().__init__(
            "this report's hardware identity does not match the asset of the node key: enroll again",
            code="reenroll_required",
        )
        self.asset_id = asset_id
        self.conflict = detail


@dataclass(frozen=True)
class Outcome:
    """The answer to a report: HTTP status and JSON body."""

    status_code: int
    body: dict[str, Any]
    headers: dict[str, str] | None = None


def identity_digest(identity: Any) -> str:
    return hashlib.sha256(json.dumps(to_dict(identity), sort_keys=True).encode()).hexdigest()


def parse_time(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Unprocessable("collected_at: an ISO 8601 time with a zone is required", code="validation_error",
                            errors=[{"field": "collected_at", "message": "not an ISO 8601 UTC time"}])  # fmt: skip
    return moment


#: Everything the checks before applying need, and all an unchanged report writes: Core columns, no ORM entities.
_LOOKUP = (
    select(
        Collector.id.label("collector_id"), Collector.prefix, Collector.revoked_at, Collector.approved_at,
        Collector.collector_version, Asset.id.label("asset_id"), Asset.hostname, Asset.status, Asset.deleted_at,
        Asset.first_seen, InventoryState.section_hashes, InventoryState.identity_hash, InventoryState.last_report_id,
        InventoryState.last_collected_at, InventoryState.last_received_at, InventoryState.next_report_at,
        InventoryState.clock_skew_seconds, InventoryState.report_count, InventoryState.full_volumes,
    )
    .join(Asset, Asset.id == Collector.asset_id)
    .join(InventoryState, InventoryState.asset_id == Collector.asset_id)
    .where(Collector.key_hash == bindparam("key_hash"))
)  # fmt: skip


def authenticate(session: Session, node_key: str | None) -> Row[Any]:
    """The collector, its asset and the asset's ingest state, as the columns the checks need: one indexed query."""
    if not node_key:
        raise Unauthorized("send the node key as Authorization: Bearer <node_key>", code="invalid_node_key")
    row = session.connection().execute(_LOOKUP, {"key_hash": key_hash(node_key)}).first()
    if row is None or row.revoked_at is not None:
        raise Unauthorized("the node key is unknown or revoked: enroll again", code="invalid_node_key")
    return row


def answer(
    status: str, asset_id: uuid.UUID, hashes: dict[str, str] | None, at: datetime | None
) -> dict[str, Any]:
    return {
        "status": status, "asset_id": str(asset_id), "acknowledged": dict(hashes or {}),
        "next_report_at": at.isoformat().replace("+00:00", "Z") if at else None,
    }  # fmt: skip


def plan_sections(report: Any, stored: dict[str, str]) -> tuple[list[str], list[str], dict[str, str]]:
    """(sections to apply, sections the server needs in full, the hashes after this report).

    A section sent as a hash the server does not hold is needed in full, except software sent as a delta from
    the section the server holds (its hash is the delta's base)."""
    apply, required = [], []
    hashes = dict(stored)
    for name in SECTIONS:
        section, claimed = getattr(report, name), report.hashes.get(name)
        if section is None:
            if claimed is None or claimed == stored.get(name):
                continue
            delta = report.software_delta if name == "software" else None
            if delta is not None and stored.get(name) is not None and delta.base == stored[name]:
                apply.append(name)
                hashes[name] = claimed
            else:
                required.append(name)
            continue
        digest = claimed or section_hash(section)
        if digest != stored.get(name):
            apply.append(name)
        hashes[name] = digest
    return apply, required, hashes


def write_history(session: Session, asset: Asset, applied: Any, *, first: bool) -> bool:
    """Readable history events for what the report changed; one summary event on a machine's first report."""
    if first:
        counts = ", ".join(f"{n} {label}" for label, n in applied.counts.items())
        record_change(
            session,
            "asset",
            asset.id,
            "inventoried",
            summary=f"inventoried: {counts or 'identity only'}",
            changes={"counts": applied.counts},
        )
        return True
    entries: list[tuple[str, dict[str, Any]]] = []
    for section, lines in applied.lines.items():
        if len(lines) > MAX_EVENTS_PER_SECTION:
            entries.append((f"{section}: {len(lines)} changes", {section: lines}))
        else:
            entries += [(line, {section: [line]}) for line in lines]
    record_changes(session, "asset", asset.id, "inventory_changed", entries)
    return bool(applied.lines)


def update_asset(session: Session, asset: Asset, report: Any, *, first: bool) -> list[str]:
    """Host name, serial and (on the first report) kind from the report; history lines for what changed."""
    lines: list[str] = []
    hostname = report.identity.hostname
    if hostname and hostname != asset.hostname:
        lines.append(f"hostname {asset.hostname or 'none'} → {hostname}")
        if asset.name in (None, asset.hostname):
            asset.name = hostname
        asset.hostname, asset.hostname_key = hostname, hostname_key(hostname)
    if first and report.system is not None and asset.kind in COMPUTER_KINDS:
        kind = asset_kind(report.system)
        if kind and kind != asset.kind:
            asset.kind = kind
    return lines


def read_report(body: bytes) -> tuple[Any, datetime]:
    """Parse and validate a body (CPU only, before any database work): the report and its collection time."""
    report = parse_report(body)
    collected_at = parse_time(report.collected_at)
    if len(report.report_id) > 100 or not report.report_id:
        raise Unprocessable(
            "report_id: 1 to 100 characters",
            code="validation_error",
            errors=[{"field": "report_id", "message": "1 to 100 characters"}],
        )
    if report.software_delta is not None and (
        report.software is not None or not report.hashes.get("software")
    ):
        message = "send it with software null and the new section's hash in hashes.software"
        raise Unprocessable(
            f"software_delta: {message}",
            code="validation_error",
            errors=[{"field": "software_delta", "message": message}],
        )
    return report, collected_at


def receive_report(
    session: Session,
    *,
    node_key: str | None,
    body: bytes | None = None,
    parsed: tuple[Any, datetime] | None = None,
    settings: Any,
    now: datetime,
    request_id: str | None,
) -> Outcome:
    """Apply one report (a body, or one `read_report` parsed) to the key's asset; raise the protocol's errors."""
    if not node_key:
        raise Unauthorized("send the node key as Authorization: Bearer <node_key>", code="invalid_node_key")
    report, collected_at = parsed if parsed is not None else read_report(body or b"")
    row = authenticate(session, node_key)
    set_actor(
        session,
        Actor("collector", str(row.collector_id), report.identity.hostname or row.prefix, request_id),
    )
    session.info["cause"] = Cause("report", report.report_id)
    if row.approved_at is None:
        retry = {
            "Retry-After": str(settings.report_interval_seconds)
        }  # the collector keeps the report till then
        return Outcome(202, answer("pending_approval", row.asset_id, {}, row.next_report_at), retry)
    if report.report_id == row.last_report_id:
        return Outcome(200, answer("duplicate", row.asset_id, row.section_hashes, row.next_report_at))
    skew = (now - collected_at).total_seconds()
    if row.last_collected_at is not None and collected_at < row.last_collected_at:
        trusted = (
            row.clock_skew_seconds is None or abs(row.clock_skew_seconds) <= settings.clock_skew_flag_seconds
        )
        if trusted:
            return Outcome(200, answer("stale", row.asset_id, row.section_hashes, row.next_report_at))
    identity = identity_digest(report.identity)
    ids = report_ids(report.identity)
    if identity != row.identity_hash and row.identity_hash is not None:
        known = load_ids(session, [row.asset_id])[row.asset_id]
        if identity_conflict(ids, known):
            raise IdentityConflict(
                row.asset_id,
                {"report": ids.pairs(), "asset": known.pairs(), "collector": str(row.collector_id)},
            )
    if row.last_received_at is not None and settings.report_min_interval_seconds:
        wait = settings.report_min_interval_seconds - (now - row.last_received_at).total_seconds()
        if wait > 0:
            raise RateLimited(
                f"this collector reported {int((now - row.last_received_at).total_seconds())} s ago; the minimum interval is {settings.report_min_interval_seconds} s",
                int(wait) + 1,
            )
    stored = dict(row.section_hashes or {})
    to_apply, required, hashes = plan_sections(report, stored)
    if required:
        raise Conflict(
            f"the server's copy of {', '.join(required)} differs: send them in full",
            code="sections_required",
            sections=required,
        )
    # No report applied yet: the asset has no inventory rows either (only reports write them, and a merge moves
    # them together with the state that counted their reports), so the first report reads none back.
    first = row.report_count == 0 and not stored
    if not to_apply and not first and quiet(row, report, identity, skew, settings):
        at = write_state(
            session, row, report, now=now, collected_at=collected_at, skew=skew, settings=settings
        )
        return Outcome(200, answer("applied", row.asset_id, hashes, at))
    asset = session.get_one(Asset, row.asset_id)
    lines = update_asset(session, asset, report, first=first)
    if identity != row.identity_hash:  # the maker and product ride in the identity (and a first report's)
        link_machine(session, asset, report.identity)
    applied = apply_sections(session, asset, report, to_apply, now=now, settings=settings, first=first)
    applied.add("identity", lines)
    if identity != row.identity_hash:
        for kind, value, owner in sync_identifiers(session, asset.id, ids):
            if owner != asset.id:
                flag_asset(
                    session, asset.id, "duplicate_identifier", {"identifiers": [[kind, value, str(owner)]]}
                )
    if write_history(session, asset, applied, first=first):
        asset.version += 1  # the change sequence follows at commit (inventory_api/changeseq.py)
        emit_event(
            session,
            "asset.inventory_changed",
            "asset",
            asset.id,
            {"sections": sorted(applied.lines) if not first else to_apply, "report_id": report.report_id},
        )
    full = status_history(session, asset.id, list(row.full_volumes or []), report, settings)
    if asset.deleted_at is not None or asset.status in RETIRED:
        flag_asset(
            session,
            asset.id,
            "reported_while_retired",
            {"status": asset.status, "deleted": asset.deleted_at is not None},
        )
    if abs(skew) > settings.clock_skew_flag_seconds:
        flag_asset(session, asset.id, "clock_skew", {"skew_seconds": round(skew)})
    if asset.first_seen is None:
        asset.first_seen = now
    touch_asset = not session.is_modified(asset, include_collections=False)
    if not touch_asset:
        asset.last_seen = now  # in the UPDATE the change writes anyway
    # Else by a Core UPDATE: the ORM would count it as a change of the asset (ETag, change sequence).
    state = {"section_hashes": hashes, "identity_hash": identity, "full_volumes": full}
    at = write_state(
        session, row, report, now=now, collected_at=collected_at, skew=skew, settings=settings, state=state,
        touch_asset=touch_asset,
    )  # fmt: skip
    return Outcome(200, answer("applied", asset.id, hashes, at))


def quiet(row: Row[Any], report: Any, identity: str, skew: float, settings: Any) -> bool:
    """A report with no section to apply that changes nothing but status and contact times: no history, no flag,
    no new identifier, no new ETag (what the full path would conclude, decided on the looked-up columns)."""
    hostname = report.identity.hostname
    return (
        identity == row.identity_hash
        and (not hostname or hostname == row.hostname)
        and row.first_seen is not None
        and row.deleted_at is None
        and row.status not in RETIRED
        and abs(skew) <= settings.clock_skew_flag_seconds
        and set(full_volumes(report.status.volumes, settings.disk_full_percent))
        == set(row.full_volumes or [])
    )


_TOUCH_ASSET = (
    update(Asset.__table__)
    .where(Asset.__table__.c.id == bindparam("a_id"))
    .values(last_seen=bindparam("now"), updated_at=Asset.__table__.c.updated_at)  # not a change of the asset
)
_TOUCH_COLLECTOR = (
    update(Collector.__table__)
    .where(Collector.__table__.c.id == bindparam("c_id"))
    .values(last_contact_at=bindparam("now"), collector_version=bindparam("c_version"))
)
#: The state row's columns that every applied report writes (its status section included).
STATE_COLUMNS = (
    "last_report_id", "last_collected_at", "last_received_at", "clock_skew_seconds", "next_report_at",
    "uptime_seconds", "logged_in_user", "logged_in_users", "battery_percent", "battery_charging", "on_ac_power",
    "ip_addresses", "volumes", "errors",
)  # fmt: skip
#: What only a report that applied something changes on the state row.
_APPLIED_COLUMNS = ("section_hashes", "identity_hash", "full_volumes")


def _state_update(columns: tuple[str, ...]) -> Any:
    table = InventoryState.__table__
    return (
        update(table)
        .where(table.c.asset_id == bindparam("b_asset_id"))
        .values(
            report_count=table.c.report_count + 1,
            **{c: bindparam(f"v_{c}", type_=table.c[c].type) for c in columns},
        )
    )


_STATE_UPDATES = {
    False: _state_update(STATE_COLUMNS),
    True: _state_update(STATE_COLUMNS + _APPLIED_COLUMNS),
}


@lru_cache(maxsize=4)
def _combined(applied: bool, touch_asset: bool) -> Any:
    """PostgreSQL: the state, the collector (and the asset's last_seen) in one statement, one round trip."""
    stmt = _STATE_UPDATES[applied].add_cte(_TOUCH_COLLECTOR.cte("touch_collector"))
    return stmt.add_cte(_TOUCH_ASSET.cte("touch_asset")) if touch_asset else stmt


def write_state(
    session: Session,
    row: Row[Any],
    report: Any,
    *,
    now: datetime,
    collected_at: datetime,
    skew: float,
    settings: Any,
    state: dict[str, Any] | None = None,
    touch_asset: bool = True,
) -> datetime:
    """The report's writes to the ingest state and status row, the collector's last contact and (`touch_asset`)
    the asset's last_seen: one statement on PostgreSQL, one each on SQLite, whose statements cost no round trip.
    `state`: the acknowledged hashes, identity and full volumes of a report that applied something. Returns the
    next report time."""
    connection = session.connection()
    at = next_report_at(now, settings)
    values = {
        "last_report_id": report.report_id, "last_collected_at": collected_at, "last_received_at": now,
        "clock_skew_seconds": skew, "next_report_at": at, **status_values(report), **(state or {}),
    }  # fmt: skip
    params = {
        "b_asset_id": row.asset_id, "a_id": row.asset_id, "c_id": row.collector_id, "now": now,
        "c_version": report.collector_version, **{f"v_{k}": v for k, v in values.items()},
    }  # fmt: skip
    if connection.dialect.name == "postgresql":
        connection.execute(_combined(bool(state), touch_asset), params)
        return at
    if touch_asset:
        connection.execute(_TOUCH_ASSET, params)
    connection.execute(_STATE_UPDATES[bool(state)], params)
    connection.execute(_TOUCH_COLLECTOR, params)
    return at
