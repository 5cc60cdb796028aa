"""Rows buffered per table and written with Core executemany in batches, parents before children.

The demo data set is millions of rows: ORM units of work would spend minutes building objects and tracking them,
so the generators hand plain dicts to this writer, which inserts them table by table in the metadata's dependency
order whenever enough have piled up (a child's parent was generated first, so it is either written already or in
the same flush, earlier in that order).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection

from inventory_api.db import Base

BATCH = 5_000
#: Buffered rows (all tables) that trigger a flush: bounds memory on the large scale.
FLUSH_AT = 100_000


class BulkWriter:
    """Buffers rows per table; `flush()` writes them all in foreign-key order."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.pending: dict[Table, list[dict[str, Any]]] = defaultdict(list)
        self.buffered = 0
        self.written: Counter[str] = Counter()

    def add(self, model: Any, row: dict[str, Any]) -> None:
        """Queue one row of `model` (an ORM class or a Table); every row of a table must have the same keys."""
        table = getattr(model, "__table__", model)
        self.pending[table].append(row)
        self.buffered += 1
        if self.buffered >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        for table in Base.metadata.sorted_tables:
            rows = self.pending.pop(table, None)
            if not rows:
                continue
            for start in range(0, len(rows), BATCH):
                self.connection.execute(insert(table), rows[start : start + BATCH])
            self.written[table.name] += len(rows)
        self.buffered = 0
