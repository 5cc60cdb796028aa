"""A switch port keeps what the switch itself reported at its last network inventory: the MACs it learned there,
its LLDP/CDP neighbours, and the access VLAN it reported (to tell a technician's value from the switch's).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 06:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("switch_ports") as batch_op:
        batch_op.add_column(sa.Column("learned_macs", JSON, server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("neighbours", JSON, server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("reported_vlan", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("switch_ports") as batch_op:
        batch_op.drop_column("reported_at")
        batch_op.drop_column("reported_vlan")
        batch_op.drop_column("neighbours")
        batch_op.drop_column("learned_macs")
