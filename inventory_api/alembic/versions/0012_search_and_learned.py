"""The search box finds a work order by the ticketing system's reference alone; a connection may be learned from a
switch's MAC table (the GLPI agent's network inventory).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 03:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sources(values: str) -> None:
    with op.batch_alter_table("asset_connections") as batch_op:
        batch_op.drop_constraint(op.f("ck_asset_connections_source"), type_="check")
        batch_op.create_check_constraint(op.f("ck_asset_connections_source"), f"source IN ({values})")


def upgrade() -> None:
    op.create_index("ix_work_orders_external_id", "work_orders", ["external_id"])
    _sources("'manual', 'lldp', 'learned'")


def downgrade() -> None:
    op.execute("DELETE FROM asset_connections WHERE source = 'learned'")
    _sources("'manual', 'lldp'")
    op.drop_index("ix_work_orders_external_id", table_name="work_orders")
