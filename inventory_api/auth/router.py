"""Login, users and API tokens."""

import uuid
from datetime import timedelta

from fastapi import APIRouter, Request, Response

from inventory_api.auth import schemas
from inventory_api.auth import service as auth
from inventory_api.auth.models import ApiToken, User
from inventory_api.auth.signin import set_session_cookie, sign_in
from inventory_api.db import utcnow
from inventory_api.deps import AdminDep, DbDep, ReadDep, SessionDep, SettingsDep, WriteDep
from inventory_api.errors import NotFound
from inventory_api.idempotency import IdempotentRoute
from inventory_api.routing import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["auth"], route_class=IdempotentRoute, responses=ERROR_RESPONSES)


@router.post("/auth/login", response_model=schemas.LoginResponse)
def login(
    body: schemas.LoginRequest, request: Request, response: Response, session: SessionDep, db: DbDep,
    settings: SettingsDep,
) -> schemas.LoginResponse:  # fmt: skip
    """Exchange a username and password for a session token (also set as a cookie for the web pages)."""
    _, token, expires = sign_in(request, session, db, settings, body.username, body.password)
    set_session_cookie(response, request, settings, token)
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
def create_user(body: schemas.UserCreate, session: SessionDep, principal: AdminDep) -> User:
    """Create a user; a site-limited admin creates users of its own sites only."""
    auth.check_grant(principal, body.site_ids)
    return auth.create_user(session, **body.model_dump())


@router.get("/users", response_model=list[schemas.UserRead])
def list_users(session: SessionDep, principal: AdminDep) -> list[User]:
    """The users the caller manages (a site-limited admin: those whose grant lies within its sites)."""
    return auth.list_users(session, principal)


@router.patch("/users/{user_id}", response_model=schemas.UserRead)
def update_user(
    user_id: uuid.UUID, body: schemas.UserUpdate, session: SessionDep, principal: AdminDep
) -> User:
    """Change a user; a new password ends the user's other sessions."""
    user = auth.require_managed_user(session, principal, user_id)
    return auth.update_user(session, principal, user, body.model_dump(exclude_unset=True))


@router.post("/tokens", response_model=schemas.TokenCreated, status_code=201)
def create_token(body: schemas.TokenCreate, session: SessionDep, principal: WriteDep) -> schemas.TokenCreated:
    """Create an API token for yourself (or, as an admin, for a user you manage); it is shown only here.

    Its scopes are at most the calling token's own (default: exactly those, within the owner's role).
    """
    expires = utcnow() + timedelta(days=body.expires_days) if body.expires_days else None
    token, plain = auth.issue_token(
        session, principal, user_id=body.user_id, name=body.name, scopes=body.scopes, expires_at=expires
    )
    return schemas.TokenCreated(**schemas.TokenRead.model_validate(token).model_dump(), token=plain)


@router.get("/tokens", response_model=list[schemas.TokenRead])
def list_tokens(session: SessionDep, principal: ReadDep, user_id: uuid.UUID | None = None) -> list[ApiToken]:
    """Your tokens, or (as an admin) those of a user you manage."""
    owner = auth.require_managed_user(session, principal, user_id or principal.user_id)
    return auth.list_tokens(session, owner.id)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: uuid.UUID, session: SessionDep, principal: WriteDep) -> Response:
    """Revoke one of your tokens, or (as an admin) of a user you manage."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("token", token_id)
    try:
        auth.require_managed_user(session, principal, token.user_id)
    except NotFound:
        raise NotFound("token", token_id) from None
    auth.revoke_token(session, token)
    return Response(status_code=204)
