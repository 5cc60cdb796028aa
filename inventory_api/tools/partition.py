"""Hash-partition `software_installations` by asset on PostgreSQL, in place, without a change to the code.

    python -m inventory_api.tools.partition postgresql://user@host/db [--partitions 16]

Every query of the service reaches an asset's installations through `asset_id`, and the table's one unique key
starts with it, so the table partitions by `asset_id` (and distributes by it with Citus) as it is. The primary key
becomes (`asset_id`, `id`): PostgreSQL requires the partition key in every unique constraint; `id` stays unique
(one sequence) and the service never looks an installation up by `id` alone. Run it with the service stopped:
it rewrites the table in one transaction.
"""

from __future__ import annotations

import argparse

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

TABLE = "software_installations"


def partition_statements(partitions: int) -> list[str]:
    """The SQL that turns the plain table into `partitions` hash partitions on asset_id, rows and names kept."""
    new = f"{TABLE}_partitioned"
    statements = [
        f"CREATE TABLE {new} (LIKE {TABLE} INCLUDING DEFAULTS) PARTITION BY HASH (asset_id)",
        *(
            f"CREATE TABLE {TABLE}_p{n} PARTITION OF {new} FOR VALUES WITH (MODULUS {partitions}, REMAINDER {n})"
            for n in range(partitions)
        ),
        f"INSERT INTO {new} SELECT * FROM {TABLE}",
        # The sequence behind id outlives the old table, which owned it.
        f"ALTER SEQUENCE {TABLE}_id_seq OWNED BY NONE",
        f"DROP TABLE {TABLE}",
        f"ALTER TABLE {new} RENAME TO {TABLE}",
        f"ALTER SEQUENCE {TABLE}_id_seq OWNED BY {TABLE}.id",
        f"ALTER TABLE {TABLE} ADD CONSTRAINT pk_{TABLE} PRIMARY KEY (asset_id, id)",
        f"ALTER TABLE {TABLE} ADD CONSTRAINT uq_{TABLE}_key UNIQUE (asset_id, version_id, architecture, scope)",
        f"ALTER TABLE {TABLE} ADD CONSTRAINT fk_{TABLE}_asset_id_assets FOREIGN KEY (asset_id)"
        " REFERENCES assets (id) ON DELETE CASCADE",
        f"CREATE INDEX ix_{TABLE}_version ON {TABLE} (version_id)",
        f"CREATE INDEX ix_{TABLE}_title ON {TABLE} (title_id)",
        f"ANALYZE {TABLE}",
    ]
    return statements


def partition_installations(engine: Engine, partitions: int = 16) -> None:
    """Rewrite the table as hash partitions in one transaction (PostgreSQL only)."""
    if engine.dialect.name != "postgresql":
        raise ValueError("partitioning needs PostgreSQL")
    with engine.begin() as conn:
        for statement in partition_statements(partitions):
            conn.execute(text(statement))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the service's PostgreSQL URL")
    parser.add_argument("--partitions", type=int, default=16)
    args = parser.parse_args()
    partition_installations(create_engine(args.url), args.partitions)
    print(f"{TABLE}: {args.partitions} hash partitions on asset_id")


if __name__ == "__main__":
    main()
