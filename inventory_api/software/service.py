"""The software catalog: resolving reported packages to catalog rows, and diffing an asset's installations."""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import String, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from inventory_api.db import utcnow
from inventory_api.inventory.bulk import bulk_insert
from inventory_api.software.cache import catalog_cache, remember
from inventory_api.software.models import Installation, SoftwareTitle, SoftwareVersion
from inventory_api.software.normalize import CatalogKey, catalog_key, normalize_architecture

IN_CHUNK = 5000
SCOPES = ("system", "user")


def insert_catalog_rows(session: Session, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk INSERT … ON CONFLICT DO NOTHING of shared catalog rows (sorted, so racing inserts cannot deadlock).

    On PostgreSQL they are committed at once, in a transaction of their own: inserted in the report's, they
    would make every other report of a machine with the same software wait for this report's whole transaction
    (a unique index holds a racing insert of the same key until the first one ends). An unused catalog row,
    left by a report that then fails, is harmless. SQLite has one writer at a time: the report's own transaction.
    """
    if not rows:
        return
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        session.connection().execute(sqlite.insert(table.__table__).on_conflict_do_nothing(), list(rows))
        return
    columns = list(rows[0])
    with bind.connect() as connection, connection.begin():
        connection.exec_driver_sql(
            _unnest_insert(table.__table__, tuple(columns)), tuple([row[c] for row in rows] for c in columns)
        )


@lru_cache(maxsize=8)
def _unnest_insert(table: Any, columns: tuple[str, ...]) -> str:
    """One INSERT of all the rows, a column per array parameter (unnest keeps their order): the driver sends
    a few arrays instead of one Bind and Execute per row, which cost more than PostgreSQL's insert itself.
    (Arrays of the unbounded type: a cast to VARCHAR(n) would cut a long value where the insert refuses it.)"""
    dialect = postgresql.dialect()
    types = [re.sub(r"\(\d+\)", "", table.c[c].type.compile(dialect=dialect)) for c in columns]
    arrays = ", ".join(f"%s::{name}[]" for name in types)
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table.name}" ({names}) SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING'


def among(session: Session, column: Any, values: Sequence[str]) -> Any:
    """`column IN values` with one bind parameter (an array, or JSON on SQLite): no per-value compile cost."""
    if session.get_bind().dialect.name == "postgresql":
        # A semi-join on unnest() probes the unique index per value; `= ANY($1)` under a generic plan scans.
        return column.in_(select(func.unnest(bindparam(None, list(values), type_=postgresql.ARRAY(String)))))
    table = func.json_each(bindparam(None, json.dumps(list(values)), type_=String)).table_valued("value")
    return column.in_(select(table.c.value))


def driver_rows(session: Session, stmt: Any, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """The rows as the driver returns them, without SQLAlchemy's Row objects or type processing: only for
    columns the driver already returns as Python wants them (integers, strings)."""
    result = session.connection().execute(stmt, params)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def stored_uuid(value: Any) -> str:
    """A UUID as SQLite stores it and as the catalog's ids travel from read to write: 32 hex digits (SQLite's
    driver returns that text, psycopg a UUID). A string is not a container, so the garbage collector never walks
    the cached ids, and it is written back as it is (PostgreSQL reads 32 hex digits as a uuid)."""
    return value if isinstance(value, str) else value.hex


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def resolve_catalog(session: Session, keys: Iterable[CatalogKey]) -> dict[str, tuple[str, int]]:
    """version_key → (title id as 32 hex digits, version id): from the process's cache of committed catalog rows,
    else one IN query for the rest, else insert the missing."""
    wanted = {key.version_key: key for key in keys}
    cache = catalog_cache(session)
    generation = cache.generation if cache is not None else 0  # before anything is read
    found = cache.lookup(wanted) if cache is not None else {}
    if len(found) == len(wanted):
        return found
    # Read from the database: cached once this transaction commits.
    seen: dict[str, tuple[str, int]] = {}

    def load() -> None:
        missing = [k for k in wanted if k not in found]
        for chunk in _chunks(missing):
            stmt = select(SoftwareVersion.key, SoftwareVersion.title_id, SoftwareVersion.id)
            # The driver's values, one fetchall: no Row and no UUID object per row (~850 on a first report).
            rows = driver_rows(session, stmt.where(among(session, SoftwareVersion.key, chunk)))
            seen.update((vkey, (stored_uuid(title_id), version_id)) for vkey, title_id, version_id in rows)
        found.update(seen)

    load()
    missing = [wanted[k] for k in wanted if k not in found]
    titles: dict[str, uuid.UUID] = {}
    if not missing:
        if cache is not None:
            remember(session, cache, _with_titles(seen, titles), generation)
        return found
    title_keys = sorted({key.title_key for key in missing})
    if cache is not None:  # a new version of a title the cache knows: no title query
        titles.update((title_key, uuid.UUID(ids[0])) for title_key, ids in cache.lookup(title_keys).items())
    for chunk in _chunks([title_key for title_key in title_keys if title_key not in titles]):
        titles.update(
            session.connection()
            .execute(select(SoftwareTitle.key, SoftwareTitle.id).where(SoftwareTitle.key.in_(chunk)))
            .all()
        )
    new_titles: dict[str, dict[str, Any]] = {}
    for key in missing:
        if key.title_key not in titles and key.title_key not in new_titles:
            new_titles[key.title_key] = {
                "id": uuid.uuid4(), "key": key.title_key, "name": key.name, "publisher": key.publisher,
                "created_at": utcnow(),
            }  # fmt: skip
    if new_titles:
        insert_catalog_rows(session, SoftwareTitle, sorted(new_titles.values(), key=lambda r: r["key"]))
        if session.get_bind().dialect.name == "postgresql":
            for chunk in _chunks(sorted(new_titles)):  # re-read: a racing report may have won some of them
                titles.update(
                    session.connection()
                    .execute(select(SoftwareTitle.key, SoftwareTitle.id).where(SoftwareTitle.key.in_(chunk)))
                    .all()
                )
        else:  # one writer, whose transaction found none of them: every one was inserted as it is
            titles.update((title_key, row["id"]) for title_key, row in new_titles.items())
    rows = [
        {"key": key.version_key, "title_id": titles[key.title_key], "version": key.version}
        for key in sorted(missing, key=lambda k: k.version_key)
    ]
    insert_catalog_rows(session, SoftwareVersion, rows)
    # Only the new versions' ids are read back (plain driver values): a version's title is the one its key
    # names (a title key holds no \x1f), so whoever inserted it, its title id is in `titles`.
    stmt = select(SoftwareVersion.key, SoftwareVersion.id)
    for chunk in _chunks([key.version_key for key in missing]):
        for vkey, version_id in driver_rows(session, stmt.where(among(session, SoftwareVersion.key, chunk))):
            seen[vkey] = (titles[wanted[vkey].title_key].hex, version_id)
    found.update(seen)
    if cache is not None:
        remember(session, cache, _with_titles(seen, titles), generation)
    return found


def _with_titles(versions: dict[str, Any], titles: dict[str, uuid.UUID]) -> dict[str, Any]:
    """Cache entries for versions and their titles: a title is cached under its key, which, unlike a version
    key, holds no \x1f (whitespace, which normalising turns into spaces), as (title id, None)."""
    entries = {vkey.partition("\x1f")[0]: (ids[0], None) for vkey, ids in versions.items()}
    entries.update((title_key, (title_id.hex, None)) for title_key, title_id in titles.items())
    entries.update(versions)
    return entries


@dataclass(frozen=True, slots=True)
class Removed:
    """An installation that is no longer reported."""

    version_id: int
    title_id: str
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


#: What an installation holds of the package reported last under its identity (the details a report may change).
DETAILS = ("install_date", "source", "is_system_component", "is_update")
_DETAIL_COLUMNS = [Installation.copies, *(getattr(Installation, name) for name in DETAILS)]
#: An asset's installations with each version's catalog key (built once: it runs on every software change).
_INSTALLED = (
    select(
        Installation.id,
        Installation.version_id,
        Installation.architecture,
        Installation.scope,
        SoftwareVersion.key,
        *_DETAIL_COLUMNS,
    )
    .join(SoftwareVersion, SoftwareVersion.id == Installation.version_id)
    .where(Installation.asset_id == bindparam("asset_id"))
)
_REFRESH = (
    update(Installation.__table__)
    .where(Installation.__table__.c.id == bindparam("row_id"))
    .values(copies=bindparam("n"), **{name: bindparam(f"d_{name}") for name in DETAILS})
)
#: (catalog version key, architecture, scope): what names one installation of an asset.
Ident = tuple[str, str, str]


def details(package: Any) -> tuple[Any, ...]:
    """A package's DETAILS, as the driver returns them stored."""
    return package.install_date, package.source, bool(package.is_system_component), bool(package.is_update)


def refreshed(row_id: int, copies: int, values: tuple[Any, ...]) -> dict[str, Any]:
    """_REFRESH's parameters: an installation's copies and details."""
    return {
        "row_id": row_id,
        "n": copies,
        **{f"d_{name}": v for name, v in zip(DETAILS, values, strict=True)},
    }


def package_idents(packages: Sequence[Any]) -> Iterable[tuple[Ident, CatalogKey, Any]]:
    """Each named package with its installation's identity and its catalog key."""
    for package in packages:
        name = package.name
        if not name or not name.strip():
            continue
        key = catalog_key(name, package.version, package.publisher)
        scope = package.scope if package.scope in SCOPES else "system"
        yield (key.version_key, normalize_architecture(package.architecture), scope), key, package


def installation_row(
    asset_id: uuid.UUID,
    title_id: str | None,
    version_id: int,
    ident: Ident,
    package: Any,
    copies: int,
    now: Any,
) -> dict[str, Any]:
    """A new installation's columns, from the package reported last under its identity."""
    return {
        "asset_id": asset_id, "title_id": title_id, "version_id": version_id, "architecture": ident[1],
        "scope": ident[2], "install_date": package.install_date, "source": package.source,
        "is_system_component": bool(package.is_system_component), "is_update": bool(package.is_update),
        "first_seen": now, "copies": copies,
    }  # fmt: skip


def sync_installations(
    session: Session,
    asset_id: uuid.UUID,
    packages: Sequence[Any],
    *,
    describe: bool = True,
    empty: bool = False,
) -> tuple[int, list[SoftwareChange]]:
    """Make the asset's installations equal the reported packages; the number now installed and what changed
    (not described on a first inventory, whose history is one summary line). `empty`: the asset has none yet
    (its first report), so there is nothing to read."""
    # The catalog key names the version row one to one, so unchanged packages are matched to stored rows without
    # the catalog; packages of one identity are one installation of that many copies (the last one's details).
    wanted: dict[Ident, tuple[CatalogKey, Any]] = {}
    copies: Counter[Ident] = Counter()
    for ident, key, package in package_idents(packages):
        wanted[ident] = (key, package)
        copies[ident] += 1
    # What the asset has, with each version's catalog key: only packages not among them need the catalog.
    # Plain driver tuples (ints and strings need no type processing): an asset has hundreds of installations
    # and this runs on every software change.
    rows = [] if empty else driver_rows(session, _INSTALLED, {"asset_id": asset_id})
    stored = {
        (key, arch, scope): (row_id, version_id, arch, scope)
        for row_id, version_id, arch, scope, key, *_ in rows
    }
    refresh = []  # installations kept whose copies or details changed
    for row_id, _, arch, scope, key, *held in rows:
        ident = (key, arch, scope)
        if ident in wanted and (want := (copies[ident], *details(wanted[ident][1]))) != tuple(held):
            refresh.append(refreshed(row_id, want[0], want[1:]))
    if refresh:
        session.connection().execute(_REFRESH, refresh)
    new_idents = [ident for ident in wanted if ident not in stored]
    gone = [row for ident, row in stored.items() if ident not in wanted]
    known = {row[4]: row[1] for row in rows} if new_idents else {}
    catalog = resolve_catalog(session, (wanted[i][0] for i in new_idents if i[0] not in known))
    names: dict[str, str] = {}  # title ids as 32 hex digits, as the catalog returns them
    versions: dict[int, str] = {}
    by_version: dict[int, CatalogKey] = {}
    added: list[dict[str, Any]] = []
    now = utcnow()
    for ident in new_idents:
        key, package = wanted[ident]
        title_id, version_id = catalog.get(ident[0]) or (None, known[ident[0]])
        if title_id is not None:
            names[title_id] = key.name
        versions[version_id], by_version[version_id] = key.version, key
        added.append(installation_row(asset_id, title_id, version_id, ident, package, copies[ident], now))
    removed: list[Any] = []
    if gone:
        for chunk in _chunks([row[0] for row in gone]):
            session.connection().execute(delete(Installation).where(Installation.id.in_(chunk)))
        stmt = select(SoftwareVersion.id, SoftwareVersion.version, SoftwareTitle.id, SoftwareTitle.name).join(
            SoftwareTitle, SoftwareTitle.id == SoftwareVersion.title_id
        )
        titles: dict[int, str] = {}
        for vid, version, tid, name in driver_rows(
            session, stmt.where(SoftwareVersion.id.in_({row[1] for row in gone}))
        ):
            tid = stored_uuid(tid)
            versions[vid], names[tid], titles[vid] = version, name, tid
        removed = [
            Removed(version_id, titles[version_id], arch, scope) for _, version_id, arch, scope in gone
        ]
    # A version the asset has, now also in another architecture or scope: its title is not loaded yet.
    untitled = {row["version_id"] for row in added if row["title_id"] is None}
    if untitled:
        stmt = select(SoftwareVersion.id, SoftwareVersion.title_id).where(SoftwareVersion.id.in_(untitled))
        titled = dict(driver_rows(session, stmt))
        for row in added:
            if row["title_id"] is None:
                row["title_id"] = stored_uuid(titled[row["version_id"]])
                names[row["title_id"]] = by_version[row["version_id"]].name
    bulk_insert(session, Installation, added, native=("title_id",))
    return len(wanted), pair_changes(added, removed, names, versions) if describe else []


class DeltaMismatch(Exception):
    """A software delta that does not fit the stored installations: the server's copy differs from the
    collector's base, so the section is needed in full."""


def apply_installation_delta(
    session: Session, asset_id: uuid.UUID, added: Sequence[Any], removed: Sequence[Any]
) -> list[SoftwareChange]:
    """Apply the packages added and removed since the section the server stored (a software delta): only the
    installations of the packages named are read and written. What changed, as `sync_installations` says it.

    Raises `DeltaMismatch`, having written no installation, when a removed package is not installed."""
    change: Counter[Ident] = Counter()
    keys: dict[Ident, CatalogKey] = {}
    latest: dict[Ident, Any] = {}
    for ident, key, _ in package_idents(removed):
        change[ident] -= 1
        keys[ident] = key
    for ident, key, package in package_idents(added):
        change[ident] += 1
        keys[ident], latest[ident] = key, package
    if not keys:
        return []
    catalog = resolve_catalog(session, keys.values())
    by_version = {catalog[ident[0]][1]: ident[0] for ident in keys}
    stmt = select(
        Installation.id,
        Installation.version_id,
        Installation.architecture,
        Installation.scope,
        *_DETAIL_COLUMNS,
    ).where(Installation.asset_id == bindparam("asset_id"), Installation.version_id.in_(by_version))
    stored = {
        (by_version[version_id], arch, scope): (row_id, copies, tuple(held))
        for row_id, version_id, arch, scope, copies, *held in driver_rows(
            session, stmt, {"asset_id": asset_id}
        )
    }
    gone, refresh, new = [], [], []
    now = utcnow()
    for ident, key in keys.items():
        row_id, copies, held = stored.get(ident, (None, 0, ()))
        count = copies + change[ident]
        if count < 0 or (count == 0 and ident in latest):  # more removed than stored
            raise DeltaMismatch(f"{key.name} {key.version}".strip())
        title_id, version_id = catalog[ident[0]]
        if count == 0:
            gone.append((row_id, Removed(version_id, title_id, ident[1], ident[2])))
        elif row_id is None:
            new.append(installation_row(asset_id, title_id, version_id, ident, latest[ident], count, now))
        else:  # kept: the details of the package reported last, as the full section would give
            want = details(latest[ident]) if ident in latest else held
            if (count, *want) != (copies, *held):
                refresh.append(refreshed(row_id, count, want))
    connection = session.connection()
    if gone:
        connection.execute(delete(Installation).where(Installation.id.in_([row_id for row_id, _ in gone])))
    if refresh:
        connection.execute(_REFRESH, refresh)
    bulk_insert(session, Installation, new, native=("title_id",))
    names = {catalog[ident[0]][0]: key.name for ident, key in keys.items()}
    versions = {catalog[ident[0]][1]: key.version for ident, key in keys.items()}
    return pair_changes(new, [removed for _, removed in gone], names, versions)


def pair_changes(
    added: Sequence[dict[str, Any]],
    removed: Sequence[Any],
    names: dict[str, str],
    versions: dict[int, str],
) -> list[SoftwareChange]:
    """An upgrade is a removed version of a title paired with an added version of the same title."""
    gone: dict[tuple[str, str, str], list[Any]] = {}
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
