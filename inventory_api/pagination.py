"""Keyset cursor pagination with a stable order (sort key, then id), shared by every list."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select, tuple_
from sqlalchemy.orm import Session

from inventory_api.errors import BadRequest
from inventory_api.query_models import query_model

T = TypeVar("T")
MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    """One page of a list: `next` is the cursor of the following page, null on the last one."""

    items: list[T]
    next: str | None = None
    total: int | None = None


@dataclass(frozen=True, slots=True)
class PageParams:
    """The page a list answers: how many items, from which cursor, in which order."""

    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="items per page")] = 50
    cursor: Annotated[str | None, Field(description="the `next` of the previous page")] = None
    sort: Annotated[str | None, Field(description="field to sort by; `-field` for descending")] = None
    count: Annotated[bool, Field(description="also return `total` (costs a count query)")] = False


PageDep = Annotated[PageParams, Depends(query_model(PageParams))]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value


def _decode(value: Any, column: ColumnElement[Any]) -> Any:
    if value is None:
        return None
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return value
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind in (uuid.UUID, Decimal):
        return kind(value)
    return value


def encode_cursor(sort: str, value: Any, row_id: Any) -> str:
    raw = json.dumps([sort, _encode(value), _encode(row_id)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, Any, Any]:
    try:
        sort, value, row_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError) as exc:
        raise BadRequest("cursor is not one this service gave out", code="invalid_cursor") from exc
    return sort, value, row_id


def _nullable(column: ColumnElement[Any]) -> bool:
    return getattr(column, "nullable", True)


def _after(column: ColumnElement[Any], id_column: ColumnElement[Any], value: Any, row_id: Any, desc: bool):
    """Rows after (value, id) in the order: nulls last, then by value, then by id."""
    beyond = (lambda a, b: a < b) if desc else (lambda a, b: a > b)
    if not _nullable(column):
        # A row-value comparison: an index on (column, id) serves it as one range scan.
        return beyond(tuple_(column, id_column), tuple_(value, row_id))
    if value is None:
        return and_(column.is_(None), beyond(id_column, row_id))
    return or_(
        column.is_(None),
        beyond(column, value),
        and_(column == value, beyond(id_column, row_id)),
    )


#: Page statements of list statements that are built once per shape (`paginate`'s `shape`), by shape, sort order
#: and cursor: the same request shape executes the same statement object, whose cache key SQLAlchemy keeps.
_PAGE_STATEMENTS: dict[tuple[Any, ...], Select[Any]] = {}


def _page_statement(
    stmt: Select[Any],
    column: ColumnElement[Any],
    id_column: ColumnElement[Any],
    desc: bool,
    after: str | None,
) -> Select[Any]:
    """`stmt` ordered by (column, id), from the bound cursor position `after` (None, "value" or "null") on."""
    if after is not None:
        value = None if after == "null" else bindparam("page_after", type_=column.type)
        stmt = stmt.where(
            _after(column, id_column, value, bindparam("page_after_id", type_=id_column.type), desc)
        )
    direction = (lambda c: c.desc()) if desc else (lambda c: c.asc())
    # Nulls last; for a NOT NULL column the order is plain (column, id), which an index can hand out in order.
    nulls_last = (column.is_(None),) if _nullable(column) else ()
    return stmt.order_by(*nulls_last, direction(column), direction(id_column)).limit(bindparam("page_limit"))


def paginate(
    session: Session,
    stmt: Select[Any],
    params: PageParams,
    *,
    sort_columns: dict[str, ColumnElement[Any]],
    default_sort: str,
    id_column: ColumnElement[Any],
    binds: dict[str, Any] | None = None,
    shape: tuple[Any, ...] | None = None,
) -> Page[Any]:
    """Run `stmt` (selecting ORM objects) one page at a time, ordered by a sort column then id.

    `binds` are the values of `stmt`'s bound parameters; a `shape` says that `stmt` is the one statement built
    for every request of that shape, so its page statements are built once too.
    """
    sort = params.sort or default_sort
    desc = sort.startswith("-")
    column = sort_columns.get(sort.lstrip("-"))
    if column is None:
        raise BadRequest(
            f"cannot sort by {sort!r}; sortable: {', '.join(sorted(sort_columns))}", code="invalid_sort"
        )
    binds = dict(binds or {}, page_limit=params.limit + 1)
    total = (
        session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()), binds)
        if params.count
        else None
    )
    after = None
    if params.cursor:
        cursor_sort, value, row_id = decode_cursor(params.cursor)
        if cursor_sort != sort:
            raise BadRequest("the cursor belongs to another sort order", code="invalid_cursor")
        after = "null" if value is None else "value"
        binds |= {"page_after": _decode(value, column), "page_after_id": _decode(row_id, id_column)}
    key = None if shape is None else (shape, sort, after)
    ordered = _PAGE_STATEMENTS.get(key) if key is not None else None
    if ordered is None:
        ordered = _page_statement(stmt, column, id_column, desc, after)
        if key is not None:
            if len(_PAGE_STATEMENTS) >= 1024:  # bounded: shapes are few, but never let them grow without end
                _PAGE_STATEMENTS.clear()
            _PAGE_STATEMENTS[key] = ordered
    rows = list(session.scalars(ordered, binds))
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        last = rows[-1]
        next_cursor = encode_cursor(sort, getattr(last, column.key), getattr(last, id_column.key))
    return Page(items=rows, next=next_cursor, total=total)
