"""Signing in, as the API's login route and the sign-in page both do it: rate limits, the session, its cookie."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import Request, Response
from sqlalchemy.orm import Session

from inventory_api.auth import service as auth
from inventory_api.auth.models import User
from inventory_api.db import Database, utcnow
from inventory_api.deps import SESSION_COOKIE
from inventory_api.history.service import Actor, set_actor
from inventory_api.ratelimit import check_rate
from inventory_api.settings import Settings


def sign_in(
    request: Request, session: Session, db: Database, settings: Settings, username: str, password: str
) -> tuple[User, str, datetime]:
    """The user, a new session token and its expiry; 429 past the rate limits, 401 for any wrong credential.

    Attempts are limited per client address and name, and per name across all addresses (a password guessed from
    many machines); both count before the password is checked.
    """
    client = request.client.host if request.client else "unknown"
    check_rate(db, f"login:{client}:{username}", limit=settings.login_rate_per_minute)
    check_rate(db, f"login-user:{username.lower()}", limit=settings.login_user_rate_per_minute)
    user = auth.authenticate(session, username, password)
    set_actor(session, Actor("user", str(user.id), user.username, request.state.request_id))
    expires = utcnow() + timedelta(hours=settings.session_hours)
    _, token = auth.create_token(session, user, name="session", kind="session", expires_at=expires)
    return user, token, expires


def set_session_cookie(response: Response, request: Request, settings: Settings, token: str) -> None:
    """The session as an HttpOnly, SameSite=Lax cookie; Secure over TLS or when the settings say so (behind a
    proxy that ends TLS)."""
    response.set_cookie(
        SESSION_COOKIE, token, max_age=settings.session_hours * 3600, httponly=True, samesite="lax",
        secure=settings.cookie_secure or request.url.scheme == "https",
    )  # fmt: skip
