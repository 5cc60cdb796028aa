"""Software installations no longer check their title and version against the catalog on every row.

The catalog is append-only and its ids come from committed rows or the same transaction's inserts; the two checks
per installation row cost a first report of ~900 packages 25–28 ms of PostgreSQL CPU instead of 16–17
(benchmarks/fleet_hour.py). The asset's foreign key stays (a purge cascades through it).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 07:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "software_installations"
KEYS = {"title_id": "software_titles", "version_id": "software_versions"}


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch_op:
        for column, referred in KEYS.items():
            batch_op.drop_constraint(f"fk_{TABLE}_{column}_{referred}", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table(TABLE) as batch_op:
        for column, referred in KEYS.items():
            batch_op.create_foreign_key(f"fk_{TABLE}_{column}_{referred}", referred, [column], ["id"])
