"""Alembic environment: the service's models and database URL."""

from alembic import context

from inventory_api.db import make_engine
from inventory_api.models import Base
from inventory_api.settings import get_settings

config = context.config
url = config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations() -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it into a new one and dropping the old: with foreign keys enforced,
            # dropping a table that other rows reference (models, by assets) fails. Off for the migration (a
            # pragma that only takes effect outside a transaction: on the driver's connection, before BEGIN), and
            # the references are checked once it is done.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection, target_metadata=Base.metadata, render_as_batch=sqlite, compare_type=True
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"the migration left rows whose references are broken: {broken[:5]}")
    engine.dispose()


run_migrations()
