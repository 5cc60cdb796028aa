"""Every table of the service, imported in one place for Alembic and the tests."""

from inventory_api import changeseq, idempotency
from inventory_api.assets import models as assets
from inventory_api.assignments import models as assignments
from inventory_api.auth import models as auth
from inventory_api.cabling import models as cabling
from inventory_api.catalog import models as catalog
from inventory_api.custom_reports import models as custom_reports
from inventory_api.db import Base
from inventory_api.events import models as events
from inventory_api.history import models as history
from inventory_api.imports import models as imports
from inventory_api.ingest import models as ingest
from inventory_api.inventory import models as inventory
from inventory_api.locations import models as locations
from inventory_api.notify import models as notify
from inventory_api.numbers import models as numbers
from inventory_api.people import models as people
from inventory_api.services import models as services
from inventory_api.sla import models as sla
from inventory_api.software import models as software
from inventory_api.webhooks import models as webhooks
from inventory_api.workorders import models as workorders

__all__ = ["Base", "assets", "auth", "catalog", "events", "history", "locations", "people"]
__all__ += [
    "changeseq",
    "idempotency",
    "sla",
    "webhooks",
    "workorders",
]  # work orders, SLA, sync, idempotency
__all__ += ["ingest", "inventory", "software"]  # collectors, reported components, software catalog
__all__ += ["assignments", "cabling", "imports", "numbers", "services"]  # voice/data, services, numbers
__all__ += ["custom_reports", "notify"]  # saved reports, e-mails to requesters
