"""Flags that ingest raises on an asset for a technician to look at (clone, takeover, retired asset reporting …)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from inventory_api.assets.flags import raise_flag
from inventory_api.assets.models import Asset

#: The flags ingest raises, and what each means (docs/ingest.md lists them).
FLAG_KINDS = {
    "identity_conflict": "a report's hardware identity differs from the key's asset (cloned image or stolen key)",
    "possible_clone": "a second collector enrolled onto an asset whose key reported recently",
    "duplicate_identifier": "another asset already holds one of this machine's identifiers (cloned image)",
    "reported_while_retired": "a retired, disposed or deleted asset reported again",
    "clock_skew": "the collector's clock differs from the server's by more than the configured limit",
    "stale": "not seen for longer than the configured number of days",
}


def flag_asset(session: Session, asset_id: uuid.UUID, kind: str, detail: dict[str, Any]) -> None:
    """Open a flag of this kind on the asset unless one is open already (the registry's flags)."""
    asset = session.get(Asset, asset_id)
    if asset is not None:
        raise_flag(session, asset, kind, detail)
