"""models.key: a model's name without case or extra spaces, unique per maker

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 12:40:00

"OptiPlex 7090" typed in by hand and "OPTIPLEX 7090" reported by SMBIOS were two models of one maker. Models
that are one by the new key are merged into the oldest: their assets point to it and the others are deleted.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

models = sa.table(
    "models", sa.column("id", sa.Uuid()), sa.column("manufacturer_id", sa.Uuid()), sa.column("name", sa.String()),
    sa.column("key", sa.String()), sa.column("created_at"),
)  # fmt: skip
assets = sa.table("assets", sa.column("model_id", sa.Uuid()))


def upgrade() -> None:
    with op.batch_alter_table("models") as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=200), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(models.c.id, models.c.manufacturer_id, models.c.name).order_by(
            models.c.created_at, models.c.id
        )
    ).all()
    kept: dict[tuple[object, str], object] = {}
    for model_id, maker_id, name in rows:
        key = " ".join(name.split()).casefold()  # as inventory_api.catalog.normalise.model_key today
        first = kept.setdefault((maker_id, key), model_id)
        if first == model_id:
            bind.execute(models.update().where(models.c.id == model_id).values(key=key))
        else:
            bind.execute(assets.update().where(assets.c.model_id == model_id).values(model_id=first))
            bind.execute(models.delete().where(models.c.id == model_id))
    with op.batch_alter_table("models") as batch_op:
        batch_op.alter_column("key", existing_type=sa.String(length=200), nullable=False)
        batch_op.drop_constraint("uq_models_manufacturer_id_name", type_="unique")
        batch_op.create_unique_constraint("uq_models_manufacturer_id_key", ["manufacturer_id", "key"])


def downgrade() -> None:
    with op.batch_alter_table("models") as batch_op:
        batch_op.drop_constraint("uq_models_manufacturer_id_key", type_="unique")
        batch_op.create_unique_constraint("uq_models_manufacturer_id_name", ["manufacturer_id", "name"])
        batch_op.drop_column("key")
