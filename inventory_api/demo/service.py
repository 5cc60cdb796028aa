"""Fill an empty database with a believable organisation, in one transaction, the same for the same seed."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from inventory_api.assets.models import Asset
from inventory_api.catalog.models import Model
from inventory_api.changeseq import ChangeCounter, reserve_positions
from inventory_api.db import Database, analyze, utcnow
from inventory_api.demo.context import SCALES, Demo
from inventory_api.demo.fleet import make_catalog, make_fleet
from inventory_api.demo.inventory import make_software
from inventory_api.demo.orders import make_orders, make_policies
from inventory_api.demo.organisation import make_people, make_sites, make_technicians
from inventory_api.demo.writer import BulkWriter
from inventory_api.errors import Conflict
from inventory_api.history.service import Actor, set_actor
from inventory_api.locations.models import Location
from inventory_api.numbers.models import NumberPool
from inventory_api.people.models import Person
from inventory_api.sla.models import SlaPolicy
from inventory_api.software.models import SoftwareTitle
from inventory_api.workorders.models import OsSupportDate, WorkOrder

#: Tables that must be empty: the demo would mix with real records (users and tokens may exist already, so that
#: an admin can be made before the demo data).
MUST_BE_EMPTY = (
    Location,
    Person,
    Asset,
    WorkOrder,
    Model,
    SoftwareTitle,
    SlaPolicy,
    OsSupportDate,
    NumberPool,
)


def fill(db: Database, *, scale: str = "small", seed: int = 1, now: datetime | None = None) -> dict[str, Any]:
    """Write the organisation of this scale; refuses (409 `database_not_empty`) a database that holds records.

    Returns the rows written per table and how many SLA events the clocks recorded.
    """
    now = now or utcnow()
    with db.transaction() as session:
        taken = [
            m.__tablename__ for m in MUST_BE_EMPTY if session.scalar(select(func.count()).select_from(m))
        ]
        if taken:
            raise Conflict(
                f"the database already holds records ({', '.join(taken)}); demo data goes into an empty, "
                "migrated database only",
                code="database_not_empty",
            )
        set_actor(session, Actor("system", name="demo-data"))
        demo = Demo(SCALES[scale], random.Random(seed), now, BulkWriter(session.connection()))
        start = session.scalar(select(ChangeCounter.value).where(ChangeCounter.id == 1)) or 0
        demo.change_seq = start
        make_catalog(demo, session)
        make_software(demo, session)
        policies = make_policies(demo, session)
        make_sites(demo)
        make_technicians(demo)
        make_people(demo)
        make_fleet(demo)
        demo.writer.flush()
        events = make_orders(demo, policies)
        demo.writer.flush()
        reserve_positions(session, demo.change_seq - start)
    analyze(db.engine)
    return {"sla_events": events, "tables": dict(sorted(demo.writer.written.items()))}
