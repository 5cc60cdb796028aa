"""collectors.agent, collectors.agent_content: other inventory agents report through the same ingest

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 23:30:00

FusionInventory and GLPI agents are admitted by a site's enroll secret and bound to an asset like a collector
(issue #18); `agent` names the kind (NULL: our collector) and `agent_content` keeps a GLPI agent's last inventory
so that a partial one can be completed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("collectors") as batch_op:
        batch_op.add_column(sa.Column("agent", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("agent_content", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("collectors") as batch_op:
        batch_op.drop_column("agent_content")
        batch_op.drop_column("agent")
