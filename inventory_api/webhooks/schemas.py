"""Webhook API schemas."""

import uuid
from typing import Literal

from pydantic import AnyHttpUrl, Field

from inventory_api.schemas import ApiModel, InputModel, UtcDateTime


class SubscriptionCreate(InputModel):
    name: str = Field(min_length=1, max_length=100)
    url: AnyHttpUrl
    event_types: list[str] = Field(min_length=1, description='event types, "work_order.*" prefixes, or "*"')
    active: bool = True


class SubscriptionUpdate(InputModel):
    name: str | None = Field(None, min_length=1, max_length=100)
    url: AnyHttpUrl | None = None
    event_types: list[str] | None = Field(None, min_length=1)
    active: bool | None = None
    rotate_secret: bool = Field(False, description="issue a new signing secret (shown in this answer only)")


class SubscriptionRead(ApiModel):
    id: uuid.UUID
    name: str
    url: str
    event_types: list[str]
    active: bool
    version: int
    created_at: UtcDateTime


class SubscriptionWithSecret(SubscriptionRead):
    secret: str = Field(description="the Standard Webhooks signing secret (whsec_…): store it now")


class SubscriptionChanged(SubscriptionRead):
    secret: str | None = Field(
        None, description="the new signing secret, only when `rotate_secret` was asked"
    )


class DeliveryRead(ApiModel):
    id: int
    subscription_id: uuid.UUID
    message_id: str
    event_type: str
    subject_type: str
    subject_id: uuid.UUID
    status: Literal["pending", "delivered", "dead"]
    attempts: int
    next_attempt_at: UtcDateTime
    last_status_code: int | None
    last_error: str | None
    delivered_at: UtcDateTime | None
    created_at: UtcDateTime
