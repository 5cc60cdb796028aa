"""The software catalog: resolving reported packages to catalog rows, and diffing an asset's installations."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from inventory_api.db import utcnow
from inventory_api.inventory.bulk import bulk_insert
from inventory_api.software.models import Installation, SoftwareTitle, SoftwareVersion
from inventory_api.software.normalize import CatalogKey, catalog_key, normalize_architecture

IN_CHUNK = 5000


def insert_ignoring_conflicts(session: Session, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk INSERT … ON CONFLICT DO NOTHING: a racing report that inserted the same row first is fine."""
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(table.__table__).on_conflict_do_nothing(), list(rows))


def among(session: Session, column: Any, values: Sequence[str]) -> Any:
    """`column IN values` with one bind parameter (an array, or JSON on SQLite): no per-value compile cost."""
    if session.get_bind().dialect.name == "postgresql":
        # A semi-join on unnest() probes the unique index per value; `= ANY($1)` under a generic plan scans.
        return column.in_(select(func.unnest(bindparam(None, list(values), type_=postgresql.ARRAY(String)))))
    table = func.json_each(bindparam(None, json.dumps(list(values)), type_=String)).table_valued("value")
    return column.in_(select(table.c.value))


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def resolve_catalog(session: Session, keys: Iterable[CatalogKey]) -> dict[str, tuple[uuid.UUID, int]]:
    """version_key → (title id, version id); one IN query when every version is known, else insert the missing."""
    wanted = {key.version_key: key for key in keys}
    found: dict[str, tuple[uuid.UUID, int]] = {}

    def load() -> None:
        missing = [k for k in wanted if k not in found]
        for chunk in _chunks(missing):
            stmt = select(SoftwareVersion.key, SoftwareVersion.title_id, SoftwareVersion.id)
            for vkey, title_id, version_id in session.execute(
                stmt.where(among(session, SoftwareVersion.key, chunk))
            ):
                found[vkey] = (title_id, version_id)

    load()
    missing = [wanted[k] for k in wanted if k not in found]
    if not missing:
        return found
    titles: dict[str, uuid.UUID] = {}
    title_keys = sorted({key.title_key for key in missing})
    for chunk in _chunks(title_keys):
        titles.update(
            session.execute(
                select(SoftwareTitle.key, SoftwareTitle.id).where(SoftwareTitle.key.in_(chunk))
            ).all()
        )
    new_titles: dict[str, dict[str, Any]] = {}
    for key in missing:
        if key.title_key not in titles and key.title_key not in new_titles:
            new_titles[key.title_key] = {
                "id": uuid.uuid4(), "key": key.title_key, "name": key.name, "publisher": key.publisher,
                "created_at": utcnow(),
            }  # fmt: skip
    if new_titles:
        insert_ignoring_conflicts(session, SoftwareTitle, sorted(new_titles.values(), key=lambda r: r["key"]))
        for chunk in _chunks(sorted(new_titles)):  # re-read: a racing report may have won some of them
            titles.update(
                session.execute(
                    select(SoftwareTitle.key, SoftwareTitle.id).where(SoftwareTitle.key.in_(chunk))
                ).all()
            )
    rows = [
        {"key": key.version_key, "title_id": titles[key.title_key], "version": key.version}
        for key in sorted(missing, key=lambda k: k.version_key)
    ]
    insert_ignoring_conflicts(session, SoftwareVersion, rows)
    load()
    return found


@dataclass(frozen=True, slots=True)
class Removed:
    """An installation that is no longer reported."""

    version_id: int
    title_id: uuid.UUID
    architecture: str
    scope: str


@dataclass(frozen=True, slots=True)
class SoftwareChange:
    """One readable difference in an asset's software."""

    action: str  # "installed", "removed", "upgraded"
    title: str
    old_version: str | None
    new_version: str | None

    def summary(self) -> str:
        if self.action == "upgraded":
            return f"{self.title} {self.old_version or '?'} → {self.new_version or '?'}"
        return f"{self.title} {self.new_version or self.old_version or ''} {self.action}".replace("  ", " ")


def sync_installations(
    session: Session, asset_id: uuid.UUID, packages: Sequence[Any], *, describe: bool = True
) -> tuple[int, list[SoftwareChange]]:
    """Make the asset's installations equal the reported packages; the number now installed and what changed
    (not described on a first inventory, whose history is one summary line)."""
    keyed = [(catalog_key(p.name, p.version, p.publisher), p) for p in packages if p.name and p.name.strip()]
    # What the asset has, with each version's catalog key: only packages not among them need the catalog.
    stmt = select(
        Installation.id,
        Installation.version_id,
        Installation.architecture,
        Installation.scope,
        SoftwareVersion.key,
    ).join(SoftwareVersion, SoftwareVersion.id == Installation.version_id)
    # Core rows, not ORM ones: an asset has hundreds of installations and this runs on every software change.
    rows = session.connection().execute(stmt.where(Installation.asset_id == asset_id)).all()
    stored = {(r.version_id, r.architecture, r.scope): r for r in rows}
    known = {r.key: r.version_id for r in rows}
    catalog = resolve_catalog(session, (key for key, _ in keyed if key.version_key not in known))
    wanted: dict[tuple[int, str, str], dict[str, Any]] = {}
    names: dict[uuid.UUID, str] = {}
    versions: dict[int, str] = {}
    by_version: dict[int, CatalogKey] = {}
    for key, package in keyed:
        title_id, version_id = catalog.get(key.version_key) or (None, known[key.version_key])
        if title_id is not None:
            names[title_id] = key.name
        versions[version_id], by_version[version_id] = key.version, key
        scope = package.scope if package.scope in ("system", "user") else "system"
        ident = (version_id, normalize_architecture(package.architecture), scope)
        wanted[ident] = {
            "asset_id": asset_id, "title_id": title_id, "version_id": version_id, "architecture": ident[1],
            "scope": scope, "install_date": package.install_date, "source": package.source,
            "is_system_component": bool(package.is_system_component), "is_update": bool(package.is_update),
        }  # fmt: skip
    added = [wanted[k] for k in wanted.keys() - stored.keys()]
    gone = [stored[k] for k in stored.keys() - wanted.keys()]
    removed: list[Any] = []
    if gone:
        for chunk in _chunks([row.id for row in gone]):
            session.execute(delete(Installation).where(Installation.id.in_(chunk)))
        stmt = select(SoftwareVersion.id, SoftwareVersion.version, SoftwareTitle.id, SoftwareTitle.name).join(
            SoftwareTitle, SoftwareTitle.id == SoftwareVersion.title_id
        )
        titles: dict[int, uuid.UUID] = {}
        for vid, version, tid, name in session.execute(
            stmt.where(SoftwareVersion.id.in_({r.version_id for r in gone}))
        ):
            versions[vid], names[tid], titles[vid] = version, name, tid
        removed = [Removed(r.version_id, titles[r.version_id], r.architecture, r.scope) for r in gone]
    # A version the asset has, now also in another architecture or scope: its title is not loaded yet.
    untitled = {row["version_id"] for row in added if row["title_id"] is None}
    if untitled:
        stmt = select(SoftwareVersion.id, SoftwareVersion.title_id).where(SoftwareVersion.id.in_(untitled))
        titled = dict(session.execute(stmt).all())
        for row in added:
            if row["title_id"] is None:
                row["title_id"] = titled[row["version_id"]]
                names[row["title_id"]] = by_version[row["version_id"]].name
    if added:
        now = utcnow()
        bulk_insert(session, Installation, [{**row, "first_seen": now} for row in added])
    return len(wanted), pair_changes(added, removed, names, versions) if describe else []


def pair_changes(
    added: Sequence[dict[str, Any]],
    removed: Sequence[Any],
    names: dict[uuid.UUID, str],
    versions: dict[int, str],
) -> list[SoftwareChange]:
    """An upgrade is a removed version of a title paired with an added version of the same title."""
    gone: dict[tuple[uuid.UUID, str, str], list[Any]] = {}
    for row in removed:
        gone.setdefault((row.title_id, row.architecture, row.scope), []).append(row)
    changes: list[SoftwareChange] = []
    for row in sorted(added, key=lambda r: (names[r["title_id"]], versions[r["version_id"]])):
        name, new = names[row["title_id"]], versions[row["version_id"]] or None
        previous = gone.get((row["title_id"], row["architecture"], row["scope"]))
        if previous:
            old = previous.pop(0)
            changes.append(SoftwareChange("upgraded", name, versions.get(old.version_id) or None, new))
        else:
            changes.append(SoftwareChange("installed", name, None, new))
    for rows in gone.values():
        for row in rows:
            changes.append(
                SoftwareChange("removed", names[row.title_id], versions.get(row.version_id) or None, None)
            )
    return changes
