"""Enroll secrets, enrollment (matching the machine to an asset) and node keys."""

from __future__ import annotations

import hashlib
import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset, AssetIdentifier
from inventory_api.db import utcnow
from inventory_api.errors import NotFound, Unauthorized, Unavailable, Unprocessable
from inventory_api.history.service import record_change
from inventory_api.ingest.flags import flag_asset
from inventory_api.ingest.matching import Match, find_match, hostname_key, report_ids, sync_identifiers
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
    plain = SECRET_PREFIX + secrets.token_urlsafe(32)
    secret = EnrollSecret(
        name=name, prefix=plain[:10], secret_hash=key_hash(plain), site_id=site_id, expires_at=expires_at,
        max_uses=max_uses, uses=0, created_by=created_by,
    )  # fmt: skip
    session.add(secret)
    session.flush()
    record_change(session, "enroll_secret", secret.id, "created", summary=f"enroll secret {name} created")
    return secret, plain


def list_enroll_secrets(session: Session) -> list[EnrollSecret]:
    return list(session.scalars(select(EnrollSecret).order_by(EnrollSecret.created_at)))


def revoke_enroll_secret(session: Session, secret_id: uuid.UUID) -> EnrollSecret:
    secret = session.get(EnrollSecret, secret_id)
    if secret is None:
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


def held_identifiers(session: Session, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], uuid.UUID]:
    """Which of these identifiers other assets hold already."""
    if not pairs:
        return {}
    wanted = set(pairs)
    stmt = select(AssetIdentifier.asset_id, AssetIdentifier.kind, AssetIdentifier.value).where(
        AssetIdentifier.value.in_([v for _, v in pairs])
    )
    return {(k, v): a for a, k, v in session.execute(stmt) if (k, v) in wanted}


def match_or_create(
    session: Session, identity: Any, *, site_id: uuid.UUID, now: datetime
) -> tuple[Asset, Match]:
    """The asset a machine is, creating it when new; two racing first contacts collide on the identifiers and retry."""
    ids = report_ids(identity)
    for _ in range(5):
        match = find_match(session, ids, identity.hostname)
        if match is not None:
            return session.get(Asset, match.asset_id), match
        held = held_identifiers(
            session, ids.pairs()
        )  # a cloned image: the rules refused the asset holding them
        free = [pair for pair in ids.pairs() if pair not in held]
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
) -> Enrolled:
    """Exchange an enroll secret and a machine identity for a node key naming the machine's asset."""
    enroll_secret = use_enroll_secret(session, secret)
    now = utcnow()
    asset, match = match_or_create(session, identity, site_id=enroll_secret.site_id, now=now)
    if match.rule != "new":
        record_change(
            session,
            "asset",
            asset.id,
            "enrolled",
            summary=f"collector enrolled; matched by {match.rule}",
            changes={"matched_by": [None, match.rule]},
        )
        for kind, value, owner in sync_identifiers(session, asset.id, report_ids(identity)):
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
    window = now - timedelta(days=settings.reenroll_window_days)
    for old in session.scalars(
        select(Collector).where(Collector.asset_id == asset.id, Collector.revoked_at.is_(None))
    ):
        old.revoked_at, old.revoke_reason = now, "replaced by a new enrollment"
        if old.last_contact_at is not None and old.last_contact_at >= window:
            flag_asset(
                session,
                asset.id,
                "possible_clone",
                {"previous_collector": str(old.id), "last_contact_at": old.last_contact_at.isoformat()},
            )
    plain = NODE_KEY_PREFIX + secrets.token_urlsafe(32)
    collector = Collector(
        asset_id=asset.id, key_hash=key_hash(plain), prefix=plain[:10], enroll_secret_id=enroll_secret.id,
        collector_version=collector_version, hostname=identity.hostname, enrolled_at=now, enrolled_from=client,
        matched_by=match.rule, approved_at=None if settings.require_enroll_approval else now,
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


def revoke_collector(
    session: Session, collector_id: uuid.UUID, reason: str = "revoked by an admin"
) -> Collector:
    collector = session.get(Collector, collector_id)
    if collector is None:
        raise NotFound("collector", collector_id)
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


def approve_collector(session: Session, collector_id: uuid.UUID) -> Collector:
    collector = session.get(Collector, collector_id)
    if collector is None:
        raise NotFound("collector", collector_id)
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
