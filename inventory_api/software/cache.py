"""A per-process cache of the shared software catalog: version key → (title id, version id) and title key →
title id, committed rows only.

The catalog is append-only: the service never deletes or changes a title or version row, so an id once committed
stays right for as long as the database lives. Rows a transaction reads or writes are cached only after that
transaction commits (SQLite inserts them in the report's transaction, which may still roll back), and never from
inside a savepoint. Whatever deletes or rewrites catalog rows in place (a test emptying the tables under a
running app) calls `clear_catalog_caches()` after its commit; a database restored or edited by hand under a
running server needs the server restarted. One cache per connection pool, so two databases in one process (the
tests' SQLite and PostgreSQL) never share ids; each worker process has its own.
"""

from __future__ import annotations

import threading
import uuid
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

#: Entries kept per database at most (two generations of half each): ~280 bytes an entry, ~27 MiB in all.
MAX_ENTRIES = 100_000
_STAGED = "software_catalog_staged"

#: (title id, version id) under a version key; (title id, None) under a title key, which holds no \x1f.
Ids = tuple[uuid.UUID, int | None]


class CatalogCache:
    """Catalog ids of one database, in two generations: a hit in the older one moves the entry to the younger;
    when the younger is full it becomes the older and the older is dropped (LRU-like, no cost per hit)."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.half = max(1, max_entries // 2)
        self.generation = 0  # bumped by clear(): entries staged before it are never added
        self._young: dict[str, Ids] = {}
        self._old: dict[str, Ids] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._young) + len(self._old)

    def lookup(self, keys: Any) -> dict[str, Ids]:
        """The cached ids of those keys that are cached."""
        generation = self.generation  # before the entries: clear() empties them first, then counts
        young, old = self._young, self._old
        found: dict[str, Ids] = {}
        promote: dict[str, Ids] = {}
        for key in keys:
            ids = young.get(key)
            if ids is None:
                ids = old.get(key)
                if ids is None:
                    continue
                promote[key] = ids
            found[key] = ids
        if promote:
            self.add(promote, generation)
        return found

    def add(self, entries: dict[str, Ids], generation: int) -> None:
        """Cache committed rows, unless the cache was cleared since they were read."""
        with self._lock:
            if generation != self.generation:
                return
            self._young.update(entries)
            if len(self._young) >= self.half:
                self._old, self._young = self._young, {}

    def clear(self) -> None:
        with self._lock:
            self._young, self._old = {}, {}
            self.generation += 1


_caches: weakref.WeakKeyDictionary[Any, CatalogCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def catalog_cache(session: Session) -> CatalogCache | None:
    """The cache of the session's database; None when the session is not bound to an engine (a connection's
    transaction may be someone else's, so its commit proves nothing)."""
    bind = session.get_bind()
    if not isinstance(bind, Engine):
        return None
    pool = bind.pool  # an engine with other execution options shares its pool: one database, one cache
    cache = _caches.get(pool)
    if cache is None:
        with _caches_lock:
            cache = _caches.setdefault(pool, CatalogCache())
    return cache


def clear_catalog_caches() -> None:
    """Forget every cached catalog id in this process: call after committing a change that deletes or rewrites
    catalog rows."""
    with _caches_lock:
        caches = list(_caches.values())
    for cache in caches:
        cache.clear()


def remember(session: Session, cache: CatalogCache, entries: dict[str, Ids], generation: int) -> None:
    """Cache rows this transaction read or wrote once it commits; rows seen in a savepoint are not cached.

    `generation`: the cache's, taken before the rows were read (a clear after that refuses them)."""
    if not entries or session.in_nested_transaction():
        return
    staged = session.info.get(_STAGED)
    if staged is None:
        session.info[_STAGED] = [cache, generation, dict(entries)]
    elif staged[0] is cache:
        staged[2].update(entries)
        if staged[1] != generation:  # a clear in between: the earlier rows may be gone
            staged[1] = -1


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    # Also fired when a savepoint is released: only the outermost commit makes the rows everyone's.
    if session.in_nested_transaction():
        return
    staged = session.info.pop(_STAGED, None)
    if staged is not None:
        cache, generation, entries = staged
        cache.add(entries, generation)


@event.listens_for(Session, "after_transaction_end")
def _discard(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit: forget what it saw
        session.info.pop(_STAGED, None)
