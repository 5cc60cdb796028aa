"""Bulk inserts of a report's new rows: COPY on PostgreSQL, one executemany on SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session


def bulk_insert(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows that all name the same columns, in the session's transaction.

    On PostgreSQL this is COPY: executemany costs one round trip per row, COPY one stream for all of them
    (a first report inserts up to ~1 500 installations).
    """
    if not rows:
        return
    table = model.__table__
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), list(rows))
        return
    from psycopg.types.json import Jsonb

    columns = list(rows[0])
    raw = connection.connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([Jsonb(v) if isinstance(v, dict | list) else v for v in (row[c] for c in columns)])
