import pytest

from inventory_api.settings import Settings


@pytest.fixture
def settings(db, tmp_path) -> Settings:
    """Collectors in tests report back to back: no minimum interval unless a test sets one."""
    return Settings(database_url=db.url, worker_in_serve=False, report_min_interval_seconds=0, _env_file=None)
