"""`Idempotency-Key` on POST (IETF httpapi-idempotency-key-header): a retry replays the first answer.

Use it by giving a router `route_class=IdempotentRoute` (it also commits like `TransactionalRoute`). A key is
scoped to (caller, method, path) and stored in the database; the first successful answer is saved in the same
transaction as the change it made, so "answer saved" and "change committed" are one fact. While the first
request runs, a retry gets 409 `idempotency_in_progress`; the same key with another body gets 422
`idempotency_key_reused`. A failed first attempt (an error answer) saves nothing, so the key can be retried.

A replay is given only to a caller whose token is still valid and still holds the permissions the route needs
(otherwise the route runs and its own checks answer 401 or 403). An answer that carries a secret shown once (a
token, an enroll secret, a webhook signing secret) is never stored: its key remembers only that the request
succeeded, and a replay answers 409 `idempotency_secret_withheld`.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from starlette.concurrency import run_in_threadpool

from inventory_api.auth.service import Principal, PrincipalCache, resolve_principal
from inventory_api.db import Base, BigIntPK, Database, utcnow
from inventory_api.deps import bearer_token
from inventory_api.errors import Unauthorized, error_body
from inventory_api.routing import TransactionalRoute, in_commit_thread

HEADER = "idempotency-key"
REPLAYED = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
#: Answer headers kept with the saved answer.
KEPT_HEADERS = ("content-type", "etag", "location")


class IdempotencyKey(Base):
    """A client's idempotency key, its request fingerprint and (once done) the answer to replay."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("caller", "method", "path", "key"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    caller: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    fingerprint: Mapped[str] = mapped_column(String(64))
    #: Which attempt owns a running key; a stale attempt cannot save its answer over a newer one.
    claim: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(10), default="running")
    locked_until: Mapped[datetime | None]
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_headers: Mapped[dict[str, Any] | None]
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


def _answer(status: int, code: str, detail: str, **headers: str) -> Response:
    return Response(
        json.dumps(error_body(code, detail)), status, headers=headers, media_type="application/json"
    )


#: Top-level fields of an answer that hold a secret shown only once.
SECRET_FIELDS = frozenset({"token", "secret", "node_key"})
SECRET_WITHHELD = b"secret withheld"


def caller_of(db: Database, request: Request) -> Principal | None:
    """The principal behind the request's credentials if they are valid now, else None (the route's own
    authentication will then answer 401)."""
    token = bearer_token(request)
    if not token:
        return None
    cache: PrincipalCache | None = getattr(request.app.state, "principals", None)
    principal = cache.get(token) if cache is not None else None
    if principal is not None:
        return principal
    with db.sessions() as session:  # read only: resolving may note the token's use, which is not kept here
        try:
            return resolve_principal(session, token)
        except Unauthorized:
            return None


def required_permissions(dependant: Dependant) -> frozenset[str]:
    """The permissions a route's dependencies demand (`deps.require`), at any depth."""
    found: set[str] = set()
    stack = [dependant]
    while stack:
        current = stack.pop()
        name = getattr(current.call, "__name__", "")
        if name.startswith("require_"):
            found.add(name.removeprefix("require_"))
        stack.extend(current.dependencies)
    return frozenset(found)


def has_secret(body: bytes) -> bool:
    """Whether an answer carries a secret shown once (a JSON object with a token, secret or node key)."""
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and not SECRET_FIELDS.isdisjoint(data)


def claim_key(
    db: Database, *, caller: str, method: str, path: str, key: str, fingerprint: str, now: datetime,
    lease: timedelta, keep: timedelta,
) -> str | Response:  # fmt: skip
    """Claim the key for this attempt (returns the claim id), or the answer to give instead."""
    for _ in range(2):
        try:
            with db.transaction() as session:
                return _claim(session, caller, method, path, key, fingerprint, now, lease, keep)
        except IntegrityError:
            continue  # another attempt inserted the key at the same moment: read it
    return _answer(409, "idempotency_in_progress", "a request with this Idempotency-Key is in progress")


def _claim(
    session: Session, caller: str, method: str, path: str, key: str, fingerprint: str, now: datetime,
    lease: timedelta, keep: timedelta,
) -> str | Response:  # fmt: skip
    stmt = select(IdempotencyKey).where(
        IdempotencyKey.caller == caller, IdempotencyKey.method == method, IdempotencyKey.path == path,
        IdempotencyKey.key == key,
    )  # fmt: skip
    row = session.scalar(stmt.with_for_update())
    if row is not None and row.expires_at <= now:
        session.delete(row)
        session.flush()
        row = None
    claim = str(uuid.uuid4())
    if row is None:
        session.add(
            IdempotencyKey(
                caller=caller, method=method, path=path, key=key, fingerprint=fingerprint, claim=claim,
                locked_until=now + lease, created_at=now, expires_at=now + keep,
            )
        )  # fmt: skip
        session.flush()
        return claim
    if row.fingerprint != fingerprint:
        return _answer(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was used with another request body; use a new key",
        )
    if row.status == "running":
        if row.locked_until and row.locked_until > now:
            return _answer(
                409, "idempotency_in_progress", "a request with this Idempotency-Key is in progress",
                **{"Retry-After": "1"},
            )  # fmt: skip
        # The first attempt died: its change and its saved answer commit together, so it changed nothing.
        row.claim, row.locked_until = claim, now + lease
        return claim
    if row.response_body == SECRET_WITHHELD:
        return _answer(
            409, "idempotency_secret_withheld",
            "the first request with this Idempotency-Key succeeded; its answer held a secret that is shown only "
            "once, so it is not replayed",
        )  # fmt: skip
    headers = {**(row.response_headers or {}), REPLAYED: "true"}
    return Response(row.response_body or b"", row.response_status or 200, headers=headers)


def save_answer(session: Session, claim: str, response: Response) -> bool:
    """Store the answer with the request's own transaction; False if a newer attempt owns the key."""
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    body = bytes(response.body)
    result = session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.claim == claim, IdempotencyKey.status == "running")
        .values(status="done", locked_until=None, response_status=response.status_code,
                response_headers=headers, response_body=SECRET_WITHHELD if has_secret(body) else body)
    )  # fmt: skip
    return result.rowcount == 1


def release_key(db: Database, claim: str) -> None:
    """Forget a key whose attempt failed, so the client may retry it."""
    with db.transaction() as session:
        session.execute(
            delete(IdempotencyKey).where(IdempotencyKey.claim == claim, IdempotencyKey.status == "running")
        )


def purge_expired(session: Session, now: datetime) -> int:
    """Delete keys past their retention; the worker calls this."""
    return session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now)).rowcount


IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
    "description": "retry-safe POST: a retry with the same key and body replays the first answer; "
    "another body → 422 `idempotency_key_reused`; while the first runs → 409 `idempotency_in_progress`",
}


class IdempotentRoute(TransactionalRoute):
    """A `TransactionalRoute` whose POSTs honour `Idempotency-Key`."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if "POST" in (kwargs.get("methods") or ()):
            extra = dict(kwargs.get("openapi_extra") or {})
            extra["parameters"] = [*extra.get("parameters", []), IDEMPOTENCY_PARAMETER]
            kwargs["openapi_extra"] = extra
        super().__init__(path, endpoint, **kwargs)
        self.permissions = required_permissions(self.dependant)

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        plain = super().get_route_handler()
        handler = APIRoute.get_route_handler(self)

        async def run(request: Request) -> Response:
            key = request.headers.get(HEADER)
            if request.method != "POST" or key is None:
                return await plain(request)
            if not 0 < len(key) <= MAX_KEY_LENGTH:
                return _answer(400, "bad_request", f"Idempotency-Key must be 1–{MAX_KEY_LENGTH} characters")
            db: Database = request.app.state.db
            settings = request.app.state.settings
            principal = await run_in_threadpool(caller_of, db, request)
            if principal is None or not self.permissions <= principal.permissions:
                return await plain(request)  # its own checks refuse it; nothing is claimed or replayed
            caller = str(principal.user_id)
            fingerprint = hashlib.sha256(await request.body()).hexdigest()
            claim = await run_in_threadpool(
                claim_key, db, caller=caller, method="POST", path=request.url.path, key=key,
                fingerprint=fingerprint, now=utcnow(), lease=timedelta(seconds=settings.idempotency_lease_seconds),
                keep=timedelta(hours=settings.idempotency_keep_hours),
            )  # fmt: skip
            if isinstance(claim, Response):
                return claim
            try:
                response = await handler(request)
            except BaseException:
                await in_commit_thread(_abandon, request, db, claim)
                raise
            response = await in_commit_thread(_finish, request, db, claim, response)
            release = getattr(request.state, "release_session", None)
            if release is not None:
                release()  # the transaction is over: let the next request take a session
            return response

        return run


def _abandon(request: Request, db: Database, claim: str) -> None:
    session: Session | None = getattr(request.state, "session", None)
    if session is not None:
        session.rollback()  # frees SQLite's write lock before the key is released
    release_key(db, claim)


def _finish(request: Request, db: Database, claim: str, response: Response) -> Response:
    session: Session | None = getattr(request.state, "session", None)
    if response.status_code >= 400 or not hasattr(response, "body"):
        _abandon(request, db, claim)
        return response
    if session is None:
        with db.transaction() as own:
            saved = save_answer(own, claim, response)
    else:
        saved = save_answer(session, claim, response)
        if saved:
            session.commit()
        else:
            session.rollback()
    if not saved:
        return _answer(409, "idempotency_in_progress", "a newer attempt with this Idempotency-Key took over")
    return response
