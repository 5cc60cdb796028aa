"""Regenerate inventory_api/alembic/versions/0001_initial.py from the models (allowed until the first release ships)."""

import tempfile

from alembic import command

from inventory_api.migrations import SCRIPTS, alembic_config

VERSIONS = SCRIPTS / "versions"


def main() -> None:
    for old in VERSIONS.glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        config = alembic_config(f"sqlite:///{tmp}/empty.db")
        command.revision(config, message="initial schema", autogenerate=True, rev_id="0001")
    for path in VERSIONS.glob("0001_*.py"):
        path.rename(VERSIONS / "0001_initial.py")
    print(f"wrote {VERSIONS / '0001_initial.py'}")


if __name__ == "__main__":
    main()
