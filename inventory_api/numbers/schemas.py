"""API shapes of number pools and taken numbers."""

import re
import uuid
from typing import Literal

from pydantic import Field, model_validator

from inventory_api.schemas import ApiModel, InputModel, UtcDateTime

E164 = r"^\+[1-9]\d{1,14}$"


class PoolCreate(InputModel):
    name: str = Field(min_length=1, max_length=100)
    kind: Literal["extension", "did"]
    site_id: uuid.UUID
    dial_plan: str = Field("default", min_length=1, max_length=50)
    first: str = Field(description="first number of the range: digits (extension) or E.164 (DID)")
    last: str

    @model_validator(mode="after")
    def _numbers(self) -> "PoolCreate":
        pattern = E164 if self.kind == "did" else r"^\d{2,10}$"
        for value in (self.first, self.last):
            if not re.match(pattern, value):
                raise ValueError(f"{value!r} is not a valid {self.kind} number")
        return self


class PoolRead(ApiModel):
    id: uuid.UUID
    name: str
    kind: str
    site_id: uuid.UUID
    dial_plan: str
    first: str
    last: str
    version: int


class NumberRead(ApiModel):
    id: uuid.UUID
    number: str
    kind: str
    state: str
    pool_id: uuid.UUID | None
    service_id: uuid.UUID | None
    note: str | None
    quarantine_until: UtcDateTime | None
    updated_at: UtcDateTime


class AllocateRequest(InputModel):
    note: str | None = Field(None, max_length=200)


class ReserveRequest(InputModel):
    number: str
    note: str | None = Field(None, max_length=200)


class FreeNumbers(ApiModel):
    pool_id: uuid.UUID
    numbers: list[str]
