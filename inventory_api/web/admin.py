"""The admin page: users (add one, turn one off or on), enroll secrets (a new one is shown once), collectors (approve
a new enrollment, revoke a key) — each through the same service function and checks as the API."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.auth import service as auth
from inventory_api.auth.models import ROLES, SCOPES, ApiToken, User
from inventory_api.auth.schemas import UserCreate
from inventory_api.auth.service import Principal
from inventory_api.db import utcnow
from inventory_api.errors import Forbidden, NotFound, Unprocessable
from inventory_api.ingest import service as ingest
from inventory_api.ingest.models import Collector
from inventory_api.web.orders import sites_for

COLLECTORS_SHOWN = 100


def may_administer(principal: Principal) -> None:
    if "admin" not in principal.permissions:
        raise Forbidden(f"this needs the 'admin' permission; you have {sorted(principal.permissions)}")


def overview(session: Session, principal: Principal) -> dict[str, Any]:
    """What the page lists: the users the caller manages, its sites' enroll secrets, collectors waiting for approval
    first and then the most recently heard from."""
    may_administer(principal)
    collectors = select(Collector, Asset).join(Asset, Asset.id == Collector.asset_id)
    if principal.site_ids is not None:
        collectors = collectors.where(Asset.site_id.in_(principal.site_ids))
    waiting = Collector.approved_at.is_(None) & Collector.revoked_at.is_(None)
    rows = session.execute(collectors.order_by(waiting.desc(), Collector.last_contact_at.desc().nulls_last())
                           .limit(COLLECTORS_SHOWN)).all()  # fmt: skip
    users = auth.list_users(session, principal)
    return {
        "users": users, "roles": ROLES, "scopes": SCOPES,
        "tokens": [(u, t) for u in users for t in auth.list_tokens(session, u.id) if t.revoked_at is None], "sites": sites_for(session, principal),
        "every_site": principal.site_ids is None, "secrets": ingest.list_enroll_secrets(session, principal.site_ids),
        "collectors": rows,
    }  # fmt: skip


def _site(form: dict[str, str], principal: Principal) -> uuid.UUID | None:
    """The site a form names (within the caller's), or None for every site (an admin of every site only)."""
    if not form.get("site_id"):
        if principal.site_ids is not None:
            raise Unprocessable("site: choose one of your sites", code="site_required")
        return None
    try:
        site = uuid.UUID(form["site_id"])
    except ValueError:
        raise Unprocessable("site: choose one of your sites", code="site_required") from None
    if not principal.can_see_site(site):
        raise NotFound("site", site)
    return site


def add_user(session: Session, principal: Principal, form: dict[str, str]) -> None:
    may_administer(principal)
    site = _site(form, principal)
    values = {
        k: (form.get(k) or "").strip() or None for k in ("username", "role", "password", "full_name", "email")
    }
    try:
        body = UserCreate.model_validate({**values, "site_ids": [site] if site else None})
    except ValidationError as exc:
        words = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)
        )
        raise Unprocessable(words, code="invalid_user") from None
    auth.check_grant(principal, body.site_ids)
    auth.create_user(session, **body.model_dump())


def set_active(session: Session, principal: Principal, user_id: uuid.UUID, form: dict[str, str]) -> None:
    """Turn a user off (their sessions and tokens stop working) or on again."""
    may_administer(principal)
    user = auth.require_managed_user(session, principal, user_id)
    if user.id == principal.user_id:
        raise Unprocessable("you cannot turn yourself off", code="own_account")
    auth.update_user(session, principal, user, {"is_active": form.get("active") == "on"})


def new_token(session: Session, principal: Principal, form: dict[str, str]) -> str:
    """An API token for a user the caller manages (an integration), with the scopes ticked — never more than the
    caller's own — valid for the days given; its plain text, shown once."""
    may_administer(principal)
    try:
        user_id = uuid.UUID(form.get("user_id", ""))
        days = int(form["days"]) if form.get("days") else None
    except ValueError:
        raise Unprocessable(
            "user and days: choose a user; days a whole number", code="invalid_token"
        ) from None
    name = (form.get("name") or "").strip()
    if not 0 < len(name) <= 100 or (days is not None and not 0 < days <= 3650):
        raise Unprocessable(
            "name: 1 to 100 characters; valid for: 1 to 3650 days, or empty", code="invalid_token"
        )
    scopes = [s for s in SCOPES if form.get(f"scope_{s}") == "on"]
    if not scopes:
        raise Unprocessable("scopes: tick at least one", code="scopes_required")
    _, plain = auth.issue_token(session, principal, user_id=user_id, name=name, scopes=scopes,
                                expires_at=utcnow() + timedelta(days=days) if days else None)  # fmt: skip
    return plain


def revoke_token(session: Session, principal: Principal, token_id: uuid.UUID, _: dict[str, str]) -> None:
    may_administer(principal)
    token = session.get(ApiToken, token_id)
    if (
        token is None
        or token.kind != "api"
        or not auth.manages(session, principal, session.get_one(User, token.user_id))
    ):
        raise NotFound("token", token_id)
    auth.revoke_token(session, token)


def new_secret(session: Session, principal: Principal, form: dict[str, str]) -> str:
    """A new enroll secret of one of the caller's sites, valid for the days given (none: until revoked); its
    plain text, shown once."""
    may_administer(principal)
    site = _site(form, principal)
    name = (form.get("name") or "").strip()
    if site is None or not 0 < len(name) <= 100:
        raise Unprocessable("name and site: a secret needs both", code="secret_fields")
    try:
        days = int(form["days"]) if form.get("days") else None
    except ValueError:
        days = 0
    if days is not None and not 0 < days <= 3650:
        raise Unprocessable("valid for: a number of days between 1 and 3650, or empty", code="invalid_days")
    _, plain = ingest.create_enroll_secret(
        session, name=name, site_id=site, expires_at=utcnow() + timedelta(days=days) if days else None,
        max_uses=None, created_by=principal.username,
    )  # fmt: skip
    return plain


def revoke_secret(session: Session, principal: Principal, secret_id: uuid.UUID, _: dict[str, str]) -> None:
    may_administer(principal)
    ingest.revoke_enroll_secret(session, secret_id, principal.site_ids)


def approve(session: Session, principal: Principal, collector_id: uuid.UUID, _: dict[str, str]) -> None:
    may_administer(principal)
    ingest.approve_collector(session, collector_id, sites=principal.site_ids)


def revoke_collector(
    session: Session, principal: Principal, collector_id: uuid.UUID, form: dict[str, str]
) -> None:
    may_administer(principal)
    reason = (form.get("reason") or "").strip() or "revoked from the admin page"
    ingest.revoke_collector(session, collector_id, reason[:200], sites=principal.site_ids)
