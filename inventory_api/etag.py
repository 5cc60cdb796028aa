"""ETags of versioned records: `ETag: "<version>"` out, `If-Match` checked on change."""

from __future__ import annotations

from fastapi import Response

from inventory_api.errors import PreconditionFailed


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def check_if_match(if_match: str | None, version: int) -> None:
    """412 unless If-Match is absent, `*`, or names the current version (weak or strong)."""
    if if_match is None or if_match.strip() == "*":
        return
    wanted = {tag.strip().removeprefix("W/").strip('"') for tag in if_match.split(",")}
    if str(version) not in wanted:
        raise PreconditionFailed(
            f"the record changed: its ETag is {etag(version)}, not {if_match}; read it again",
            current_etag=etag(version),
            current_version=version,
        )
