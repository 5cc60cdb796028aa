import pytest

from inventory_api.settings import Settings
from tests.api.ingest.reports import make_secret, make_site


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
