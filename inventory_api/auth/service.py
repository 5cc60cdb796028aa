"""Users, passwords, tokens and the principal a request acts as."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from inventory_api.auth.models import ROLE_PERMISSIONS, ROLES, SCOPES, ApiToken, User, UserSite
from inventory_api.db import utcnow
from inventory_api.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from inventory_api.history.service import record_change

_hasher = PasswordHasher()  # argon2id with the library's current defaults
TOKEN_PREFIX = "inv_"
#: Touch last_used_at (and audit a use) at most this often per token.
LAST_USED_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts as: a user, through a session or an API token, with effective permissions."""

    user_id: uuid.UUID
    username: str
    role: str
    permissions: frozenset[str]
    #: None means every site.
    site_ids: frozenset[uuid.UUID] | None
    token_id: uuid.UUID | None = None
    via_api_token: bool = False

    def can_see_site(self, site_id: uuid.UUID | None) -> bool:
        return self.site_ids is None or site_id in self.site_ids


class PrincipalCache:
    """Principals by token hash for a few seconds, so that most requests know their caller without the database.

    An entry never outlives its token's expiry nor the next due `last_used_at` update. A committed change to a
    user, a site grant or a token's revocation empties every cache of this process (`_note_auth_change`); other
    worker processes see it within `ttl` seconds.
    """

    #: Bumped by every committed change to users, grants or revocations in this process.
    generation = 0
    MAX_ENTRIES = 10_000

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[Principal, float, int]] = {}

    def get(self, bearer: str) -> Principal | None:
        key = token_hash(bearer)
        entry = self._entries.get(key)
        if entry is None:
            return None
        principal, until, generation = entry
        if generation != PrincipalCache.generation or time.monotonic() >= until:
            self._entries.pop(key, None)
            return None
        return principal

    def put(self, bearer: str, principal: Principal, *, seconds: float) -> None:
        if self.ttl <= 0 or seconds <= 0:
            return
        if len(self._entries) >= self.MAX_ENTRIES:
            self._entries.clear()
        until = time.monotonic() + min(self.ttl, seconds)
        self._entries[token_hash(bearer)] = (principal, until, PrincipalCache.generation)


@event.listens_for(Session, "after_flush")
def _note_auth_change(session: Session, _: object) -> None:
    changed = chain(session.new, session.dirty, session.deleted)
    if any(isinstance(o, User | UserSite) or (isinstance(o, ApiToken) and o.revoked_at) for o in changed):
        session.info["auth_changed"] = True


@event.listens_for(Session, "after_commit")
def _forget_principals(session: Session) -> None:
    # Also fired when a savepoint is released: the change is not visible to others before the outer commit.
    if not session.in_nested_transaction() and session.info.pop("auth_changed", False):
        PrincipalCache.generation += 1


@event.listens_for(Session, "after_soft_rollback")
def _keep_principals(session: Session, previous: Any) -> None:
    if not previous.nested:
        session.info.pop("auth_changed", None)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def token_hash(token: str) -> str:
    """SHA-256 of a token: tokens are 256-bit random, so a fast hash is safe and keeps lookups cheap."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def get_user_by_name(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def list_users(session: Session, caller: Principal | None = None) -> list[User]:
    """Every user, or those a site-limited admin manages."""
    users = session.scalars(select(User).order_by(User.username))
    return [user for user in users if caller is None or manages(session, caller, user)]


def manages(session: Session, caller: Principal, user: User) -> bool:
    """Whether an admin may manage this user: any user for an admin of every site; for a site-limited admin,
    only users whose grant lies within its own sites (never a user of every site)."""
    if caller.site_ids is None:
        return True
    sites = user_site_ids(session, user)
    return sites is not None and sites <= caller.site_ids


def require_managed_user(session: Session, caller: Principal, user_id: uuid.UUID) -> User:
    """A user the caller may manage (itself included, for its own tokens), or 404."""
    user = require_user(session, user_id)
    if user.id != caller.user_id and (
        "admin" not in caller.permissions or not manages(session, caller, user)
    ):
        raise NotFound("user", user_id)
    return user


def check_grant(caller: Principal, site_ids: Iterable[uuid.UUID] | None) -> None:
    """A site-limited admin grants only sites it holds itself, and never every site."""
    if caller.site_ids is None:
        return
    if site_ids is None:
        raise Forbidden("you may grant only your own sites, not every site")
    beyond = set(site_ids) - caller.site_ids
    if beyond:
        raise Forbidden(
            f"you may grant only your own sites; not yours: {', '.join(sorted(map(str, beyond)))}"
        )


def require_user(session: Session, user_id: uuid.UUID) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


def user_site_ids(session: Session, user: User) -> frozenset[uuid.UUID] | None:
    if user.all_sites:
        return None
    return frozenset(session.scalars(select(UserSite.site_id).where(UserSite.user_id == user.id)))


def set_user_sites(session: Session, user: User, site_ids: Iterable[uuid.UUID] | None) -> None:
    """Grant a user all sites (None) or exactly the listed sites; a change of grant is in the history."""
    before = user_site_ids(session, user) if user.id is not None else None
    for row in session.scalars(select(UserSite).where(UserSite.user_id == user.id)):
        session.delete(row)
    user.all_sites = site_ids is None
    after = None if site_ids is None else frozenset(site_ids)
    for site_id in after or ():
        session.add(UserSite(user_id=user.id, site_id=site_id))
    if before != after:
        user.version += 1
        record_change(
            session, "user", user.id, "sites_changed", changes={"site_ids": [_grant(before), _grant(after)]}
        )


def _grant(site_ids: frozenset[uuid.UUID] | None) -> list[str] | str:
    return "all" if site_ids is None else sorted(map(str, site_ids))


def update_user(session: Session, caller: Principal, user: User, values: dict[str, Any]) -> User:
    """Change a user as an admin: role, grant, password, active flag, names; each change is in the history.

    A new password ends the user's sessions (but the caller's own). A site-limited admin changes only users of
    its sites, and grants only its own sites.
    """
    if not manages(session, caller, user):
        raise NotFound("user", user.id)
    if "role" in values:
        change_role(session, user, values.pop("role"))
    if "password" in values:
        user.password_hash = hash_password(values.pop("password"))
        record_change(session, "user", user.id, "password_changed")
        end_sessions(session, user, keep=caller.token_id)
    if "site_ids" in values or values.get("all_sites"):
        site_ids = None if values.pop("all_sites", False) else values.pop("site_ids", None) or []
        check_grant(caller, site_ids)
        set_user_sites(session, user, site_ids)
    values.pop("all_sites", None)
    if "email" in values and not (values["email"] or "").strip():
        values["email"] = None  # an empty address is no address
    changes = {
        field: [getattr(user, field), value]
        for field, value in values.items()
        if getattr(user, field) != value
    }
    if changes:
        for field, (_, value) in changes.items():
            setattr(user, field, value)
        user.version += 1
        action = "deactivated" if changes.get("is_active", [None, True])[1] is False else "changed"
        record_change(session, "user", user.id, action, changes=changes)
    return user


def end_sessions(session: Session, user: User, *, keep: uuid.UUID | None = None) -> None:
    """Revoke the user's sign-in sessions (API tokens stay: they are revoked one by one)."""
    stmt = select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.kind == "session", ApiToken.revoked_at.is_(None)
    )
    for token in session.scalars(stmt):
        if token.id != keep:
            token.revoked_at = utcnow()


def create_user(
    session: Session,
    *,
    username: str,
    role: str,
    password: str | None = None,
    full_name: str | None = None,
    email: str | None = None,
    site_ids: Iterable[uuid.UUID] | None = None,
) -> User:
    """Create a user; the username must be new."""
    if role not in ROLES:
        raise Unprocessable(f"role must be one of {', '.join(ROLES)}")
    if get_user_by_name(session, username) is not None:
        raise Conflict(f"username {username!r} is taken", code="username_taken")
    user = User(
        username=username,
        role=role,
        full_name=full_name,
        email=email,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    set_user_sites(session, user, site_ids)
    record_change(
        session, "user", user.id, "created", changes={"role": [None, role]}, summary=f"user {username}"
    )
    return user


def change_role(session: Session, user: User, role: str) -> None:
    if role not in ROLES:
        raise Unprocessable(f"role must be one of {', '.join(ROLES)}")
    if role != user.role:
        record_change(session, "user", user.id, "role_changed", changes={"role": [user.role, role]})
        user.role = role
        user.version += 1


#: Verified when the user is unknown, so that an unknown name costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def authenticate(session: Session, username: str, password: str) -> User:
    """The active user with this password, or Unauthorized (the same answer, in the same time, for every
    failure: an unknown user's password is checked against a dummy hash)."""
    user = get_user_by_name(session, username)
    try:
        if user is None or not user.is_active or not user.password_hash:
            _hasher.verify(_DUMMY_HASH, password + "\0")  # never matches; takes a real verification's time
            raise VerificationError
        _hasher.verify(user.password_hash, password)
    except VerificationError:
        raise Unauthorized("wrong username or password", code="invalid_credentials") from None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def create_token(
    session: Session,
    user: User,
    *,
    name: str,
    scopes: Iterable[str] | None = None,
    expires_at: datetime | None = None,
    kind: str = "api",
) -> tuple[ApiToken, str]:
    """A new token for a user; returns the record and the token, which is never stored or shown again."""
    scopes = sorted(set(scopes)) if scopes is not None else sorted(ROLE_PERMISSIONS[user.role])
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise Unprocessable(f"unknown scopes: {', '.join(sorted(unknown))}; known: {', '.join(SCOPES)}")
    plain = new_token()
    token = ApiToken(
        user_id=user.id,
        name=name,
        kind=kind,
        prefix=plain[:12],
        token_hash=token_hash(plain),
        scopes=scopes,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    if kind == "api":
        record_change(
            session, "user", user.id, "token_created", summary=f"token {name} ({token.prefix}…)",
            changes={"token_id": [None, str(token.id)], "scopes": [None, scopes]},
        )  # fmt: skip
    return token, plain


def issue_token(
    session: Session, caller: Principal, *, user_id: uuid.UUID | None, name: str, scopes: Iterable[str] | None,
    expires_at: datetime | None,
) -> tuple[ApiToken, str]:  # fmt: skip
    """A token made by a caller: for itself, or as an admin for a user it manages; never with more rights than
    the caller's own token has (default: exactly those, within the owner's role)."""
    user = require_managed_user(session, caller, user_id or caller.user_id)
    allowed = caller.permissions & ROLE_PERMISSIONS[user.role]
    if scopes is None:
        scopes = allowed
    beyond = set(scopes) - allowed
    if beyond:
        raise Forbidden(
            f"a token cannot have more rights than the one that makes it (or its owner's role): "
            f"{', '.join(sorted(beyond))} not allowed; allowed: {', '.join(sorted(allowed)) or 'none'}"
        )
    return create_token(session, user, name=name, scopes=scopes, expires_at=expires_at)


def list_tokens(session: Session, user_id: uuid.UUID) -> list[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.kind == "api")
    return list(session.scalars(stmt.order_by(ApiToken.created_at, ApiToken.id)))


def revoke_token(session: Session, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_change(
            session, "user", token.user_id, "token_revoked", summary=f"token {token.name} ({token.prefix}…)"
        )


def revoke_by_secret(session: Session, plain: str) -> None:
    """Revoke the token with this value, if it exists (signing out)."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(plain)))
    if token is not None:
        revoke_token(session, token)


def resolve_principal(session: Session, bearer: str, cache: PrincipalCache | None = None) -> Principal:
    """The principal behind a bearer token, or Unauthorized; notes (and audits) its use now and then."""
    # One round trip for the token and its user: this runs on every request.
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_hash(bearer))
    ).first()
    now = utcnow()
    token, user = row if row is not None else (None, None)
    if token is None or token.revoked_at is not None or (token.expires_at and token.expires_at <= now):
        raise Unauthorized("unknown, expired or revoked token", code="invalid_token")
    if not user.is_active:
        raise Unauthorized("the token's user is disabled", code="invalid_token")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        if token.kind == "api":
            record_change(
                session, "user", user.id, "token_used", summary=f"token {token.name} ({token.prefix}…)"
            )
    principal = Principal(
        user_id=user.id,
        username=user.username,
        role=user.role,
        permissions=ROLE_PERMISSIONS[user.role] & frozenset(token.scopes),
        site_ids=user_site_ids(session, user),
        token_id=token.id,
        via_api_token=token.kind == "api",
    )
    if cache is not None:
        until = min(token.last_used_at + LAST_USED_RESOLUTION, token.expires_at or now + LAST_USED_RESOLUTION)
        cache.put(bearer, principal, seconds=(until - now).total_seconds())
    return principal
