"""Record SLA events (at risk, breached) of the work orders' clocks."""

from datetime import datetime

from inventory_api.db import Database
from inventory_api.settings import Settings
from inventory_api.sla.breaches import find_sla_events, record_sla_events


def run(db: Database, now: datetime, settings: Settings) -> dict[str, int]:
    # Computing the clocks only reads: on SQLite the write lock is taken only when there is something to record.
    with db.sessions() as session:
        found = find_sla_events(session, now, at_risk_percent=settings.sla_at_risk_percent)
    with db.transaction() as session:
        return {"sla_events": record_sla_events(session, found, now)}
