"""Users, their site grants, API tokens and rate-limit counters."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, Timestamps, UUIDPk, Versioned, utcnow

ROLES = ("admin", "technician", "viewer", "integration")
#: What each role may do; a token's rights are its scopes intersected with its owner's role.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"read", "write", "admin"}),
    "technician": frozenset({"read", "write"}),
    "integration": frozenset({"read", "write"}),
    "viewer": frozenset({"read"}),
}
SCOPES = ("read", "write", "admin")


class User(UUIDPk, Timestamps, Versioned, Base):
    """A person or integration that signs in: a role, and the sites it applies to (none listed = all)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLES}", name="role"),)

    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    all_sites: Mapped[bool] = mapped_column(default=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]


class UserSite(Base):
    """One site of a user's grant (used when the user is not granted all sites)."""

    __tablename__ = "user_sites"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )


class ApiToken(UUIDPk, Base):
    """A bearer token: 256 random bits shown once, stored as SHA-256, looked up by that hash."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("kind IN ('api', 'session')", name="kind"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10), default="api")
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class RateCounter(Base):
    """Requests counted per key and fixed window, shared by every replica through the database."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
