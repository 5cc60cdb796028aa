"""Other inventory agents (FusionInventory, GLPI agent): admitted by a site's enroll secret, their inventory mapped
to our report and applied by the one ingest pipeline (matching, diff, history, software catalog)."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from collector.report import section_hash
from inventory_api.agents.mapping import (
    CATEGORIES,
    SECTION_CATEGORIES,
    carried_sections,
    category_digests,
    software_digest,
    to_report,
)
from inventory_api.db import Database, utcnow
from inventory_api.errors import BadRequest, Unauthorized, Unprocessable
from inventory_api.history.service import Actor, set_actor
from inventory_api.ingest import service as ingest
from inventory_api.ingest.models import Collector, EnrollSecret, InventoryState
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
    if secret is None or not is_live(secret):
        raise refused()
    return secret


def is_live(secret: Any) -> bool:
    """Neither revoked nor expired (an EnrollSecret, or a row with its revoked_at and expires_at)."""
    return secret.revoked_at is None and not (secret.expires_at and secret.expires_at <= utcnow())


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
    #: The section hashes acknowledged for its asset: software whose input digest is among them is not built.
    section_hashes: dict[str, str] = field(default_factory=dict)


#: The enroll secret, the agent install's collector and its asset's section hashes, when there are.
_LOOKUP = (
    select(
        EnrollSecret.revoked_at, EnrollSecret.expires_at, Collector.id,
        Collector.revoked_at.label("collector_revoked_at"), Collector.revoke_reason, Collector.agent_content_digest,
        InventoryState.section_hashes,
    )
    .select_from(EnrollSecret)
    .outerjoin(Collector, Collector.key_hash == bindparam("key_hash"))
    .outerjoin(InventoryState, InventoryState.asset_id == Collector.asset_id)
    .where(EnrollSecret.secret_hash == bindparam("secret_hash"))
)  # fmt: skip


def lookup(session: Session, *, secret: str, agent: str, deviceid: str, with_content: bool = False) -> Bound:
    """The agent install's collector, if admitted; 401 for a secret that is not live, or an install revoked other
    than by our collector taking over. The secret, the install and its asset's section hashes in one query; its
    kept inventory only when asked (a partial inventory completes it; a full one does not need it)."""
    if not secret:
        raise refused()
    key = agent_key(secret, agent, deviceid)
    row = session.execute(
        _LOOKUP, {"secret_hash": ingest.key_hash(secret), "key_hash": ingest.key_hash(key)}
    ).first()
    if row is None or not is_live(row):
        raise refused()
    if row.id is None:
        return Bound(key, None, False, None)
    if row.collector_revoked_at is not None and row.revoke_reason != SUPERSEDED:
        raise Unauthorized(f"this agent was revoked: {row.revoke_reason}", code="invalid_node_key")
    content = None
    if row.collector_revoked_at is None and with_content:
        content = session.scalar(select(Collector.agent_content).where(Collector.id == row.id))
    return Bound(
        key, row.id, row.collector_revoked_at is not None, content, row.agent_content_digest,
        dict(row.section_hashes or {}),
    )  # fmt: skip


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


def keep_content(db: Database, bound: Bound, content: dict[str, Any], digest: str) -> None:
    """Keep a GLPI agent's inventory (the categories the mapping reads), so that its next partial inventory can be
    completed; not written again when it has not changed (its digest: `report_of`'s), as most inventories have not."""
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
    acknowledged: dict[str, str] | None = None,
    digests: dict[str, str] | None = None,
) -> tuple[Any, datetime, dict[str, Any], str]:
    """The agent inventory as (our report, its time, the agent content to keep, that content's digest). A full
    inventory has every section (a category it lacks is empty); a partial one completes the kept inventory with
    the categories it carries, or without one changes only the sections it carries whole. A section whose hash
    is `acknowledged` goes as its hash only, as our collector sends it (so that an unchanged inventory takes the
    quiet path): the software's hash is its input's digest, known before it is built; the others are hashed
    built, as the pipeline would hash them. `digests`: the content's category digests when the parser made them
    (agent XML); else they are made here."""
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
    categories = digests if digests is not None and merged is content else category_digests(merged)
    software = categories.get("softwares", "none")
    hashes = {"software": software_digest(merged, software)} if "software" in sections else {}
    unchanged = (acknowledged or {}).get("software") == hashes.get("software")
    built = [name for name in sections if not (name == "software" and unchanged)]
    report = to_report(merged, report_id=report_id, collected_at=now, agent_version=version, sections=built)
    for name in built:
        if name != "software":
            hashes[name] = section_hash(getattr(report, name))
        if hashes[name] == (acknowledged or {}).get(name):
            setattr(report, name, None)
    report.hashes = hashes
    kept_now = {key: merged[key] for key in CATEGORIES if key in merged}
    kept_digest = hashlib.sha256(
        " ".join(f"{key}={categories.get(key)}" for key in kept_now).encode()
    ).hexdigest()
    return report, parse_time(report.collected_at), kept_now, kept_digest


def parse_json_message(body: bytes) -> dict[str, Any]:
    """A GLPI agent JSON message; 400 for bad JSON (nesting past Python's limit included), 422 without action."""
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BadRequest(f"the body is not valid JSON: {str(exc)[:200]}", code="invalid_json") from None
    if not isinstance(message, dict) or not isinstance(message.get("action"), str):
        raise Unprocessable("a GLPI agent message is an object with an action", code="validation_error")
    return message
