"""The hardware catalog: one record per maker whatever its spelling, and the models it makes."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory_api.catalog.models import Manufacturer, ManufacturerAlias, Model
from inventory_api.catalog.normalise import ALIAS_TO_CANONICAL, KNOWN_VENDORS, display_name, manufacturer_key
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
            session.add(ManufacturerAlias(key=key, manufacturer_id=found.id))
            session.flush()
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
    return session.scalar(
        select(Model).where(Model.manufacturer_id == manufacturer_id, Model.name == display_name(name))
    )


def create_model(session: Session, values: dict[str, Any]) -> Model:
    """A new product model of a maker; its name is unique per maker."""
    require_manufacturer(session, values["manufacturer_id"])
    values = {**values, "name": display_name(values["name"])}
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
    return create_model(session, {"manufacturer_id": manufacturer.id, "name": name, "kind": kind})


def update_model(session: Session, model: Model, values: dict[str, Any]) -> Model:
    """Change a model; its maker and name stay required and unique together."""
    for field in ("manufacturer_id", "name"):
        if field in values and values[field] is None:
            raise Unprocessable(f"{field}: must not be null", code=f"{field}_required")
    if "name" in values:
        values["name"] = display_name(values["name"])
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
