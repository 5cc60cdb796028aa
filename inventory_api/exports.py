"""CSV export of any list, streamed and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.orm import Session

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
    """A cell value as text, with formulas neutralised by a leading apostrophe (an E.164 number is no formula)."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        text = ";".join(map(str, value)) if isinstance(value, list) else str(value)
    else:
        text = str(value)
    if text.startswith(FORMULA_START) and not E164.fullmatch(text):
        return "'" + text
    return text


def csv_lines(rows: Iterable[Any], schema: type[BaseModel]) -> Iterator[str]:
    """Header, then one line per row, produced as they are read."""
    fields = list(schema.model_fields)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(fields)
    for row in rows:
        data = schema.model_validate(row).model_dump(mode="json")
        writer.writerow([safe_cell(data.get(f)) for f in fields])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(
    session: Session, stmt: Select[Any], schema: type[BaseModel], filename: str
) -> StreamingResponse:
    """Stream every row of `stmt` as CSV, reading from the database in batches."""
    bind = session.get_bind()

    def rows() -> Iterator[Any]:
        # Its own session: the request's one commits before the body streams, which on PostgreSQL would close
        # the server-side cursor that `yield_per` reads from.
        with Session(bind) as own:
            yield from own.scalars(stmt.execution_options(yield_per=1000))

    return StreamingResponse(
        csv_lines(rows(), schema),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )
