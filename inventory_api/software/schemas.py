"""The software catalog and installations as the API shows them."""

import uuid

from inventory_api.schemas import ApiModel, UtcDateTime


class VersionCount(ApiModel):
    version: str
    installations: int


class TitleRead(ApiModel):
    """A catalog title with its installation count and versions, on the sites the caller may see."""

    id: uuid.UUID
    name: str
    publisher: str | None
    installations: int = 0
    versions: list[VersionCount] = []


class InstallationRead(ApiModel):
    """A title installed on an asset."""

    asset_id: uuid.UUID
    asset_name: str | None
    hostname: str | None
    title_id: uuid.UUID
    title: str
    version: str
    architecture: str
    scope: str
    source: str | None
    install_date: str | None
    is_system_component: bool
    is_update: bool
    first_seen: UtcDateTime
