from tests.api.ingest.conftest import settings

__all__ = ["settings"]
