"""Send the requesters' e-mails that are due (inventory_api/notify)."""

from datetime import datetime

from inventory_api.db import Database
from inventory_api.notify.service import send_due
from inventory_api.settings import Settings


def run(db: Database, now: datetime, settings: Settings) -> dict[str, int]:
    return {"mailed": send_due(db, now, settings)}
