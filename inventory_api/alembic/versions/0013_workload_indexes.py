"""The workload report reads a period of the state log and of the time entries from their indexes alone.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 03:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_work_order_state_changes_at": ("work_order_state_changes", ["at"], ["at", "to_state", "from_state", "work_order_id"]),
    "ix_work_order_time_entries_date": (
        "work_order_time_entries", ["work_date"], ["work_date", "work_order_id", "technician_id", "minutes"]),
}  # fmt: skip


def _swap(wide: bool) -> None:
    for name, (table, narrow_columns, wide_columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, wide_columns if wide else narrow_columns)


def upgrade() -> None:
    _swap(wide=True)


def downgrade() -> None:
    _swap(wide=False)
