"""API schemas of enrollment, the inventory answer, enroll secrets and collectors."""

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from inventory_api.schemas import ApiModel, InputModel, UtcDateTime


class EnrollRequest(InputModel):
    """A collector's enrollment: the shared secret and the machine's identity (the report's `identity`)."""

    secret: str = Field(min_length=1, max_length=200)
    identity: dict[str, Any]
    collector_version: str | None = Field(None, max_length=50)


class EnrollResponse(ApiModel):
    node_key: str = Field(
        description="the collector's own key: send it as `Authorization: Bearer` with reports"
    )
    asset_id: uuid.UUID
    next_report_at: UtcDateTime


class InventoryAnswer(ApiModel):
    """What the server did with a report; `acknowledged` are the section hashes to send next time as hashes only."""

    status: Literal["applied", "duplicate", "stale", "pending_approval"]
    asset_id: uuid.UUID
    acknowledged: dict[str, str]
    next_report_at: UtcDateTime | None


class EnrollSecretCreate(InputModel):
    name: str = Field(min_length=1, max_length=100)
    site_id: uuid.UUID = Field(description="the site that newly enrolled machines land in")
    expires_at: UtcDateTime | None = None
    max_uses: int | None = Field(None, ge=1)


class EnrollSecretRead(ApiModel):
    id: uuid.UUID
    name: str
    prefix: str
    site_id: uuid.UUID
    expires_at: UtcDateTime | None
    max_uses: int | None
    uses: int
    created_at: UtcDateTime
    revoked_at: UtcDateTime | None


class EnrollSecretCreated(EnrollSecretRead):
    secret: str = Field(description="shown only once; put it into the collector's installer")


class CollectorRead(ApiModel):
    id: uuid.UUID
    asset_id: uuid.UUID
    prefix: str
    hostname: str | None
    collector_version: str | None
    matched_by: str | None
    enrolled_at: UtcDateTime
    enrolled_from: str | None
    approved_at: UtcDateTime | None
    last_contact_at: UtcDateTime | None
    revoked_at: UtcDateTime | None
    revoke_reason: str | None


class CollectorRevoke(InputModel):
    reason: str = Field("revoked by an admin", max_length=200)


class MergeRequest(InputModel):
    """Merge `duplicate_id` into the asset of the path: one machine recorded twice."""

    duplicate_id: uuid.UUID


class StaleAsset(ApiModel):
    id: uuid.UUID
    name: str | None
    hostname: str | None
    kind: str
    site_id: uuid.UUID
    last_seen: datetime | None
