"""The search box finds a work order by the ticketing system's reference alone.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_work_orders_external_id", "work_orders", ["external_id"])


def downgrade() -> None:
    op.drop_index("ix_work_orders_external_id", table_name="work_orders")
