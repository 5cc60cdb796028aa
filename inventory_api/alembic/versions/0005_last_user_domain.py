"""inv_systems.last_user_domain: the domain of the last signed-in account, apart from the account

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 09:00:00

Windows names the last user ".\\maria", "CORP\\jdoe", "AzureAD\\MariaLopez" or "maria@example.com"; report schema
1.2 sends the account and its domain apart. Rows stored before keep their text until the machine's next report.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inv_systems") as batch_op:
        batch_op.add_column(sa.Column("last_user_domain", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inv_systems") as batch_op:
        batch_op.drop_column("last_user_domain")
