"""Bulk inserts of a report's new rows: COPY on PostgreSQL, the driver's executemany on SQLite."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, insert
from sqlalchemy.orm import Session


def _convert(proc: Any, values: list[Any]) -> list[Any]:
    """One column's values in the driver's form; a column with one value on every row (the asset id, the time)
    is converted once."""
    if proc is None:
        return values
    first = values[0]
    if all(v is first for v in values):
        return [proc(first)] * len(values)
    return [proc(v) for v in values]


def bulk_insert(
    session: Session, model: Any, rows: Sequence[dict[str, Any]], *, native: Collection[str] = ()
) -> None:
    """Insert rows that all name the same columns, in the session's transaction.

    On PostgreSQL this is COPY: executemany costs one round trip per row, COPY one stream for all of them
    (a first report inserts up to ~1 500 installations). `native`: columns whose values are already as SQLite
    stores them (a UUID as 32 hex digits, which COPY also takes), written without conversion.
    """
    if not rows:
        return
    table = model.__table__
    connection = session.connection()
    columns = list(rows[0])
    if connection.dialect.name == "sqlite":
        # The DB-API's executemany with each column's own bind processor: SQLAlchemy's per-row parameter
        # handling costs more than SQLite's insert itself.
        dialect = connection.dialect
        procs = [None if c in native else table.c[c].type._cached_bind_processor(dialect) for c in columns]
        converted = [_convert(proc, [row[c] for row in rows]) for c, proc in zip(columns, procs, strict=True)]
        params = list(zip(*converted, strict=True))
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        cursor = connection.connection.driver_connection.cursor()
        try:
            cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', params)
        finally:
            cursor.close()
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return
    from psycopg.types.json import Jsonb

    raw = connection.connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    pick = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    json_columns = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            values = pick(row)
            if json_columns:
                values = list(values)
                for i in json_columns:
                    if values[i] is not None:
                        values[i] = Jsonb(values[i])
            copy.write_row(values)
