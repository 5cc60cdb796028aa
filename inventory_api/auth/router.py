"""Login, users and API tokens."""

import uuid
from datetime import timedelta

from fastapi import APIRouter, Request, Response

from inventory_api.auth import schemas
from inventory_api.auth import service as auth
from inventory_api.auth.models import ApiToken, User
from inventory_api.db import utcnow
from inventory_api.deps import SESSION_COOKIE, AdminDep, DbDep, ReadDep, SessionDep, SettingsDep
from inventory_api.errors import NotFound
from inventory_api.history.service import Actor, set_actor
from inventory_api.idempotency import IdempotentRoute
from inventory_api.ratelimit import check_rate
from inventory_api.routing import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["auth"], route_class=IdempotentRoute, responses=ERROR_RESPONSES)


@router.post("/auth/login", response_model=schemas.LoginResponse)
def login(
    body: schemas.LoginRequest, request: Request, response: Response, session: SessionDep, db: DbDep,
    settings: SettingsDep,
) -> schemas.LoginResponse:  # fmt: skip
    """Exchange a username and password for a session token (also set as a cookie for the web pages)."""
    client = request.client.host if request.client else "unknown"
    check_rate(db, f"login:{client}:{body.username}", limit=settings.login_rate_per_minute)
    user = auth.authenticate(session, body.username, body.password)
    set_actor(session, Actor("user", str(user.id), user.username, request.state.request_id))
    expires = utcnow() + timedelta(hours=settings.session_hours)
    _, token = auth.create_token(session, user, name="session", kind="session", expires_at=expires)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=settings.session_hours * 3600, httponly=True, samesite="lax",
        secure=request.url.scheme == "https",
    )  # fmt: skip
    return schemas.LoginResponse(token=token, expires_at=expires)


@router.get("/auth/me", response_model=schemas.Me)
def me(principal: ReadDep) -> schemas.Me:
    """Who the token belongs to and what it may do."""
    sites = sorted(principal.site_ids) if principal.site_ids is not None else None
    return schemas.Me(
        user_id=principal.user_id, username=principal.username, role=principal.role,
        permissions=sorted(principal.permissions), site_ids=sites,
    )  # fmt: skip


@router.post("/users", response_model=schemas.UserRead, status_code=201)
def create_user(body: schemas.UserCreate, session: SessionDep, _: AdminDep) -> User:
    return auth.create_user(session, **body.model_dump())


@router.get("/users", response_model=list[schemas.UserRead])
def list_users(session: SessionDep, _: AdminDep) -> list[User]:
    return auth.list_users(session)


@router.patch("/users/{user_id}", response_model=schemas.UserRead)
def update_user(user_id: uuid.UUID, body: schemas.UserUpdate, session: SessionDep, _: AdminDep) -> User:
    user = auth.require_user(session, user_id)
    values = body.model_dump(exclude_unset=True)
    if "role" in values:
        auth.change_role(session, user, values.pop("role"))
    if "password" in values:
        user.password_hash = auth.hash_password(values.pop("password"))
    if "site_ids" in values or values.get("all_sites"):
        site_ids = values.pop("site_ids", None)
        auth.set_user_sites(session, user, None if values.pop("all_sites", False) else site_ids or [])
    for field, value in values.items():
        setattr(user, field, value)
    return user


@router.post("/tokens", response_model=schemas.TokenCreated, status_code=201)
def create_token(body: schemas.TokenCreate, session: SessionDep, principal: ReadDep) -> schemas.TokenCreated:
    """Create an API token for yourself (or, as an admin, for another user); it is shown only here."""
    owner_id = body.user_id or principal.user_id
    if owner_id != principal.user_id and "admin" not in principal.permissions:
        raise NotFound("user", owner_id)
    user = auth.require_user(session, owner_id)
    expires = utcnow() + timedelta(days=body.expires_days) if body.expires_days else None
    token, plain = auth.create_token(session, user, name=body.name, scopes=body.scopes, expires_at=expires)
    return schemas.TokenCreated(**schemas.TokenRead.model_validate(token).model_dump(), token=plain)


@router.get("/tokens", response_model=list[schemas.TokenRead])
def list_tokens(session: SessionDep, principal: ReadDep, user_id: uuid.UUID | None = None) -> list[ApiToken]:
    owner_id = user_id or principal.user_id
    if owner_id != principal.user_id and "admin" not in principal.permissions:
        raise NotFound("user", owner_id)
    return auth.list_tokens(session, owner_id)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: uuid.UUID, session: SessionDep, principal: ReadDep) -> Response:
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != principal.user_id and "admin" not in principal.permissions):
        raise NotFound("token", token_id)
    auth.revoke_token(session, token)
    return Response(status_code=204)
