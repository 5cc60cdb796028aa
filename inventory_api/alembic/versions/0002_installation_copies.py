"""software_installations.copies: how many reported packages an installation stands for

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 11:40:00

Rows inventoried before it count one copy each; a machine whose reports held two packages of one installation
gets the right count at its next report of the software section in full.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("software_installations") as batch_op:
        batch_op.add_column(sa.Column("copies", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("software_installations") as batch_op:
        batch_op.drop_column("copies")
