import pytest

from inventory_api.settings import Settings
from tests.api.ingest.reports import make_secret, make_site


@pytest.fixture
def settings(db, tmp_path) -> Settings:
    """Agents in tests report back to back: no minimum interval."""
    return Settings(database_url=db.url, worker_in_serve=False, report_min_interval_seconds=0, _env_file=None)


@pytest.fixture
def secret(db):
    return make_secret(db, make_site(db))
