"""Enroll secrets, enrollment (matching the machine to an asset) and node keys."""

from __future__ import annotations

import hashlib
import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset, AssetIdentifier
from inventory_api.cabling.registry import Sites, visible
from inventory_api.catalog import service as catalog
from inventory_api.db import utcnow
from inventory_api.errors import AppError, NotFound, Unauthorized, Unavailable, Unprocessable
from inventory_api.events.service import emit_event
from inventory_api.history.service import diff_fields, record_change
from inventory_api.ingest.flags import flag_asset
from inventory_api.ingest.matching import (
    RULE_NAMES,
    Match,
    claim_registered,
    find_match,
    hostname_key,
    load_ids,
    report_ids,
    sync_identifiers,
)
from inventory_api.ingest.models import Collector, EnrollSecret, InventoryState
from inventory_api.locations.models import Location

SECRET_PREFIX = "ens_"
NODE_KEY_PREFIX = "nk_"
RETIRED = ("retired", "disposed")


def key_hash(value: str) -> str:
    """SHA-256 of a secret or node key: 256 random bits, so a fast hash is safe and the lookup is one index probe."""
    return hashlib.sha256(value.encode()).hexdigest()


def create_enroll_secret(
    session: Session, *, name: str, site_id: uuid.UUID, expires_at: datetime | None = None, max_uses: int | None = None,
    created_by: str | None = None,
) -> tuple[EnrollSecret, str]:  # fmt: skip
    """A new enroll secret for machines landing in `site_id`; the plain secret is returned only here."""
    site = session.get(Location, site_id)
    if site is None or site.deleted_at is not None or site.kind != "site":
        raise Unprocessable(f"site_id {site_id} is not a site", code="invalid_site")
    if expires_at is not None and expires_at <= utcnow():
        raise Unprocessable("expires_at: must be in the future", code="invalid_expiry")
    plain = SECRET_PREFIX + secrets.token_urlsafe(32)
    secret = EnrollSecret(
        name=name, prefix=plain[:10], secret_hash=key_hash(plain), site_id=site_id, expires_at=expires_at,
        max_uses=max_uses, uses=0, created_by=created_by,
    )  # fmt: skip
    session.add(secret)
    session.flush()
    record_change(session, "enroll_secret", secret.id, "created", summary=f"enroll secret {name} created")
    return secret, plain


def list_enroll_secrets(session: Session, sites: Sites = None) -> list[EnrollSecret]:
    """The enroll secrets of these sites (None: every site)."""
    stmt = select(EnrollSecret).order_by(EnrollSecret.created_at)
    if sites is not None:
        stmt = stmt.where(EnrollSecret.site_id.in_(sites))
    return list(session.scalars(stmt))


def revoke_enroll_secret(session: Session, secret_id: uuid.UUID, sites: Sites = None) -> EnrollSecret:
    secret = session.get(EnrollSecret, secret_id)
    if secret is None or not visible(sites, secret.site_id):
        raise NotFound("enroll secret", secret_id)
    if secret.revoked_at is None:
        secret.revoked_at = utcnow()
        record_change(
            session, "enroll_secret", secret.id, "revoked", summary=f"enroll secret {secret.name} revoked"
        )
    return secret


def use_enroll_secret(session: Session, plain: str) -> EnrollSecret:
    """The valid secret, its use counted (atomically against its limit); 401 invalid_secret otherwise."""
    now = utcnow()
    secret = session.scalar(select(EnrollSecret).where(EnrollSecret.secret_hash == key_hash(plain)))
    refused = Unauthorized("the enroll secret is wrong, expired, revoked or used up", code="invalid_secret")
    if (
        secret is None
        or secret.revoked_at is not None
        or (secret.expires_at is not None and secret.expires_at <= now)
    ):
        raise refused
    stmt = update(EnrollSecret).where(EnrollSecret.id == secret.id).values(uses=EnrollSecret.uses + 1)
    if secret.max_uses is not None:
        stmt = stmt.where(EnrollSecret.uses < secret.max_uses)
    if session.execute(stmt).rowcount != 1:
        raise refused
    session.refresh(secret)
    return secret


def next_report_at(now: datetime, settings: Any, *, soon: bool = False) -> datetime:
    """When the collector should report next: the interval plus random jitter (right away after enrolling)."""
    if soon:
        return now
    return now + timedelta(
        seconds=settings.report_interval_seconds + random.uniform(0, settings.report_jitter_seconds)
    )


def new_machine_asset(
    session: Session, pairs: list[tuple[str, str]], identity: Any, site_id: uuid.UUID, now: datetime
) -> Asset:
    """A new asset for a machine seen for the first time, with its identifiers (unique: a racing twin fails here)."""
    serial = next((v.split(":", 1)[1] for k, v in pairs if k == "serial"), None)
    asset = Asset(
        id=uuid.uuid4(), kind="desktop", status="deployed", name=identity.hostname, hostname=identity.hostname,
        hostname_key=hostname_key(identity.hostname), serial=serial, serial_key=serial, site_id=site_id,
        first_seen=now, attributes={"manufacturer": identity.manufacturer, "product": identity.product},
    )  # fmt: skip
    session.add(asset)
    session.flush()
    session.add_all(AssetIdentifier(asset_id=asset.id, kind=k, value=v) for k, v in pairs)
    session.flush()
    return asset


#: Where a machine's reported maker and product are kept, to tell a changed report from a hand-set link.
REPORTED_KEYS = ("manufacturer", "product")


_SERIAL_HOLDER = (
    select(Asset.id)
    .where(
        Asset.manufacturer_id == bindparam("maker"), Asset.serial_key == bindparam("serial_key"),
        Asset.deleted_at.is_(None), Asset.id != bindparam("asset_id"),
    )
    .limit(1)
)  # fmt: skip


def serial_holder(session: Session, asset: Asset, manufacturer_id: uuid.UUID | None) -> uuid.UUID | None:
    """Another live asset with this asset's serial and this maker (the two are unique together), or None."""
    if asset.serial_key is None or manufacturer_id is None:
        return None
    params = {"maker": manufacturer_id, "serial_key": asset.serial_key, "asset_id": asset.id}
    return session.connection().execute(_SERIAL_HOLDER, params).scalar()


def link_target(asset: Asset, link: catalog.Link, *, follow: bool) -> dict[str, uuid.UUID | None]:
    """The maker and model the asset should have: the report's when it changed, else only what is empty."""
    maker_id, model_id = link.manufacturer_id, link.model_id
    if follow:  # new hardware: the reported maker; its model, or the current one if the product is junk
        same = asset.manufacturer_id == maker_id
        return {"manufacturer_id": maker_id, "model_id": model_id or (asset.model_id if same else None)}
    maker = asset.manufacturer_id or maker_id
    model = asset.model_id or (model_id if maker == maker_id else None)  # never a model of another maker
    return {"manufacturer_id": maker, "model_id": model}


def remember_reported(asset: Asset, identity: Any) -> bool:
    """Keep the reported maker and product in the asset's attributes; whether they differ from the last report's."""
    attributes = asset.attributes or {}
    now = {"manufacturer": identity.manufacturer, "product": identity.product}
    if all(attributes.get(k) == now[k] for k in REPORTED_KEYS):
        return False
    asset.attributes = {**attributes, **now}
    return all(k in attributes for k in REPORTED_KEYS)  # no earlier report known (an asset typed in): a fill


def link_machine(session: Session, asset: Asset, identity: Any) -> None:
    """Link a machine to the catalog maker and model its SMBIOS names; called when its identity changed.

    The report fills an empty link, and moves a set one only when the reported maker or product differs from the
    previous report's (a motherboard swap): a model a technician set by hand stays until the hardware changes.
    Placeholders link nothing and unlink nothing. No query unless there is something to fill or follow.
    """
    follow = remember_reported(asset, identity)
    pair = catalog.reported(identity.manufacturer, identity.product)
    if pair is None or (not follow and asset.manufacturer_id and (asset.model_id or not pair[1])):
        return
    link = catalog.resolve_reported(
        session, {pair: asset.kind}, serial_key=asset.serial_key, asset_id=asset.id
    )[pair]
    target = link_target(asset, link, follow=follow)
    if target["manufacturer_id"] == link.manufacturer_id != asset.manufacturer_id and link.serial_holder:
        # Most likely this very machine typed in by hand or imported: a technician merges the two.
        detail = {"identifiers": [["serial", asset.serial_key, str(link.serial_holder)]]}
        flag_asset(session, asset.id, "duplicate_identifier", detail)
        return
    moved = asset.manufacturer_id is not None or asset.model_id is not None
    changes = diff_fields(asset, target)
    if not changes:
        return
    asset.version += 1
    summary = f"model as reported: {' '.join(p for p in pair if p)}"
    record_change(session, "asset", asset.id, "updated", summary=summary, changes=changes)
    if moved:  # a first link is announced by the report's own event
        emit_event(session, "asset.changed", "asset", asset.id, _changed_payload(asset, changes))


def _changed_payload(asset: Asset, changes: dict[str, Any]) -> dict[str, Any]:
    """The asset.changed event's payload, as a change through the API sends it."""
    base = {"id": str(asset.id), "kind": asset.kind, "status": asset.status, "asset_tag": asset.asset_tag}
    return {**base, "site_id": str(asset.site_id), "changes": changes}


#: Identifiers anyone on the network can learn: they name a machine only when nothing stronger speaks for it.
WEAK_RULES = frozenset({"mac", "hostname"})


def may_bind(session: Session, match: Match, site_id: uuid.UUID, live_since: datetime) -> bool:
    """Whether an enrollment with a secret of `site_id` may become the matched asset.

    Only an asset of the secret's site; and by a weak identifier (a MAC address, a host name) only an asset that no
    live collector (not revoked, heard from since `live_since`) reports for and that holds no stronger identifier
    (SMBIOS UUID, serial, machine id) of its own. Otherwise the machine enrolls as a new asset, flagged when it
    reports identifiers another asset holds.
    """
    asset = session.get_one(Asset, match.asset_id)
    if asset.site_id != site_id:
        return False
    if match.rule not in WEAK_RULES:
        return True
    heard = func.coalesce(Collector.last_contact_at, Collector.enrolled_at)
    # Another agent's reports do not keep our collector off the machine: that is how a site migrates.
    live = select(Collector.id).where(
        Collector.asset_id == asset.id, Collector.revoked_at.is_(None), heard >= live_since,
        Collector.agent.is_(None),
    )  # fmt: skip
    if session.scalar(live.limit(1)) is not None:
        return False
    stored = load_ids(session, [asset.id])[asset.id]
    return not (stored.system_uuid or stored.serial or stored.machine_id)


def match_or_create(
    session: Session, identity: Any, *, site_id: uuid.UUID, now: datetime, live_since: datetime
) -> tuple[Asset, Match]:
    """The asset a machine is, creating it when new; two racing first contacts collide on the identifiers and retry."""
    ids = report_ids(identity)
    for _ in range(5):
        match, held = find_match(session, ids, identity.hostname, manufacturer=identity.manufacturer)
        free = [pair for pair in ids.pairs() if pair not in held]  # held elsewhere: a clone, flagged below
        if match is not None and may_bind(session, match, site_id, live_since):
            if match.rule == "registered_serial" and not claim_registered(session, match.asset_id, free):
                continue  # a racing report bound this asset first: match again, by the identifiers it wrote
            # Enrollments onto one asset queue here (PostgreSQL; SQLite has one writer): each then sees and revokes
            # the collectors of those before it, so one collector stays bound.
            return session.get_one(Asset, match.asset_id, with_for_update=True), match
        try:
            with session.begin_nested():
                asset = new_machine_asset(session, free, identity, site_id, now)
        except IntegrityError:
            continue  # a racing report of the same machine committed first: match again, now finding its asset
        record_change(
            session,
            "asset",
            asset.id,
            "created",
            summary="new machine enrolled",
            changes={"matched_by": [None, "new"]},
        )
        if held:
            detail = {"identifiers": [[k, v, str(a)] for (k, v), a in sorted(held.items())]}
            flag_asset(session, asset.id, "duplicate_identifier", detail)
        return asset, Match(asset.id, "new")
    raise Unavailable("too many concurrent enrollments of this machine; retry", headers={"Retry-After": "5"})


class AgentSuperseded(AppError):
    """Another agent's report for a machine that our collector reports for: acknowledged, nothing written."""

    status, code = 409, "superseded"

    def __init__(self, asset_id: uuid.UUID) -> None:
        super().__init__("this machine reports through the collector: this agent's inventory is not applied")
        self.asset_id = asset_id


def own_collector(session: Session, asset_id: uuid.UUID) -> uuid.UUID | None:
    """The asset's live collector of ours (not another agent), if any."""
    stmt = select(Collector.id).where(
        Collector.asset_id == asset_id, Collector.revoked_at.is_(None), Collector.agent.is_(None)
    )
    return session.scalar(stmt.limit(1))


@dataclass(frozen=True)
class Enrolled:
    """The answer to an enrollment."""

    collector: Collector
    node_key: str
    asset: Asset
    next_report_at: datetime


def enroll(
    session: Session,
    *,
    secret: str,
    identity: Any,
    collector_version: str | None,
    settings: Any,
    client: str | None,
    agent: str | None = None,
    node_key: str | None = None,
) -> Enrolled:
    """Exchange an enroll secret and a machine identity for a node key naming the machine's asset.

    `agent`, `node_key`: another inventory agent admitted by the secret, under a key derived from it
    (inventory_api/agents/service.py). Such an agent never replaces our collector on a machine: AgentSuperseded.
    """
    enroll_secret = use_enroll_secret(session, secret)
    now = utcnow()
    window = now - timedelta(days=settings.reenroll_window_days)
    asset, match = match_or_create(
        session, identity, site_id=enroll_secret.site_id, now=now, live_since=window
    )
    if agent is not None and match.rule != "new" and own_collector(session, asset.id) is not None:
        raise AgentSuperseded(asset.id)
    if match.rule != "new":
        record_change(
            session,
            "asset",
            asset.id,
            "enrolled",
            summary=f"collector enrolled; matched by {RULE_NAMES.get(match.rule, match.rule)}",
            changes={"matched_by": [None, match.rule]},
        )
        # An enrollment adds identifiers, never removes them: only the asset's own collector's reports do.
        for kind, value, owner in sync_identifiers(session, asset.id, report_ids(identity), prune=False):
            flag_asset(
                session, asset.id, "duplicate_identifier", {"identifiers": [[kind, value, str(owner)]]}
            )
        if asset.deleted_at is not None or asset.status in RETIRED:
            flag_asset(
                session,
                asset.id,
                "reported_while_retired",
                {"status": asset.status, "deleted": asset.deleted_at is not None},
            )
    for old in session.scalars(
        select(Collector).where(Collector.asset_id == asset.id, Collector.revoked_at.is_(None))
    ):
        old.revoked_at, old.revoke_reason = now, "replaced by a new enrollment"
        if old.agent is not None and agent is None:  # a site moving to our collector: no clone
            old.revoke_reason = "replaced by the collector"
        elif old.last_contact_at is not None and old.last_contact_at >= window:
            flag_asset(
                session,
                asset.id,
                "possible_clone",
                {"previous_collector": str(old.id), "last_contact_at": old.last_contact_at.isoformat()},
            )
    plain = node_key or NODE_KEY_PREFIX + secrets.token_urlsafe(32)
    collector = Collector(
        asset_id=asset.id, key_hash=key_hash(plain), prefix=plain[:10], enroll_secret_id=enroll_secret.id,
        collector_version=collector_version, hostname=identity.hostname, enrolled_at=now, enrolled_from=client,
        matched_by=match.rule, approved_at=None if settings.require_enroll_approval else now, agent=agent,
    )  # fmt: skip
    session.add(collector)
    state = session.get(InventoryState, asset.id)
    if state is None:
        session.add(
            InventoryState(
                asset_id=asset.id,
                section_hashes={},
                logged_in_users=[],
                ip_addresses=[],
                volumes=[],
                full_volumes=[],
                errors=[],
            )
        )
    else:
        state.section_hashes = {}  # the new collector starts without acknowledged hashes: resend everything
        state.identity_hash = None
    session.flush()
    return Enrolled(collector, plain, asset, next_report_at(now, settings, soon=True))


def require_collector(session: Session, collector_id: uuid.UUID, sites: Sites = None) -> Collector:
    """A collector whose asset is at one of these sites (None: any), or 404."""
    collector = session.get(Collector, collector_id)
    if collector is None or not visible(sites, session.get_one(Asset, collector.asset_id).site_id):
        raise NotFound("collector", collector_id)
    return collector


def revoke_collector(
    session: Session, collector_id: uuid.UUID, reason: str = "revoked by an admin", *, sites: Sites = None
) -> Collector:
    collector = require_collector(session, collector_id, sites)
    if collector.revoked_at is None:
        collector.revoked_at, collector.revoke_reason = utcnow(), reason
        record_change(
            session,
            "asset",
            collector.asset_id,
            "collector_revoked",
            summary=f"collector key {collector.prefix}… revoked: {reason}",
        )
    return collector


def approve_collector(session: Session, collector_id: uuid.UUID, *, sites: Sites = None) -> Collector:
    collector = require_collector(session, collector_id, sites)
    if collector.approved_at is None:
        collector.approved_at = utcnow()
        record_change(
            session,
            "asset",
            collector.asset_id,
            "collector_approved",
            summary=f"collector key {collector.prefix}… approved",
        )
    return collector
