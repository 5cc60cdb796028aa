"""Indexes the reports read by: work orders by creation time, the state log by time, time entries by day,
history by time

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_work_orders_created", "work_orders", ["created_at"])
    op.create_index("ix_work_order_state_changes_at", "work_order_state_changes", ["at"])
    op.create_index("ix_work_order_time_entries_date", "work_order_time_entries", ["work_date"])
    op.create_index("ix_change_events_occurred", "change_events", ["occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_change_events_occurred", table_name="change_events")
    op.drop_index("ix_work_order_time_entries_date", table_name="work_order_time_entries")
    op.drop_index("ix_work_order_state_changes_at", table_name="work_order_state_changes")
    op.drop_index("ix_work_orders_created", table_name="work_orders")
