"""work-order items: the actions that move and change services, and note/inspect on any record

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:00:00

New item actions: inspect, move_service, change_service. The check constraint on the action column lists them.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = (
    "'move_asset', 'assign_asset', 'unassign_asset', 'retire_asset', 'change_asset_status', 'replace_component', "
    "'note', 'assign_service', 'activate_service', 'disconnect_service', 'activate_jack'"
)
NEW = (
    "'move_asset', 'assign_asset', 'unassign_asset', 'retire_asset', 'change_asset_status', 'replace_component', "
    "'note', 'inspect', 'assign_service', 'move_service', 'change_service', 'activate_service', "
    "'disconnect_service', 'activate_jack'"
)


def _actions(values: str) -> None:
    with op.batch_alter_table("work_order_items") as batch_op:
        batch_op.drop_constraint(op.f("ck_work_order_items_action"), type_="check")
        batch_op.create_check_constraint(op.f("ck_work_order_items_action"), f"action IN ({values})")


def upgrade() -> None:
    _actions(NEW)


def downgrade() -> None:
    op.execute("DELETE FROM work_order_items WHERE action IN ('inspect', 'move_service', 'change_service')")
    _actions(OLD)
