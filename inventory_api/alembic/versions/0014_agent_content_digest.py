"""An agent's kept inventory carries its digest: an unchanged one is not written again.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("collectors") as batch_op:
        batch_op.add_column(sa.Column("agent_content_digest", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("collectors") as batch_op:
        batch_op.drop_column("agent_content_digest")
