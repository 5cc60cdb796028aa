"""Other inventory agents (FusionInventory, GLPI agent): admitted by a site's enroll secret, their inventory mapped
to our report and applied by the one ingest pipeline (matching, diff, history, software catalog)."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inventory_api.agents.mapping import CATEGORIES, SECTION_CATEGORIES, carried_sections, to_report
from inventory_api.db import Database, utcnow
from inventory_api.errors import BadRequest, Unauthorized, Unprocessable
from inventory_api.history.service import Actor, set_actor
from inventory_api.ingest import service as ingest
from inventory_api.ingest.models import Collector, EnrollSecret
from inventory_api.ingest.pipeline import parse_time

AGENT_KEY_PREFIX = "ag_"
AGENTS = ("fusioninventory", "glpi-agent", "ocs-agent")
#: A revoke reason that means "our collector took this machine over": the agent is told to stop, not refused.
SUPERSEDED = "replaced by the collector"
#: Sections whose every category a partial inventory must carry to be built without the agent's last inventory.
SINGLE_CATEGORY = [name for name, keys in SECTION_CATEGORIES.items() if len(keys) == 1] + ["system"]


def refused() -> Unauthorized:
    return Unauthorized(
        "send a site's enroll secret in the URL (…/agents/fusion/ens_…) or as the HTTP password",
        code="invalid_secret",
        headers={"WWW-Authenticate": 'Basic realm="inventory agents"'},
    )


def check_secret(session: Session, plain: str | None) -> EnrollSecret:
    """The live enroll secret (not counted: each report carries it); 401 with a Basic challenge otherwise."""
    if not plain:
        raise refused()
    secret = session.scalar(select(EnrollSecret).where(EnrollSecret.secret_hash == ingest.key_hash(plain)))
    if (
        secret is None
        or secret.revoked_at is not None
        or (secret.expires_at and secret.expires_at <= utcnow())
    ):
        raise refused()
    return secret


def agent_key(secret: str, agent: str, deviceid: str) -> str:
    """The node key of one agent install: keyed by the secret, so knowing a deviceid gives nothing. The deviceid
    only tells installs apart; which asset an install reports for is decided by the machine's identifiers."""
    digest = hmac.new(secret.encode(), f"{agent}\0{deviceid}".encode(), hashlib.sha256).hexdigest()
    return AGENT_KEY_PREFIX + digest


def prolog_hours(settings: Any) -> int:
    """The agents' contact period, in whole hours (PROLOG_FREQ, the JSON protocol's expiration)."""
    return max(1, math.ceil(settings.report_interval_seconds / 3600))


@dataclass
class Bound:
    """An agent install's collector row, as far as a report needs it."""

    node_key: str
    collector_id: Any | None
    superseded: bool
    content: dict[str, Any] | None
    #: The digest of the inventory kept for it: one that comes again unchanged is not written again.
    content_digest: str | None = None


def lookup(session: Session, *, secret: str, agent: str, deviceid: str, with_content: bool = False) -> Bound:
    """The agent install's collector, if admitted; 401 when revoked other than by our collector taking over. Its
    kept inventory only when asked (a partial inventory completes it; a full one does not need it)."""
    check_secret(session, secret)
    key = agent_key(secret, agent, deviceid)
    row = session.execute(
        select(
            Collector.id, Collector.revoked_at, Collector.revoke_reason, Collector.agent_content_digest
        ).where(Collector.key_hash == ingest.key_hash(key))
    ).first()
    if row is None:
        return Bound(key, None, False, None)
    if row.revoked_at is not None and row.revoke_reason != SUPERSEDED:
        raise Unauthorized(f"this agent was revoked: {row.revoke_reason}", code="invalid_node_key")
    content = None
    if row.revoked_at is None and with_content:
        content = session.scalar(select(Collector.agent_content).where(Collector.id == row.id))
    return Bound(key, row.id, row.revoked_at is not None, content, row.agent_content_digest)


def admit(
    db: Database,
    *,
    secret: str,
    agent: str,
    key: str,
    report: Any,
    settings: Any,
    client: str,
    request_id: str,
) -> None:
    """Enroll an agent install seen for the first time: the matching rules name its asset (a machine our
    collector reports for refuses it: AgentSuperseded)."""
    with db.transaction() as session:
        set_actor(session, Actor("collector", None, report.identity.hostname, request_id))
        ingest.enroll(
            session, secret=secret, identity=report.identity, collector_version=report.collector_version,
            settings=settings, client=client, agent=agent, node_key=key,
        )  # fmt: skip


def keep_content(db: Database, bound: Bound, content: dict[str, Any]) -> None:
    """Keep a GLPI agent's inventory (the categories the mapping reads), so that its next partial inventory can be
    completed; not written again when it has not changed (its digest), as most inventories have not."""
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
    if digest == bound.content_digest:
        return
    with db.transaction() as session:
        session.execute(
            update(Collector)
            .where(Collector.key_hash == ingest.key_hash(bound.node_key))
            .values(agent_content=content, agent_content_digest=digest)
        )


def report_of(
    content: dict[str, Any],
    *,
    deviceid: str,
    body: bytes,
    version: str,
    partial: bool,
    kept: dict[str, Any] | None,
) -> tuple[Any, datetime, dict[str, Any]]:
    """The agent inventory as (our report, its time, the agent content to keep). A full inventory builds every
    section (a category it lacks is empty); a partial one completes the kept inventory with the categories it
    carries, or without one changes only the sections it carries whole."""
    if partial and kept:
        merged = {**kept, **content}
        sections = list(SECTION_CATEGORIES)
    elif partial:
        merged = content
        sections = [s for s in carried_sections(content) if s in SINGLE_CATEGORY]
    else:
        merged = content
        sections = list(SECTION_CATEGORIES)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    report_id = hashlib.sha256(deviceid.encode() + b"\0" + body).hexdigest()[:40]  # a resent body: duplicate
    report = to_report(
        merged, report_id=report_id, collected_at=now, agent_version=version, sections=sections
    )
    kept_now = {key: merged[key] for key in CATEGORIES if key in merged}
    return report, parse_time(report.collected_at), kept_now


def parse_json_message(body: bytes) -> dict[str, Any]:
    """A GLPI agent JSON message; 400 for bad JSON (nesting past Python's limit included), 422 without action."""
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BadRequest(f"the body is not valid JSON: {str(exc)[:200]}", code="invalid_json") from None
    if not isinstance(message, dict) or not isinstance(message.get("action"), str):
        raise Unprocessable("a GLPI agent message is an object with an action", code="validation_error")
    return message
