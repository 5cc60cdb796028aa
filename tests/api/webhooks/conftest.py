from collections.abc import Iterator
from ipaddress import IPv4Network

import pytest

from inventory_api.settings import Settings
from tests.api.webhooks.receiver import Receiver, start


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(db) -> Settings:
    return Settings(
        database_url=db.url, worker_in_serve=False, _env_file=None,
        webhook_allowed_networks=[IPv4Network("127.0.0.0/8")], webhook_timeout_seconds=15.0,
        webhook_max_attempts=3, webhook_backoff_base_seconds=10, webhook_backoff_max_seconds=3600,
    )  # fmt: skip
