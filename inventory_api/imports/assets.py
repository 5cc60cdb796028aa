"""Import assets in batches (upsert by asset tag, or by maker and serial): the path that must take 100 000 rows.

Rows are checked one by one, then each batch is read and written with a few set-based statements (one select of
the existing rows, one multi-row insert, one insert of history rows) instead of one ORM round trip per asset.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inventory_api.assets.identity import normalise_hostname, normalise_serial
from inventory_api.assets.models import ASSET_KINDS, ASSET_STATUSES, STATUS_TRANSITIONS, Asset
from inventory_api.catalog import service as catalog
from inventory_api.catalog.normalise import model_key
from inventory_api.db import utcnow
from inventory_api.history.service import current_actor
from inventory_api.history.service import plain as _plain
from inventory_api.imports.bulk import AssetWriter
from inventory_api.imports.context import ImportContext, as_date, as_decimal, required
from inventory_api.imports.readers import RowError

BATCH = 2000
COLUMNS = ("asset_tag", "serial", "kind", "status", "name", "hostname", "site", "location", "manufacturer", "model",
           "assigned_to", "purchase_date", "warranty_end", "cost", "currency", "supplier", "notes")  # fmt: skip
#: Stored fields an import may set; a column missing from the file leaves the field as it is.
FIELDS = ("kind", "status", "name", "asset_tag", "serial", "serial_key", "hostname", "hostname_key", "site_id",
          "location_id", "manufacturer_id", "model_id", "assigned_person_id", "purchase_date", "warranty_end",
          "cost", "currency", "supplier", "notes")  # fmt: skip
_PLAIN = {"name": "name", "supplier": "supplier", "notes": "notes"}


def plain(value: Any) -> Any:
    """A value as a history record holds it (ids and amounts as text, dates as ISO text)."""
    if value is None or isinstance(value, str | int):
        return value
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return _plain(value)


class AssetImporter:
    """Collects checked rows and writes them a batch at a time."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.batch: list[tuple[int, dict[str, Any]]] = []
        #: hash(natural key) → first row: small ints rather than the keys, so 100 000 rows cost a few MiB.
        self.rows_by_key: dict[int, int] = {}
        self.makers: dict[str, uuid.UUID] = {}
        self.models: dict[tuple[uuid.UUID, str], uuid.UUID] = {}
        self.writer = AssetWriter(ctx.session)
        ctx.preload_people()

    # --- one row ---------------------------------------------------------------------------------------

    def values(self, row: dict[str, Any]) -> dict[str, Any]:
        """The stored fields of a row, checked and resolved."""
        ctx, values = self.ctx, {}
        kind = required(row, "kind")
        if kind not in ASSET_KINDS:
            raise RowError("kind", f"{kind!r} is not an asset kind")
        values["kind"] = kind
        if row.get("status") is not None:
            if row["status"] not in ASSET_STATUSES:
                raise RowError("status", f"{row['status']!r} is not one of {', '.join(ASSET_STATUSES)}")
            values["status"] = row["status"]
        for column in ("asset_tag", "serial", "hostname", *_PLAIN):
            if column in row:
                values[column] = None if row[column] is None else str(row[column])
        if "serial" in values:
            values["serial_key"] = normalise_serial(values["serial"])
        if "hostname" in values:
            values["hostname_key"] = normalise_hostname(values["hostname"])
        if row.get("location"):
            location = ctx.location(row["location"], "location")
            values |= {"location_id": location.id, "site_id": location.site_id}
            if row.get("site") and ctx.site(row["site"]).id != location.site_id:
                raise RowError("location", "the location is not in the given site")
        elif row.get("site"):
            values["site_id"] = ctx.site(row["site"]).id
        if row.get("manufacturer"):
            values["manufacturer_id"] = self._maker(row["manufacturer"])
        if row.get("model"):
            if "manufacturer_id" not in values:
                raise RowError("model", "a model needs its manufacturer")
            values["model_id"] = self._model(values["manufacturer_id"], row["model"], kind)
        if "assigned_to" in row:
            values["assigned_person_id"] = (
                ctx.person_id(row["assigned_to"], "assigned_to") if row["assigned_to"] else None
            )
        for column in ("purchase_date", "warranty_end"):
            if column in row:
                values[column] = as_date(row, column)
        if "cost" in row:
            values["cost"] = as_decimal(row, "cost")
            currency = (row.get("currency") or "").upper()
            if values["cost"] is not None and len(currency) != 3:
                raise RowError("currency", "a cost needs its ISO 4217 currency (3 letters)")
            values["currency"] = currency or None
        return values

    def _maker(self, name: str) -> uuid.UUID:
        if name not in self.makers:
            self.makers[name] = catalog.normalise_manufacturer(self.ctx.session, name).id
        return self.makers[name]

    def _model(self, maker_id: uuid.UUID, name: str, kind: str) -> uuid.UUID:
        key = (maker_id, model_key(name))
        if key not in self.models:
            maker = catalog.require_manufacturer(self.ctx.session, maker_id)
            self.models[key] = catalog.normalise_model(self.ctx.session, maker, name, kind).id
        return self.models[key]

    def _key(self, values: dict[str, Any]) -> Any:
        if values.get("asset_tag"):
            return ("tag", values["asset_tag"])
        if values.get("serial_key") and values.get("manufacturer_id"):
            return ("serial", values["manufacturer_id"], values["serial_key"])
        raise RowError("asset_tag", "an asset needs an asset_tag, or a manufacturer and serial")

    def add(self, number: int, row: dict[str, Any]) -> list[tuple[int, RowError]]:
        values = self.values(row)
        key = self._key(values)
        hashed = hash(key)
        if hashed in self.rows_by_key:
            column = "asset_tag" if key[0] == "tag" else "serial"
            raise RowError(column, f"the same asset is already on row {self.rows_by_key[hashed]}")
        self.rows_by_key[hashed] = number
        if key[0] == "tag" and values.get("serial_key") and values.get("manufacturer_id"):
            serial = hash(("serial", values["manufacturer_id"], values["serial_key"]))
            if serial in self.rows_by_key:
                raise RowError("serial", f"this serial is already on row {self.rows_by_key[serial]}")
            self.rows_by_key[serial] = number
        self.batch.append((number, values))
        return self.flush() if len(self.batch) >= BATCH else []

    # --- one batch -------------------------------------------------------------------------------------

    def flush(self) -> list[tuple[int, RowError]]:
        batch, self.batch = self.batch, []
        if not batch:
            return []
        session, errors = self.ctx.session, []
        by_tag, by_serial = self._existing(session, batch)
        now, actor = utcnow(), current_actor(session)
        inserts: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        visible = self.ctx.scope.can_see_site
        for number, values in batch:
            current = by_tag.get(values.get("asset_tag")) if values.get("asset_tag") else None
            serial_key = (values.get("manufacturer_id"), values.get("serial_key"))
            holder = by_serial.get(serial_key) if serial_key[1] else None
            if current is None and not values.get("asset_tag"):
                current = holder
            if current is not None and not visible(current["site_id"]):
                # Another site's asset: never changed, never named (the same answer as a taken tag).
                column = "asset_tag" if values.get("asset_tag") else "serial"
                errors.append(
                    (number, RowError(column, f"this {column} belongs to an asset you cannot change"))
                )
                continue
            if holder is not None and (current is None or holder["id"] != current["id"]):
                named = (
                    holder["asset_tag"] or holder["id"] if visible(holder["site_id"]) else "of another site"
                )
                errors.append((number, RowError("serial", f"this serial is already on asset {named}")))
                continue
            try:
                event = self._write(session, number, values, current, inserts, now)
            except RowError as exc:
                errors.append((number, exc))
                continue
            if event is not None:
                history.append(event | {"actor_type": actor.type, "actor_id": actor.id, "actor_name": actor.name,
                                        "cause_type": "import", "cause_id": str(self.ctx.job_id),
                                        "request_id": None, "occurred_at": now})  # fmt: skip
        self.writer.add_assets(inserts)
        self.writer.add_history(history)
        return errors

    def _existing(self, session: Session, batch: list[tuple[int, dict[str, Any]]]):
        columns = [Asset.__table__.c[f] for f in (*FIELDS, "id")]
        tags = [v["asset_tag"] for _, v in batch if v.get("asset_tag")]
        serials = [v["serial_key"] for _, v in batch if v.get("serial_key")]
        live = Asset.deleted_at.is_(None)
        by_tag = {r["asset_tag"]: r for r in session.execute(select(*columns).where(live, Asset.asset_tag.in_(tags))).mappings()} if tags else {}  # fmt: skip
        by_serial = {(r["manufacturer_id"], r["serial_key"]): r for r in session.execute(
            select(*columns).where(live, Asset.serial_key.in_(serials))).mappings()} if serials else {}  # fmt: skip
        return by_tag, by_serial

    def _write(
        self, session: Session, number: int, values: dict[str, Any], current: Any, inserts: list, now
    ) -> dict | None:
        """Queue an insert or run an update; the history row to write, or None when nothing changed."""
        if current is None:
            if values.get("site_id") is None:
                raise RowError("site", "a new asset needs a site or a location")
            asset_id = uuid.uuid4()
            row = {f: values.get(f) for f in FIELDS} | {"id": asset_id, "status": values.get("status", "in_stock"),
                   "version": 1, "created_at": now, "updated_at": now, "custom_fields": {}, "attributes": {}}  # fmt: skip
            inserts.append(row)
            self.ctx.counts.created += 1
            shown = {
                k: [None, plain(v)] for k, v in values.items() if v is not None and not k.endswith("_key")
            }
            return {"subject_type": "asset", "subject_id": asset_id, "action": "created", "changes": shown,
                    "summary": f"{values['kind']} imported"}  # fmt: skip
        changes = {f: [plain(current[f]), plain(v)] for f, v in values.items() if current[f] != v}
        if not changes:
            self.ctx.counts.unchanged += 1
            return None
        if "status" in changes and values["status"] not in STATUS_TRANSITIONS[current["status"]]:
            raise RowError("status", f"status cannot go from {current['status']!r} to {values['status']!r}")
        updates = {f: values[f] for f in changes}
        session.execute(update(Asset).where(Asset.id == current["id"])
                        .values(**updates, version=Asset.version + 1, updated_at=now, change_seq=None))  # fmt: skip
        self.ctx.counts.updated += 1
        for key in ("serial_key", "hostname_key"):
            changes.pop(key, None)
        return {
            "subject_type": "asset",
            "subject_id": current["id"],
            "action": "updated",
            "changes": changes,
            "summary": "updated by import",
        }

    def finish(self) -> list[tuple[int, RowError]]:
        return self.flush()

    def before_commit(self) -> None:
        self.writer.before_commit()
