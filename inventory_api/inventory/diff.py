"""Diffing a reported list of components against the stored rows: insert, delete, update, and say what changed."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from inventory_api.inventory.bulk import bulk_insert


def human_bytes(value: int | None) -> str:
    """8589934592 → "8 GiB"; 500107862016 → "465.8 GiB"."""
    if value is None:
        return "?"
    size = float(value)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            text = f"{size:.1f}".removesuffix(".0")
            return f"{text} {unit}"
        size /= 1024
    return str(value)


def show(field: str, value: Any) -> str:
    """A stored value as a history line shows it."""
    if value is None:
        return "none"
    if field.endswith("_bytes") and isinstance(value, int):
        return human_bytes(value)
    if field.endswith("_hz") and isinstance(value, int):
        return f"{value / 1e9:.2f} GHz"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass(frozen=True)
class ComponentSpec:
    """How one component table is diffed: its columns, natural key and a readable name of a row."""

    model: Any
    label: str
    fields: tuple[str, ...]
    key: Callable[[dict[str, Any]], str]
    describe: Callable[[dict[str, Any]], str]


def keyed_rows(spec: ComponentSpec, rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Rows by natural key; identical keys (two unnamed USB hubs) get an ordinal."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        base = spec.key(row)[:280]
        key, n = base, 1
        while key in out:
            n += 1
            key = f"{base}#{n}"
        out[key] = {**row, "key": key}
    return out


def sync_components(
    session: Session,
    asset_id: uuid.UUID,
    spec: ComponentSpec,
    rows: Sequence[dict[str, Any]],
    *,
    empty: bool = False,
) -> list[str]:
    """Make the asset's rows of this table equal `rows`; return one readable line per difference. `empty`: the
    asset has no rows yet (its first report), so there is nothing to read."""
    model = spec.model
    wanted = keyed_rows(spec, rows)
    columns = [getattr(model, f) for f in spec.fields]
    stored = (
        {}
        if empty
        else {
            row.key: row
            for row in session.execute(
                select(model.id, model.key, *columns).where(model.asset_id == asset_id)
            )
        }
    )
    lines: list[str] = []
    gone = [stored[k] for k in stored.keys() - wanted.keys()]
    new = [wanted[k] for k in sorted(wanted.keys() - stored.keys())]
    if gone:
        session.execute(delete(model).where(model.id.in_([row.id for row in gone])))
        lines += [f"{spec.label} {spec.describe(row._asdict())} removed" for row in gone]
    if new:
        bulk_insert(session, model, [{**row, "asset_id": asset_id} for row in new])
        lines += [f"{spec.label} {spec.describe(row)} added" for row in new]
    for key in sorted(wanted.keys() & stored.keys()):
        old, row = stored[key], wanted[key]
        changed = {f: row.get(f) for f in spec.fields if getattr(old, f) != row.get(f)}
        if changed:
            session.execute(update(model).where(model.id == old.id).values(**changed))
            parts = ", ".join(f"{f} {show(f, getattr(old, f))} → {show(f, v)}" for f, v in changed.items())
            lines.append(f"{spec.label} {spec.describe(row)}: {parts}")
    return lines


def sync_single(obj: Any, values: dict[str, Any], labels: dict[str, Callable[[Any, Any], str]]) -> list[str]:
    """Apply values to a one-per-asset row; a readable line per changed field (custom wording by field)."""
    lines: list[str] = []
    for field, new in values.items():
        old = getattr(obj, field)
        if old != new:
            setattr(obj, field, new)
            word = labels.get(field)
            lines.append(
                word(old, new)
                if word
                else f"{field.replace('_', ' ')} {show(field, old)} → {show(field, new)}"
            )
    return lines
