"""Prune history and finished webhook traffic past their retention, a batch per table per pass."""

from datetime import datetime

from inventory_api.db import Database
from inventory_api.retention import prune
from inventory_api.settings import Settings


def run(db: Database, now: datetime, settings: Settings) -> dict[str, int]:
    pruned = prune(db, now, settings)
    return {"pruned_history": pruned["history"], "pruned_outbox_events": pruned["outbox_events"]}
