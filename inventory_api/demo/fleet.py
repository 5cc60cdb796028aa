"""The equipment: a computer, monitors, an IP phone, a dock and a headset per person; stock, repairs and retired
machines; printers; each phone's extension, DID and voicemail from the site's pools; desks plugged into jacks."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from inventory_api.assets.identity import normalise_hostname, normalise_serial
from inventory_api.assets.models import Asset
from inventory_api.assignments.models import Assignment
from inventory_api.cabling.models import AssetConnection
from inventory_api.catalog import service as catalog
from inventory_api.demo import inventory
from inventory_api.demo.context import Demo, Machine, Person, Site, history
from inventory_api.demo.vocab import MODELS
from inventory_api.history.models import ChangeEvent
from inventory_api.numbers.models import NumberRecord
from inventory_api.services.models import Service, ServiceAsset

PRICES = {"desktop": 900, "laptop": 1400, "monitor": 220, "ip_phone": 180, "docking_station": 250, "headset": 150,
          "webcam": 90, "printer": 1200, "switch": 4800}  # fmt: skip
LAPTOP_SHARE = {"Sales": 0.9, "R&D": 0.6, "IT": 0.7, "Marketing": 0.6}
SPARE_SHARE, REPAIR_SHARE, RETIRED_SHARE = 0.03, 0.01, 0.04


def make_catalog(demo: Demo, session: Session) -> None:
    """Every manufacturer (with its aliases) and model of the vocabulary, through the catalog service."""
    catalog.seed_manufacturers(session)
    for kind, models in MODELS.items():
        for maker_name, name, end_of_life, _ in models:
            maker = catalog.normalise_manufacturer(session, maker_name)
            model = catalog.create_model(
                session, {"manufacturer_id": maker.id, "name": name, "kind": kind, "end_of_life": end_of_life}
            )
            demo.models[name] = (model.id, maker.id, maker.name, kind)
    session.flush()


def _model_for(demo: Demo, kind: str, bought: date) -> str:
    """An old model for a machine bought over five years ago, else one of the current ones by share."""
    models = MODELS[kind]
    if kind in ("desktop", "laptop") and (demo.now.date() - bought).days > 5 * 365:
        return models[0][1]
    return demo.pick([(name, weight) for _, name, eol, weight in models if eol is None or len(models) == 1])


def add_asset(
    demo: Demo, kind: str, model: str | None, site: Site, location: Any, *, person: Person | None = None,
    name: str | None = None, status: str = "deployed", bought: date | None = None, hostname: str | None = None,
    last_seen: datetime | None = None,
) -> uuid.UUID:  # fmt: skip
    """One asset row (and its "created" history entry); returns its id."""
    bought = bought or (demo.now - timedelta(days=demo.rng.uniform(30, 2200))).date()
    model = model or _model_for(demo, kind, bought)
    model_id, maker_id, maker, _ = demo.models[model]
    serial = f"{maker[:2].upper()}{demo.rng.getrandbits(44):011X}"
    asset_id = demo.uuid()
    created = datetime.combine(bought, datetime.min.time(), demo.now.tzinfo) + timedelta(hours=9)
    years = 5 if kind in ("switch", "printer") or demo.rng.random() < 0.2 else 3
    demo.add(Asset, {
        "id": asset_id, "kind": kind, "status": status, "name": name or f"{model} {serial[-5:]}",
        "asset_tag": f"INV-{demo.change_seq + 1:07}", "serial": serial, "serial_key": normalise_serial(serial),
        "manufacturer_id": maker_id, "model_id": model_id, "hostname": hostname,
        "hostname_key": normalise_hostname(hostname), "site_id": site.id, "location_id": location,
        "assigned_person_id": person.id if person else None, "parent_id": None, "purchase_date": bought,
        "cost": Decimal(round(PRICES[kind] * demo.rng.uniform(0.85, 1.15))), "currency": "EUR",
        "supplier": demo.rng.choice(("Bechtle", "CDW", "Insight", "SHI")),
        "warranty_end": bought.replace(year=bought.year + years) if bought.month != 2 or bought.day != 29 else None,
        "custom_fields": {}, "attributes": {}, "first_seen": created if last_seen else None, "last_seen": last_seen,
        "change_seq": demo.next_seq(), "created_at": created, "updated_at": created, "version": 1,
    })  # fmt: skip
    demo.add(ChangeEvent, history(asset_id, "asset", "created", f"{kind} created", created))
    return asset_id


def make_fleet(demo: Demo) -> None:
    """Each person's equipment, then stock, machines in repair, retired ones and printers per site."""
    for n, person in enumerate(demo.people, start=1):
        _equip(demo, person, n)
    for site in demo.sites:
        people = sum(1 for p in demo.people if p.site is site)
        store = site.rooms[0].id  # the first room of the site is the IT store
        for i in range(max(2, round(people * (SPARE_SHARE + REPAIR_SHARE + RETIRED_SHARE)))):
            kind = "laptop" if i % 2 else "desktop"
            share = demo.rng.random() * (SPARE_SHARE + REPAIR_SHARE + RETIRED_SHARE)
            status = (
                "in_stock"
                if share < SPARE_SHARE
                else "in_repair"
                if share < SPARE_SHARE + REPAIR_SHARE
                else "retired"
            )
            bought = (demo.now - timedelta(days=demo.rng.uniform(1900, 2600) if status == "retired" else
                                           demo.rng.uniform(10, 900))).date()  # fmt: skip
            asset = add_asset(demo, kind, None, site, store, status=status, bought=bought,
                              name=f"{site.code}-STOCK-{i + 1:04}")  # fmt: skip
            demo.machines.append(
                Machine(asset, kind, f"{site.code}-STOCK-{i + 1:04}", "", site, None, status)
            )
        for r, room in enumerate(site.rooms[1::20]):
            add_asset(demo, "printer", None, site, room.id, name=f"PRN-{site.code}-{r + 1:03}",
                      hostname=f"prn-{site.code.lower()}-{r + 1:03}")  # fmt: skip


def _equip(demo: Demo, person: Person, n: int) -> None:
    site, room, rng = person.site, person.room, demo.rng
    kind = "laptop" if rng.random() < LAPTOP_SHARE.get(person.department, 0.35) else "desktop"
    bought = (demo.now - timedelta(days=rng.uniform(20, 2400))).date()
    model = _model_for(demo, kind, bought)
    host = f"{site.code.lower()}-{'nb' if kind == 'laptop' else 'pc'}{n:05}"
    seen = inventory.last_seen(demo)
    computer = add_asset(demo, kind, model, site, room.id, person=person, name=host.upper(), bought=bought,
                         hostname=f"{host}.corp.example.org", last_seen=seen)  # fmt: skip
    person.assets["computer"] = [computer]
    demo.machines.append(Machine(computer, kind, host.upper(), model, site, person, "deployed"))
    inventory.describe(
        demo, computer, kind=kind, model=model, person=person, host=host, bought=bought, seen=seen
    )
    extras = [("monitor", 1), ("monitor", 0.3), ("headset", 0.6)]
    extras += [("docking_station", 0.8)] if kind == "laptop" else [("webcam", 0.25)]
    for extra, share in extras:
        if rng.random() < share:
            asset = add_asset(demo, extra, None, site, room.id, person=person, bought=bought)
            person.assets.setdefault(extra, []).append(asset)
            if extra == "monitor":
                demo.machines.append(Machine(asset, extra, "", "", site, person, "deployed"))
    jack, _, port = room.jacks[person.desk]
    phone = None
    if person.extension:
        phone_model = demo.pick([(name, w) for _, name, _, w in MODELS["ip_phone"]])
        phone = add_asset(demo, "ip_phone", phone_model, site, room.id, person=person, name=f"SEP-{person.extension}",
                          bought=bought)  # fmt: skip
        person.assets["ip_phone"] = [phone]
        demo.machines.append(
            Machine(phone, "ip_phone", f"SEP-{person.extension}", phone_model, site, person, "deployed")
        )
        demo.add(AssetConnection, {"asset_id": phone, "jack_id": jack, "switch_port_id": port, "via_asset_id": None,
                                   "source": "manual", "seen_at": demo.now})  # fmt: skip
        _voice(demo, person, phone, bought)
    if kind == "desktop":
        demo.add(AssetConnection, {"asset_id": computer, "jack_id": jack, "switch_port_id": port,
                                   "via_asset_id": phone, "source": "manual", "seen_at": demo.now})  # fmt: skip
    else:
        at = datetime.combine(bought, datetime.min.time(), demo.now.tzinfo) + timedelta(hours=10)
        demo.add(Assignment, {"id": demo.uuid(), "asset_id": computer, "site_id": site.id, "person_id": person.id,
                              "location_id": None, "checked_out_at": at, "checked_out_by": "demo-data",
                              "expected_return": None, "checked_in_at": None, "checked_in_by": None, "notes": None})  # fmt: skip


def _voice(demo: Demo, person: Person, phone: uuid.UUID, since: date) -> None:
    """The extension on the phone, a DID ringing it (most people) and a voicemail box (most people)."""
    site, ext = person.site, person.extension
    assert ext is not None
    did = site.did_prefix + ext
    wanted = [("extension", ext, {"number": ext, "dial_plan": "default", "class_of_service": "national",
                                  "pickup_group": None, "hunt_groups": []})]  # fmt: skip
    if demo.rng.random() < 0.7:
        wanted.append(("did", did, {"number": did, "extension": ext}))
    if demo.rng.random() < 0.8:
        wanted.append(("voicemail", ext, {"mailbox": ext, "enabled": True, "extension": ext}))
    at = datetime.combine(since, datetime.min.time(), demo.now.tzinfo) + timedelta(hours=11)
    for kind, number, details in wanted:
        service = demo.uuid()
        demo.add(Service, {
            "id": service, "type": kind, "status": "active", "person_id": person.id, "site_id": site.id,
            "location_id": person.room.id, "number": number, "dial_plan": "default", "start_date": since,
            "end_date": None, "cost_centre": person.department, "notes": None, "details": details,
            "emergency_location_stale": False, "emergency_detail": None, "created_at": at, "updated_at": at,
            "version": 1,
        })  # fmt: skip
        if kind in ("extension", "did"):
            demo.add(NumberRecord, {
                "id": demo.uuid(), "kind": kind, "scope": "e164" if kind == "did" else f"{site.id}:default",
                "number": number, "site_id": site.id, "pool_id": site.did_pool if kind == "did" else site.ext_pool,
                "state": "assigned", "service_id": service, "note": None, "quarantine_until": None,
                "created_at": at, "updated_at": at,
            })  # fmt: skip
        if kind == "extension":
            demo.add(ServiceAsset, {"service_id": service, "asset_id": phone})
