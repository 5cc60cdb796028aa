"""Reading the catalog: titles with counts and versions, where a title is installed, what an asset has."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.auth.service import Principal
from inventory_api.software.models import Installation, SoftwareTitle, SoftwareVersion


def _visible(stmt: Select[Any], principal: Principal | None) -> Select[Any]:
    stmt = stmt.join(Asset, Asset.id == Installation.asset_id).where(Asset.deleted_at.is_(None))
    if principal is not None and principal.site_ids is not None:
        stmt = stmt.where(Asset.site_id.in_(principal.site_ids))
    return stmt


def titles_query(*, q: str | None, publisher: str | None, installed: bool) -> Select[Any]:
    """Catalog titles, by name prefix and publisher; only installed ones unless asked otherwise."""
    stmt = select(SoftwareTitle)
    if q:
        stmt = stmt.where(SoftwareTitle.key.startswith(q.strip().casefold(), autoescape=True))
    if publisher:
        stmt = stmt.where(SoftwareTitle.publisher == publisher)
    if installed:
        stmt = stmt.where(select(Installation.id).where(Installation.title_id == SoftwareTitle.id).exists())
    return stmt


def with_counts(
    session: Session, titles: list[SoftwareTitle], principal: Principal | None
) -> list[dict[str, Any]]:
    """Each title with its installation count and per-version counts (one grouped query for the page)."""
    ids = [t.id for t in titles]
    counts: dict[uuid.UUID, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        stmt = _visible(
            select(Installation.title_id, SoftwareVersion.version, func.count()).join(
                SoftwareVersion, SoftwareVersion.id == Installation.version_id
            ),
            principal,
        ).where(Installation.title_id.in_(ids))
        for title_id, version, n in session.execute(
            stmt.group_by(Installation.title_id, SoftwareVersion.version)
        ):
            counts[title_id].append({"version": version, "installations": n})
    return [
        {"id": t.id, "name": t.name, "publisher": t.publisher, "installations": sum(v["installations"] for v in counts[t.id]),
         "versions": sorted(counts[t.id], key=lambda v: v["version"])}
        for t in titles
    ]  # fmt: skip


def installations_query(
    principal: Principal | None,
    *,
    title_id: uuid.UUID | None = None,
    asset_id: uuid.UUID | None = None,
    version: str | None = None,
) -> Select[Any]:
    """Installations of a title or on an asset, on the caller's sites."""
    stmt = _visible(select(Installation), principal)
    if title_id is not None:
        stmt = stmt.where(Installation.title_id == title_id)
    if asset_id is not None:
        stmt = stmt.where(Installation.asset_id == asset_id)
    if version is not None:
        stmt = stmt.where(
            Installation.version_id.in_(select(SoftwareVersion.id).where(SoftwareVersion.version == version))
        )
    return stmt


def describe(session: Session, rows: list[Installation]) -> list[dict[str, Any]]:
    """Installations with their asset, title and version (loaded for the page in three IN queries)."""
    assets = (
        {a.id: a for a in session.scalars(select(Asset).where(Asset.id.in_({r.asset_id for r in rows})))}
        if rows
        else {}
    )
    titles = (
        dict(
            session.execute(
                select(SoftwareTitle.id, SoftwareTitle.name).where(
                    SoftwareTitle.id.in_({r.title_id for r in rows})
                )
            ).all()
        )
        if rows
        else {}
    )
    versions = (
        dict(
            session.execute(
                select(SoftwareVersion.id, SoftwareVersion.version).where(
                    SoftwareVersion.id.in_({r.version_id for r in rows})
                )
            ).all()
        )
        if rows
        else {}
    )
    return [
        {"asset_id": r.asset_id, "asset_name": assets[r.asset_id].name, "hostname": assets[r.asset_id].hostname,
         "title_id": r.title_id, "title": titles[r.title_id], "version": versions[r.version_id],
         "architecture": r.architecture, "scope": r.scope, "source": r.source, "install_date": r.install_date,
         "is_system_component": r.is_system_component, "is_update": r.is_update, "first_seen": r.first_seen}
        for r in rows
    ]  # fmt: skip
