"""CSV export of any list, streamed and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

#: A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: An E.164 telephone number: a plus and digits only, which no spreadsheet can run, and which a 911 location
#: database or a PBX must read as sent (`+15551234021`, not `'+15551234021`).
E164 = re.compile(r"\+[1-9]\d{1,14}")


#: The `format` query parameter of the routes that can answer CSV (declaring it documents it, and tells the check of
#: unknown parameters that this route knows it); `wants_csv` reads it.
CsvFormat = Annotated[
    Literal["json", "csv"] | None,
    Query(alias="format", description="`csv`: the whole list as CSV, as `Accept: text/csv` asks too"),
]


def wants_csv(request: Request) -> bool:
    """`?format=csv` or `Accept: text/csv`."""
    if request.query_params.get("format") == "csv":
        return True
    return "text/csv" in request.headers.get("accept", "")


def safe_cell(value: Any) -> str:
    """A cell value as text, with formulas neutralised by a leading apostrophe (an E.164 number is no formula);
    a list of plain values joined by ";", anything nested as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(v, dict | list) for v in value)
    ):
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)  # a switch port's LLDP neighbours
    elif isinstance(value, list):
        text = ";".join(map(str, value))  # VLANs, MACs: readable as they are
    else:
        text = str(value)
    if text.startswith(FORMULA_START) and not E164.fullmatch(text):
        return "'" + text
    return text


class Names:
    """Readable names beside the ids of an export: site, location path, maker, model, person, user — each looked up
    once per export."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[tuple[str, Any], str | None] = {}

    def of(self, field: str, value: Any) -> str | None:
        kind = NAMED.get(field)
        if kind is None or value is None:
            return None
        key = (kind, value)
        if key not in self._cache:
            self._cache[key] = self._look_up(kind, uuid.UUID(str(value)))
        return self._cache[key]

    def _look_up(self, kind: str, key: uuid.UUID) -> str | None:
        from inventory_api.auth.models import User
        from inventory_api.catalog.models import Manufacturer, Model
        from inventory_api.locations.models import Location
        from inventory_api.people.models import Person

        if kind == "place":
            names, location = [], self.session.get(Location, key)
            while location is not None and len(names) < 12:
                names.append(location.name)
                location = self.session.get(Location, location.parent_id) if location.parent_id else None
            return " > ".join(reversed(names)) or None
        model = {"maker": Manufacturer, "model": Model, "person": Person, "user": User}[kind]
        record = self.session.get(model, key)
        return None if record is None else getattr(record, "username" if kind == "user" else "name")


#: Id fields that get a readable column beside them (named as the field without `_id`), and what they name.
NAMED = {
    "site_id": "place", "location_id": "place", "room_id": "place", "manufacturer_id": "maker",
    "model_id": "model", "assigned_person_id": "person", "person_id": "person", "requester_id": "person",
    "assignee_id": "user",
}  # fmt: skip


def csv_lines(rows: Iterable[Any], schema: type[BaseModel], names: Names | None = None) -> Iterator[str]:
    """Header, then one line per row, produced as they are read; beside each id of a site, place, maker, model or
    person, its readable name (with `names`)."""
    fields = list(schema.model_fields)
    columns = [c for f in fields for c in ((f, f.removesuffix("_id")) if names and f in NAMED else (f,))]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        data = schema.model_validate(row).model_dump(mode="json")
        line = []
        for f in fields:
            line.append(safe_cell(data.get(f)))
            if names and f in NAMED:
                line.append(safe_cell(names.of(f, data.get(f))))
        writer.writerow(line)
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(
    session: Session, stmt: Select[Any], schema: type[BaseModel], filename: str
) -> StreamingResponse:
    """Stream every row of `stmt` as CSV, with readable names beside the ids, reading in batches. The query runs
    before the answer starts, so that a parameter the database refuses (an integer past 64 bits) is a 4xx like
    any other error, not a stream cut short."""
    # Its own session: the request's one commits before the body streams, which on PostgreSQL would close the
    # server-side cursor that `yield_per` reads from.
    own = Session(session.get_bind())
    try:
        rows = own.scalars(stmt.execution_options(yield_per=1000))
    except BaseException:
        own.close()
        raise

    def lines() -> Iterator[str]:
        with own:
            yield from csv_lines(rows, schema, Names(own))

    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        background=BackgroundTask(
            own.close
        ),  # a client gone before the first line: the session closes all the same
    )
