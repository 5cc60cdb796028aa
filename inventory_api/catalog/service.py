"""The hardware catalog: one record per maker whatever its spelling, and the models it makes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from collector.junk import clean_string
from inventory_api.catalog.models import Manufacturer, ManufacturerAlias, Model
from inventory_api.catalog.normalise import (
    ALIAS_TO_CANONICAL,
    KNOWN_VENDORS,
    display_name,
    manufacturer_key,
    model_key,
)
from inventory_api.errors import Conflict, NotFound, Unprocessable
from inventory_api.history.service import diff_fields, record_change


def find_manufacturer(session: Session, name: str) -> Manufacturer | None:
    """The maker known under this name or one of its aliases, or None."""
    key = manufacturer_key(name)
    if not key:
        return None
    alias = session.get(ManufacturerAlias, key)
    if alias is not None:
        return session.get(Manufacturer, alias.manufacturer_id)
    return session.scalar(select(Manufacturer).where(Manufacturer.key == key))


def _create_manufacturer(session: Session, name: str, aliases: tuple[str, ...] = ()) -> Manufacturer:
    key = manufacturer_key(name)
    maker = Manufacturer(id=uuid.uuid4(), name=display_name(name), key=key)
    session.add(maker)
    session.flush()
    for alias in {*aliases} - {key}:
        if session.get(ManufacturerAlias, alias) is None:
            session.add(ManufacturerAlias(key=alias, manufacturer_id=maker.id))
    session.flush()
    record_change(session, "manufacturer", maker.id, "created", summary=f"manufacturer {maker.name}")
    return maker


def normalise_manufacturer(session: Session, name: str) -> Manufacturer:
    """The one maker record for any spelling of its name, created (with known aliases) on first sight."""
    key = manufacturer_key(name)
    if not key:
        raise Unprocessable("manufacturer name is empty", code="invalid_manufacturer")
    found = find_manufacturer(session, name)
    if found is not None:
        return found
    canonical = ALIAS_TO_CANONICAL.get(key)
    if canonical is not None:
        found = find_manufacturer(session, canonical)
        if found is not None:
            _remember_spelling(session, key, found.id)
            return found
    try:
        with session.begin_nested():
            if canonical is not None:
                return _create_manufacturer(session, canonical, KNOWN_VENDORS[canonical])
            return _create_manufacturer(session, name)
    except IntegrityError:
        # Another transaction created it between our look-up and insert: use theirs.
        found = find_manufacturer(session, canonical or name)
        if found is None:
            raise
        return found


def _remember_spelling(session: Session, key: str, manufacturer_id: uuid.UUID) -> None:
    """Add an alias of a known maker; one that a racing transaction added first is as good."""
    try:
        with session.begin_nested():
            session.add(ManufacturerAlias(key=key, manufacturer_id=manufacturer_id))
    except IntegrityError:
        return  # another report taught the catalog this spelling at the same moment


def seed_manufacturers(session: Session) -> list[Manufacturer]:
    """Make sure every common vendor exists with its aliases (idempotent)."""
    return [normalise_manufacturer(session, name) for name in KNOWN_VENDORS]


def require_manufacturer(session: Session, manufacturer_id: uuid.UUID) -> Manufacturer:
    maker = session.get(Manufacturer, manufacturer_id)
    if maker is None:
        raise NotFound("manufacturer", manufacturer_id)
    return maker


def manufacturer_aliases(session: Session, maker: Manufacturer) -> list[str]:
    return list(
        session.scalars(
            select(ManufacturerAlias.key)
            .where(ManufacturerAlias.manufacturer_id == maker.id)
            .order_by(ManufacturerAlias.key)
        )
    )


def create_manufacturer(session: Session, name: str, aliases: list[str]) -> Manufacturer:
    """A new maker; refused when its name or an alias already names another."""
    for spelling in [name, *aliases]:
        other = find_manufacturer(session, spelling)
        if other is not None:
            raise Conflict(
                f"{spelling!r} already names manufacturer {other.name!r}",
                code="manufacturer_exists",
                manufacturer_id=str(other.id),
            )
    extra = tuple(manufacturer_key(a) for a in aliases)
    canonical = ALIAS_TO_CANONICAL.get(manufacturer_key(name))
    if canonical is not None:  # a known vendor: its usual name and every known spelling
        return _create_manufacturer(session, canonical, KNOWN_VENDORS[canonical] + extra)
    return _create_manufacturer(session, name, extra)


def add_alias(session: Session, maker: Manufacturer, alias: str) -> None:
    """Teach the catalog another spelling of a maker's name."""
    key = manufacturer_key(alias)
    if not key:
        raise Unprocessable("alias is empty", code="invalid_manufacturer")
    other = find_manufacturer(session, alias)
    if other is not None and other.id != maker.id:
        raise Conflict(f"{alias!r} already names manufacturer {other.name!r}", code="manufacturer_exists")
    if other is None:
        session.add(ManufacturerAlias(key=key, manufacturer_id=maker.id))
        session.flush()
        record_change(session, "manufacturer", maker.id, "alias_added", changes={"alias": [None, key]})


def update_manufacturer(session: Session, maker: Manufacturer, name: str) -> Manufacturer:
    """Rename a maker; the old spelling stays as an alias."""
    key = manufacturer_key(name)
    other = find_manufacturer(session, name)
    if other is not None and other.id != maker.id:
        raise Conflict(f"{name!r} already names manufacturer {other.name!r}", code="manufacturer_exists")
    old_key = maker.key
    changes = diff_fields(maker, {"name": display_name(name), "key": key})
    if changes:
        maker.version += 1
        if old_key != key and session.get(ManufacturerAlias, old_key) is None:
            session.add(ManufacturerAlias(key=old_key, manufacturer_id=maker.id))
        session.flush()
        record_change(session, "manufacturer", maker.id, "updated", changes=changes)
    return maker


def manufacturers_query(*, q: str | None = None) -> Select[Any]:
    stmt = select(Manufacturer)
    if q:
        stmt = stmt.where(Manufacturer.key.startswith(manufacturer_key(q), autoescape=True))
    return stmt


def require_model(session: Session, model_id: uuid.UUID) -> Model:
    model = session.get(Model, model_id)
    if model is None:
        raise NotFound("model", model_id)
    return model


def find_model(session: Session, manufacturer_id: uuid.UUID, name: str) -> Model | None:
    """The maker's model of that name, whatever its case and spacing."""
    return session.scalar(
        select(Model).where(Model.manufacturer_id == manufacturer_id, Model.key == model_key(name))
    )


def create_model(session: Session, values: dict[str, Any]) -> Model:
    """A new product model of a maker; its name is unique per maker, case and spacing aside."""
    require_manufacturer(session, values["manufacturer_id"])
    values = {**values, "name": display_name(values["name"])}  # its key follows (Model.key's default)
    if find_model(session, values["manufacturer_id"], values["name"]) is not None:
        raise Conflict(f"this manufacturer already has a model {values['name']!r}", code="model_exists")
    model = Model(id=uuid.uuid4(), **values)
    session.add(model)
    session.flush()
    record_change(session, "model", model.id, "created", summary=f"model {model.name}")
    return model


def normalise_model(
    session: Session, manufacturer: Manufacturer, name: str, kind: str | None = None
) -> Model:
    """The catalog model of this maker and name, created on first sight (for inventory)."""
    found = find_model(session, manufacturer.id, name)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            return create_model(session, {"manufacturer_id": manufacturer.id, "name": name, "kind": kind})
    except (IntegrityError, Conflict):
        # Another transaction created it since our look-up (committed before or during our insert): use theirs.
        found = find_model(session, manufacturer.id, name)
        if found is None:
            raise
        return found


#: A maker and product as equipment reports them (placeholders dropped; the product None when unknown).
Reported = tuple[str, str | None]
_NAME_LENGTH = 200  # manufacturers.name, models.name


@dataclass(frozen=True, slots=True)
class Link:
    """The catalog rows of a reported pair, and whether an asset may be linked to that maker without a clash."""

    manufacturer_id: uuid.UUID
    model_id: uuid.UUID | None
    #: Another live asset of this maker with the serial asked about (maker and serial are unique together).
    serial_holder: uuid.UUID | None = None


def reported(manufacturer: str | None, product: str | None) -> Reported | None:
    """A reported maker and product for the catalog, or None without a real maker (a model needs one).

    Placeholders vendors ship ("To Be Filled By O.E.M.", "System manufacturer", "Default string" …) are the
    collector's own table (collector/junk.py), so that a white-box PC never creates a maker of that name.
    """
    maker = clean_string(manufacturer)
    if maker is None or not manufacturer_key(maker[:_NAME_LENGTH]):
        return None
    model = clean_string(product)
    return display_name(maker[:_NAME_LENGTH]), display_name(model[:_NAME_LENGTH]) if model else None


def _lookup_keys(name: str) -> tuple[str, ...]:
    """The keys a maker is looked up by, best first: its own, then its known vendor's (as normalise_manufacturer)."""
    key = manufacturer_key(name)
    canonical = ALIAS_TO_CANONICAL.get(key)
    return (key, manufacturer_key(canonical)) if canonical else (key,)


@lru_cache(maxsize=1)
def _lookup() -> Select[Any]:
    """Makers by key or alias key, each with its models of the wanted names and the asset holding the serial:
    built once (on first use: the catalog sits below assets), bound per report."""
    from inventory_api.assets.models import Asset

    alias = ManufacturerAlias.__table__.alias("alias")
    holder = (
        select(Asset.id)
        .where(
            Asset.manufacturer_id == Manufacturer.id, Asset.serial_key == bindparam("serial_key"),
            Asset.deleted_at.is_(None), Asset.id != bindparam("asset_id"),
        )
        .limit(1)
        .scalar_subquery()
    )  # fmt: skip
    return (
        select(Manufacturer.id, Manufacturer.key, alias.c.key.label("alias"), Model.id.label("model_id"),
               Model.key.label("model_key"), holder.label("holder"))
        .outerjoin(alias, (alias.c.manufacturer_id == Manufacturer.id)
                   & alias.c.key.in_(bindparam("alias_keys", expanding=True)))
        .outerjoin(Model, (Model.manufacturer_id == Manufacturer.id)
                   & Model.key.in_(bindparam("names", expanding=True)))
        .where(Manufacturer.key.in_(bindparam("keys", expanding=True)) | alias.c.key.is_not(None))
    )  # fmt: skip


def find_reported(
    session: Session,
    wanted: list[Reported],
    *,
    serial_key: str | None = None,
    asset_id: uuid.UUID | None = None,
) -> tuple[dict[Reported, Link], dict[uuid.UUID, uuid.UUID | None]]:
    """The pairs the catalog knows completely (maker, and model when a product is named), and every maker found
    with the asset other than `asset_id` that holds `serial_key` under it: one query for all.

    A Core statement on the session's connection: it does not flush the report's pending ORM changes.
    """
    keys = sorted({key for name, _ in wanted for key in _lookup_keys(name)})
    names = sorted({model_key(product) for _, product in wanted if product})
    params = {
        "alias_keys": keys,
        "keys": keys,
        "names": names,
        "serial_key": serial_key,
        "asset_id": asset_id,
    }
    rows = session.connection().execute(_lookup(), params).all()
    makers = {row.alias: row.id for row in rows if row.alias}  # an alias first, as find_manufacturer
    for row in rows:
        makers.setdefault(row.key, row.id)
    models = {(row.id, row.model_key): row.model_id for row in rows if row.model_id}
    holders = {row.id: row.holder for row in rows}
    found: dict[Reported, Link] = {}
    for name, product in wanted:
        maker_id = next((makers[key] for key in _lookup_keys(name) if key in makers), None)
        model_id = models.get((maker_id, model_key(product))) if maker_id and product else None
        if maker_id is not None and (product is None or model_id is not None):
            found[(name, product)] = Link(maker_id, model_id, holders[maker_id])
    return found, holders


@contextmanager
def _catalog_transaction(session: Session) -> Iterator[Session]:
    """Where inventory creates catalog rows: on PostgreSQL a short transaction of its own, committed at once.

    In the report's transaction a racing report of the same model would wait for all of this one (a unique index
    holds a racing insert of the same key until the first transaction ends), and two reports creating two makers
    in opposite order would deadlock. A maker whose report then fails stays, unused. SQLite has one writer at a
    time: the report's own transaction.
    """
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        yield session
        return
    info = {key: session.info[key] for key in ("actor", "cause") if key in session.info}
    with Session(bind, info=info) as own, own.begin():
        yield own


def resolve_reported(
    session: Session, wanted: dict[Reported, str | None], *, serial_key: str | None = None,
    asset_id: uuid.UUID | None = None,
) -> dict[Reported, Link]:  # fmt: skip
    """Catalog rows of reported (maker, product) pairs, each with the kind a new model gets (see find_reported).

    One query when the catalog knows them all; a maker or model seen for the first time is created through
    normalise_manufacturer / normalise_model (a racing creation of the same row is reused), one pair per
    transaction on PostgreSQL (see _catalog_transaction), so no two transactions wait on each other in a cycle.
    """
    found, holders = find_reported(session, list(wanted), serial_key=serial_key, asset_id=asset_id)
    for pair in sorted(set(wanted) - set(found), key=lambda p: (p[0], p[1] or "")):
        name, product = pair
        with _catalog_transaction(session) as own:
            maker = normalise_manufacturer(own, name)
            model = normalise_model(own, maker, product, wanted[pair]) if product else None
            # Ids taken before the commit expires them. A maker new to the catalog has no assets yet.
            found[pair] = Link(maker.id, model.id if model else None, holders.get(maker.id))
    return found


def update_model(session: Session, model: Model, values: dict[str, Any]) -> Model:
    """Change a model; its maker and name stay required and unique together."""
    for field in ("manufacturer_id", "name"):
        if field in values and values[field] is None:
            raise Unprocessable(f"{field}: must not be null", code=f"{field}_required")
    if "name" in values:
        values["name"], values["key"] = display_name(values["name"]), model_key(values["name"])
    target = values.get("manufacturer_id", model.manufacturer_id)
    if "manufacturer_id" in values:
        require_manufacturer(session, target)
    other = find_model(session, target, values.get("name", model.name))
    if other is not None and other.id != model.id:
        raise Conflict(f"this manufacturer already has a model {other.name!r}", code="model_exists")
    changes = diff_fields(model, values)
    if changes:
        model.version += 1
        session.flush()
        record_change(session, "model", model.id, "updated", changes=changes)
    return model


def models_query(
    *, manufacturer_id: uuid.UUID | None = None, kind: str | None = None, name: str | None = None
) -> Select[Any]:
    stmt = select(Model)
    if manufacturer_id:
        stmt = stmt.where(Model.manufacturer_id == manufacturer_id)
    if kind:
        stmt = stmt.where(Model.kind == kind)
    if name:
        stmt = stmt.where(Model.name.istartswith(name, autoescape=True))
    return stmt


def _assets_using(session: Session, column: Any, value: uuid.UUID) -> int:
    from inventory_api.assets.models import Asset  # the catalog is below assets; only the count is needed

    return session.scalar(select(func.count()).where(column(Asset) == value, Asset.deleted_at.is_(None))) or 0


def delete_model(session: Session, model: Model) -> None:
    """Remove a model no live asset uses."""
    used = _assets_using(session, lambda a: a.model_id, model.id)
    if used:
        raise Conflict(f"model {model.name!r} is used by {used} asset(s)", code="model_in_use", assets=used)
    record_change(session, "model", model.id, "deleted", summary=f"model {model.name}")
    session.delete(model)
    session.flush()


def delete_manufacturer(session: Session, maker: Manufacturer) -> None:
    """Remove a maker that has no models and no live assets."""
    used = _assets_using(session, lambda a: a.manufacturer_id, maker.id)
    models = session.scalar(select(func.count()).where(Model.manufacturer_id == maker.id)) or 0
    if used or models:
        raise Conflict(
            f"manufacturer {maker.name!r} has {models} model(s) and {used} asset(s)",
            code="manufacturer_in_use",
        )
    record_change(session, "manufacturer", maker.id, "deleted", summary=f"manufacturer {maker.name}")
    session.delete(maker)
    session.flush()
