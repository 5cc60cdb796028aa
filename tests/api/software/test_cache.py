"""The per-process catalog cache: committed rows only, none from a rollback or a savepoint, cleared on reset."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

from sqlalchemy import event, select

from collector.report import Package
from inventory_api.assets.models import Asset
from inventory_api.locations.models import Location
from inventory_api.software.cache import CatalogCache, catalog_cache, clear_catalog_caches
from inventory_api.software.models import Installation, SoftwareVersion
from inventory_api.software.normalize import catalog_key
from inventory_api.software.service import resolve_catalog, sync_installations
from tests.conftest import empty_tables

KEYS = [catalog_key("Mozilla Firefox", "128.0", "Mozilla"), catalog_key("7-Zip", "23.01", "Igor Pavlov")]


@contextmanager
def catalog_reads(db, table: str = "software_versions"):
    """The statements that name the table while the block runs."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if table in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def stored(db) -> dict[str, tuple[str, int]]:
    """The catalog's ids as resolve_catalog returns them: title ids as 32 hex digits (as SQLite stores them)."""
    with db.sessions() as s:
        return {
            k: (t.hex, v)
            for k, t, v in s.execute(
                select(SoftwareVersion.key, SoftwareVersion.title_id, SoftwareVersion.id)
            )
        }


def cache_of(db) -> CatalogCache:
    with db.write_sessions() as s:
        return catalog_cache(s)


def test_known_packages_resolve_without_reading_the_database(db):
    with catalog_reads(db) as seen, db.transaction() as s:
        first = resolve_catalog(s, KEYS)
    assert first == stored(db)
    assert seen  # looked up, inserted, read back
    with catalog_reads(db) as seen, db.transaction() as s:
        again = resolve_catalog(s, KEYS)
    assert again == first
    assert seen == []


def test_a_new_version_of_a_cached_title_reads_no_title(db):
    with db.transaction() as s:
        resolve_catalog(s, KEYS)
    with catalog_reads(db, "software_titles") as titles, db.transaction() as s:
        ids = resolve_catalog(s, [catalog_key("Mozilla Firefox", "128.1", "Mozilla")])
    assert titles == []
    assert ids == {k: v for k, v in stored(db).items() if k.endswith("128.1")}
    assert ids["mozilla firefox\x1f128.1"][0] == stored(db)[KEYS[0].version_key][0]


def test_rows_seen_in_a_rolled_back_transaction_are_not_cached(db):
    """SQLite: the new rows themselves are rolled back; PostgreSQL: they were committed on their own, but are
    cached only through a transaction that commits."""
    with db.write_sessions() as s:
        resolve_catalog(s, KEYS)
        s.rollback()
    assert len(cache_of(db)) == 0
    assert len(stored(db)) == (0 if db.is_sqlite else 2)
    with db.write_sessions() as s:  # closed without a commit
        resolve_catalog(s, KEYS)
    assert len(cache_of(db)) == 0
    with db.transaction() as s:
        ids = resolve_catalog(s, KEYS)
    assert ids == stored(db)
    assert len(cache_of(db)) == 4  # two versions and their titles


def test_rows_seen_inside_a_savepoint_are_not_cached(db):
    with db.transaction() as s:
        with s.begin_nested():
            resolve_catalog(s, KEYS[:1])
        savepoint = s.begin_nested()
        resolve_catalog(s, KEYS[1:])
        savepoint.rollback()
    assert len(cache_of(db)) == 0
    with db.transaction() as s:
        ids = resolve_catalog(s, KEYS)
    assert ids == stored(db)


def test_a_cleared_cache_takes_nothing_read_before_the_clear(db):
    with db.transaction() as s:
        resolve_catalog(s, KEYS)
        clear_catalog_caches()  # e.g. a reset committed while this transaction ran
    assert len(cache_of(db)) == 0


def test_rows_read_while_the_cache_is_cleared_are_not_cached(db):
    """A clear that comes after the rows were read but before they are staged still refuses them."""
    with db.transaction() as s:
        resolve_catalog(s, KEYS)
    clear_catalog_caches()

    def clear_on_read(_conn, _cursor, statement, *_args):
        if "FROM software_versions" in statement:
            clear_catalog_caches()

    event.listen(db.engine, "before_cursor_execute", clear_on_read)
    try:
        with db.transaction() as s:
            ids = resolve_catalog(s, KEYS)
    finally:
        event.remove(db.engine, "before_cursor_execute", clear_on_read)
    assert len(cache_of(db)) == 0
    assert ids == stored(db)


def install_7zip_on_a_new_desktop(s) -> None:
    site = Location(kind="site", name="HQ")
    s.add(site)
    s.flush()
    asset = Asset(kind="desktop", status="deployed", site_id=site.id)
    s.add(asset)
    s.flush()
    sync_installations(s, asset.id, [Package(name="7-Zip", version="23.01")], empty=True)


def test_a_reset_database_gets_fresh_ids(db):
    """Emptying the tables under a running app (the tests do it after each test) clears the cache: the ids of
    the new rows are read, not the ones cached before."""
    with db.transaction() as s:
        install_7zip_on_a_new_desktop(s)
    before = stored(db)
    empty_tables(db)
    with db.transaction() as s:
        resolve_catalog(s, [catalog_key("Notepad++", "8.6", None)])  # takes the ids the old rows had
        install_7zip_on_a_new_desktop(s)
    after = stored(db)
    key = KEYS[1].version_key
    assert after[key] != before[key]
    with db.sessions() as s:
        title_id, version_id = s.execute(select(Installation.title_id, Installation.version_id)).one()
    assert (title_id.hex, version_id) == after[key]


def test_entries_are_bounded_and_hits_stay():
    cache = CatalogCache(max_entries=4)
    hot = {"hot": (uuid.uuid4(), 1)}
    cache.add(hot, cache.generation)
    for n in range(20):
        cache.add({f"k{n}": (uuid.uuid4(), n + 2)}, cache.generation)
        assert len(cache) <= 4
        assert cache.lookup(["hot"]) == hot  # a hit moves it to the young generation
    cache.clear()
    assert len(cache) == 0
    cache.add(hot, cache.generation - 1)  # read before the clear
    assert len(cache) == 0
