"""API shapes of users, logins and tokens."""

import uuid
from typing import Literal

from pydantic import Field

from inventory_api.schemas import ApiModel, InputModel, UtcDateTime

Role = Literal["admin", "technician", "viewer", "integration"]
Scope = Literal["read", "write", "admin"]


class LoginRequest(InputModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class LoginResponse(ApiModel):
    token: str
    expires_at: UtcDateTime


class UserCreate(InputModel):
    username: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    role: Role
    password: str | None = Field(None, min_length=12, max_length=1000)
    full_name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    site_ids: list[uuid.UUID] | None = Field(None, description="sites of the grant; omit for all sites")


class UserUpdate(InputModel):
    not_null = ("role", "is_active", "all_sites")
    role: Role | None = None
    full_name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    is_active: bool | None = None
    password: str | None = Field(None, min_length=12, max_length=1000)
    site_ids: list[uuid.UUID] | None = None
    all_sites: bool | None = None


class UserRead(ApiModel):
    id: uuid.UUID
    username: str
    role: Role
    full_name: str | None
    email: str | None
    is_active: bool
    all_sites: bool
    created_at: UtcDateTime
    last_login_at: UtcDateTime | None


class TokenCreate(InputModel):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[Scope] | None = Field(None, description="default: everything the owner's role allows")
    expires_days: int | None = Field(None, ge=1, le=3650)
    user_id: uuid.UUID | None = Field(None, description="admins may create tokens for other users")


class TokenRead(ApiModel):
    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: UtcDateTime
    expires_at: UtcDateTime | None
    last_used_at: UtcDateTime | None
    revoked_at: UtcDateTime | None


class TokenCreated(TokenRead):
    token: str = Field(description="shown once; store it now")


class Me(ApiModel):
    user_id: uuid.UUID
    username: str
    role: str
    permissions: list[str]
    site_ids: list[uuid.UUID] | None
