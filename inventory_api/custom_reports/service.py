"""Running a definition: its fields checked against the subject's whitelist, the query built from them within the
caller's sites, under a time limit and a row cap; saving, sharing and finding saved reports."""

from __future__ import annotations

import time
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from inventory_api.auth.service import Principal
from inventory_api.custom_reports.fields import SUBJECTS
from inventory_api.custom_reports.models import CustomReport
from inventory_api.custom_reports.schemas import ROW_CAP, Definition
from inventory_api.db import utcnow
from inventory_api.errors import Forbidden, NotFound, Unprocessable
from inventory_api.history.service import record_change

#: How long one custom report may run before it is stopped (a 422 says why).
TIME_LIMIT_SECONDS = 5
#: SQLite looks at the clock every this many steps of its virtual machine.
PROGRESS_STEPS = 10_000
AGGREGATES = {"count": func.count, "sum": func.sum, "avg": func.avg, "min": func.min, "max": func.max}
ORDERED = (int, float, date, datetime)


def _field(subject: str, name: str, role: str) -> tuple[Any, type]:
    fields = SUBJECTS[subject].fields
    if name not in fields:
        raise Unprocessable(f"{role}: {subject} have no field {name!r}; they have {', '.join(fields)}",
                            code="unknown_field")  # fmt: skip
    return fields[name]


def _value(kind: type, value: Any, where: str) -> Any:
    """A filter's value as its field's type (a date or time from its ISO text)."""
    try:
        if kind is datetime and isinstance(value, str):
            return datetime.fromisoformat(value)
        if kind is date and isinstance(value, str):
            return date.fromisoformat(value)
        if kind is int:
            return int(value)
        if kind is str:
            return str(value)
    except (TypeError, ValueError):
        pass
    else:
        return value
    raise Unprocessable(f"{where}: {value!r} is not a {kind.__name__}", code="invalid_value")


def _condition(subject: str, index: int, filter_: Any) -> Any:
    column, kind = _field(subject, filter_.field, f"filters[{index}]")
    where, op = f"filters[{index}] ({filter_.field})", filter_.op
    if op in ("is_null", "not_null"):
        return column.is_(None) if op == "is_null" else column.is_not(None)
    if op == "in":
        if not isinstance(filter_.value, list) or not filter_.value:
            raise Unprocessable(f"{where}: `in` takes a list of values", code="invalid_value")
        return column.in_([_value(kind, v, where) for v in filter_.value])
    if op == "contains":
        if kind is not str:
            raise Unprocessable(f"{where}: `contains` is for text fields", code="invalid_operator")
        return func.lower(column).contains(str(filter_.value).lower(), autoescape=True)
    if op in ("lt", "le", "gt", "ge") and kind not in ORDERED:
        raise Unprocessable(f"{where}: {op} is for numbers, dates and times", code="invalid_operator")
    value = _value(kind, filter_.value, where)
    return {"eq": column == value, "ne": column != value, "lt": column < value, "le": column <= value,
            "gt": column > value, "ge": column >= value}[op]  # fmt: skip


def build(definition: Definition, sites: frozenset[Any] | None) -> tuple[Any, list[str]]:
    """The query of a definition (only whitelisted fields) and its column names."""
    subject = SUBJECTS[definition.subject]
    stmt = subject.base()
    if sites is not None:
        stmt = subject.scope(stmt, sites)
    stmt = stmt.where(*(_condition(definition.subject, i, f) for i, f in enumerate(definition.filters)))
    if definition.group_by:
        groups = [_field(definition.subject, g, "group_by")[0].label(g) for g in definition.group_by]
        agg = definition.aggregate
        if agg.fn == "count":
            value = func.count()
        else:
            column, kind = _field(definition.subject, agg.field or "", "aggregate.field")
            if kind not in ORDERED or (agg.fn in ("sum", "avg") and kind not in (int, float)):
                raise Unprocessable(
                    f"aggregate: {agg.fn} of {agg.field} makes no sense", code="invalid_aggregate"
                )
            value = AGGREGATES[agg.fn](column)
        names = [*definition.group_by, "value"]
        stmt = stmt.with_only_columns(*groups, value.label("value")).group_by(*groups)
        labelled = {g.name: g for g in groups} | {"value": value}
    else:
        if not definition.columns:
            raise Unprocessable("columns: name the fields to list, or group_by", code="columns_required")
        cols = [_field(definition.subject, c, "columns")[0].label(c) for c in definition.columns]
        names = list(definition.columns)
        stmt = stmt.with_only_columns(*cols)
        labelled = {c.name: c for c in cols}
    order = []
    for sort in definition.sort:
        if sort.field not in labelled:
            raise Unprocessable(f"sort: {sort.field!r} is not one of the report's columns ({', '.join(names)})",
                                code="invalid_sort")  # fmt: skip
        order.append(labelled[sort.field].desc() if sort.desc else labelled[sort.field])
    return stmt.order_by(*order).limit(definition.limit or ROW_CAP + 1), names


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def run(
    session: Session, principal: Principal, definition: Definition
) -> tuple[list[str], list[dict[str, Any]]]:
    """The definition's rows for this caller: within its sites, stopped after TIME_LIMIT_SECONDS, at most ROW_CAP
    rows (more, without a limit of its own, is a 422 saying how to narrow it)."""
    stmt, names = build(definition, principal.site_ids)
    try:
        with _time_limit(session):
            rows = session.execute(stmt).all()
    except OperationalError as exc:
        if "interrupt" in str(exc).lower() or "statement timeout" in str(exc).lower():
            raise Unprocessable(f"the report ran longer than {TIME_LIMIT_SECONDS} s and was stopped: add filters "
                                "or group the rows", code="report_too_expensive") from None  # fmt: skip
        raise
    if definition.limit is None and len(rows) > ROW_CAP:
        raise Unprocessable(f"more than {ROW_CAP} rows: add filters, group the rows or set a limit",
                            code="too_many_rows")  # fmt: skip
    return names, [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in rows]


class _time_limit:
    """PostgreSQL: a statement timeout for this transaction; SQLite: a progress handler that interrupts the query."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sqlite = session.get_bind().dialect.name == "sqlite"

    def __enter__(self) -> None:
        if not self.sqlite:
            self.session.execute(text(f"SET LOCAL statement_timeout = {TIME_LIMIT_SECONDS * 1000}"))
            return
        deadline = time.monotonic() + TIME_LIMIT_SECONDS
        self.raw = self.session.connection().connection.dbapi_connection
        self.raw.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)

    def __exit__(self, *exc: object) -> None:
        if self.sqlite:
            self.raw.set_progress_handler(None, 0)
        else:
            self.session.execute(text("SET LOCAL statement_timeout = 0"))


def visible(principal: Principal) -> Any:
    """The saved reports a caller may run: its own, and those shared with its role."""
    return (
        select(CustomReport)
        .where(
            or_(CustomReport.owner_id == principal.user_id, CustomReport.shared_with_role == principal.role)
        )
        .order_by(CustomReport.name)
    )


def require(
    session: Session, principal: Principal, report_id: uuid.UUID, *, to_change: bool = False
) -> CustomReport:
    """A saved report the caller may run (or, `to_change`, may change: its owner, or an admin)."""
    report = session.get(CustomReport, report_id)
    if report is None or (report.owner_id != principal.user_id and report.shared_with_role != principal.role):
        raise NotFound("custom report", report_id)
    if to_change and report.owner_id != principal.user_id and "admin" not in principal.permissions:
        raise Forbidden("only its owner or an admin changes a shared report")
    return report


def _may_share(principal: Principal, role: str | None) -> None:
    if role is not None and "write" not in principal.permissions:
        raise Forbidden(
            "sharing a report needs the 'write' permission; keep it private", code="share_forbidden"
        )


def _set_schedule(report: CustomReport, schedule: str | None, email_to: str | None) -> None:
    """The first run is at the worker's next pass: e-mailed to `email_to` when it names addresses, and always
    offered to the webhooks as a `custom_report.ran` event."""
    report.schedule, report.email_to = schedule, email_to
    report.next_run_at = utcnow() if schedule else None


def save(
    session: Session, principal: Principal, name: str, role: str | None, definition: Definition,
    schedule: str | None = None, email_to: str | None = None,
) -> CustomReport:  # fmt: skip
    """A new saved report (checked by building it: a definition that cannot run is not saved)."""
    _may_share(principal, role)
    build(definition, principal.site_ids)
    report = CustomReport(name=name, owner_id=principal.user_id, shared_with_role=role,
                          definition=definition.model_dump(mode="json"))  # fmt: skip
    _set_schedule(report, schedule, email_to)
    session.add(report)
    session.flush()
    record_change(session, "custom_report", report.id, "created", summary=f"custom report {name}")
    return report


def update(
    session: Session, principal: Principal, report: CustomReport, values: dict[str, Any]
) -> CustomReport:
    if "shared_with_role" in values:
        _may_share(principal, values["shared_with_role"])
        report.shared_with_role = values["shared_with_role"]
    if values.get("definition") is not None:
        definition = Definition.model_validate(values["definition"])
        build(definition, principal.site_ids)
        report.definition = definition.model_dump(mode="json")
    if values.get("name"):
        report.name = values["name"]
    if "schedule" in values or "email_to" in values:
        _set_schedule(
            report, values.get("schedule", report.schedule), values.get("email_to", report.email_to)
        )
    record_change(session, "custom_report", report.id, "updated", summary=f"custom report {report.name}")
    return report


def delete(session: Session, report: CustomReport) -> None:
    record_change(session, "custom_report", report.id, "deleted", summary=f"custom report {report.name}")
    session.delete(report)
