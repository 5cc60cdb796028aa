from collections.abc import Iterator

import pytest

from inventory_api.db import Database
from inventory_api.settings import Settings
from tests.api.ingest.reports import make_secret, make_site
from tests.conftest import BACKENDS, open_backend


@pytest.fixture(scope="session", params=(*BACKENDS, "postgresql-partitioned"))
def backend_db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """Ingest also runs with software installations hash-partitioned by asset (docs/scaling.md)."""
    yield from open_backend(request, request.param)


@pytest.fixture
def settings(db, tmp_path) -> Settings:
    """Collectors in tests report back to back: no minimum interval unless a test sets one."""
    return Settings(database_url=db.url, worker_in_serve=False, report_min_interval_seconds=0, _env_file=None)


@pytest.fixture
def site(db):
    return make_site(db)


@pytest.fixture
def secret(db, site):
    """An enroll secret of that site (a module may define its own)."""
    return make_secret(db, site)
