"""Indexes the technicians' pages read by: open orders by state and due time (the queue of every site), history
by subject type in order (recent changes), assets by when last seen (machines not seen), jack labels and place names
and codes in any case (the search box)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 00:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_work_orders_state_due", "work_orders", ["state", "resolution_due_at"])
    op.create_index("ix_change_events_type_id", "change_events", ["subject_type", "id"])
    op.create_index("ix_assets_last_seen", "assets", ["last_seen"])
    op.create_index("ix_jacks_label_lower", "jacks", [sa.text("lower(label)")])
    op.create_index("ix_locations_name_lower", "locations", [sa.text("lower(name)")])
    op.create_index("ix_locations_code_lower", "locations", [sa.text("lower(code)")])


def downgrade() -> None:
    op.drop_index("ix_locations_code_lower", table_name="locations")
    op.drop_index("ix_locations_name_lower", table_name="locations")
    op.drop_index("ix_jacks_label_lower", table_name="jacks")
    op.drop_index("ix_assets_last_seen", table_name="assets")
    op.drop_index("ix_change_events_type_id", table_name="change_events")
    op.drop_index("ix_work_orders_state_due", table_name="work_orders")
