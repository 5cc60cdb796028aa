"""Set-based writes for the asset import: many rows per statement, and change positions given at commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Table, func, select, text
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.changeseq import _reserve as reserve_change_seq
from inventory_api.history.models import ChangeEvent

STAGING = "import_assets_staging"
#: Number the rows without a change position (PostgreSQL and SQLite ≥ 3.33 both take UPDATE … FROM).
NUMBER_PENDING = text(
    "UPDATE assets SET change_seq = numbered.seq FROM (SELECT id, :first - 1 + row_number() OVER (ORDER BY id) "
    "AS seq FROM assets WHERE change_seq IS NULL) AS numbered WHERE assets.id = numbered.id"
)


def copy_rows(
    session: Session, table_name: str, columns: list[str], json_columns: set[str], rows: list[dict]
) -> None:
    """COPY rows into a PostgreSQL table on the session's own connection (inside its transaction)."""
    from psycopg.types.json import Jsonb

    cursor = session.connection().connection.dbapi_connection.cursor()
    names = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table_name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [Jsonb(row[c]) if c in json_columns and row[c] is not None else row[c] for c in columns]
            )


def _json_columns(table: Table) -> set[str]:
    return {c.name for c in table.c if isinstance(c.type, JSON)}


class AssetWriter:
    """Writes new assets and their history; every asset written gets its change position just before commit.

    On PostgreSQL new assets are COPied into a temporary table and moved into `assets` at the end with their
    positions, in one INSERT … SELECT; elsewhere they are inserted at once and numbered by one UPDATE.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self.staged = False
        self.columns: list[str] | None = None

    def add_assets(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if not self.postgres:
            self.session.connection().execute(Asset.__table__.insert(), rows)
            return
        if not self.staged:
            self.session.execute(
                text(f"CREATE TEMP TABLE {STAGING} (LIKE assets INCLUDING DEFAULTS) ON COMMIT DROP")
            )
            self.staged = True
        self.columns = self.columns or list(rows[0])
        copy_rows(self.session, STAGING, self.columns, _json_columns(Asset.__table__), rows)

    def add_history(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        table = ChangeEvent.__table__
        if self.postgres:
            copy_rows(self.session, table.name, list(rows[0]), _json_columns(table), rows)
        else:
            self.session.connection().execute(table.insert(), rows)

    def before_commit(self) -> None:
        """Take positions from the change sequence for every asset written (its row lock is held until commit)."""
        session = self.session
        pending = (
            session.scalar(select(func.count()).select_from(Asset).where(Asset.change_seq.is_(None))) or 0
        )
        staged = session.scalar(text(f"SELECT count(*) FROM {STAGING}")) if self.staged else 0
        if not pending and not staged:
            return
        last = reserve_change_seq(session, pending + staged)
        first = last - pending - staged + 1
        if pending:
            session.execute(NUMBER_PENDING, {"first": first})
        if staged:
            names = ", ".join(f'"{c}"' for c in self.columns or [])
            session.execute(
                text(
                    f"INSERT INTO assets ({names}, change_seq) SELECT {names}, "
                    f":first - 1 + row_number() OVER (ORDER BY id) FROM {STAGING}"
                ),
                {"first": first + pending},
            )
