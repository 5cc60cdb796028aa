"""A report table as JSON or as CSV (formula cells neutralised, as every CSV export of the service)."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from inventory_api.exports import safe_cell, wants_csv
from inventory_api.reports.common import Table


def as_json(table: Table) -> dict[str, Any]:
    query = table.query
    return {
        "report": table.report,
        "period": {"start": query.start.isoformat(), "end": query.end.isoformat()},
        "site_ids": [str(s) for s in sorted(query.site_id, key=str)],
        "parameters": query.model_dump(mode="json", exclude={"start", "end", "site_id", "format"}),
        "columns": table.columns,
        "rows": table.rows,
        **table.notes,
    }


def as_csv(table: Table) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([safe_cell(row.get(c)) for c in table.columns])
    filename = f"{table.report}-{table.query.start}-{table.query.end}.csv"
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def answer(request: Request, table: Table) -> Any:
    """CSV for `?format=csv` or `Accept: text/csv`, else JSON."""
    return as_csv(table) if wants_csv(request) else as_json(table)
