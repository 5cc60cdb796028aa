"""Parsing a report body and validating it against the collector's own dataclasses."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from collector.report import SCHEMA_VERSION, Report
from inventory_api.errors import BadRequest, Unprocessable

KNOWN_MAJOR = SCHEMA_VERSION.split(".", 1)[0]


@lru_cache(maxsize=1)
def report_adapter() -> TypeAdapter[Report]:
    """The validator of the wire format, built once from `collector.report.Report`."""
    return TypeAdapter(Report)


def parse_report(body: bytes) -> Report:
    """JSON → Report: 400 for bad JSON, 422 for an unknown major version or a wrong field (named)."""
    try:  # pydantic parses and validates in one pass, without Python dicts in between
        report = report_adapter().validate_json(body)
    except ValidationError:
        pass  # the same again the slow way, to answer with the same error as always
    else:
        if str(report.schema_version).split(".", 1)[0] == KNOWN_MAJOR:
            return report
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}", code="invalid_json") from None
    if not isinstance(data, dict):
        raise Unprocessable(
            "a report is a JSON object",
            code="validation_error",
            errors=[{"field": "body", "message": "not an object"}],
        )
    version = data.get("schema_version", SCHEMA_VERSION)
    major = str(version).split(".", 1)[0]
    if major != KNOWN_MAJOR:
        raise Unprocessable(
            f"schema_version {version!r} is not supported: this server accepts {KNOWN_MAJOR}.x reports",
            code="unsupported_schema_version", supported=f"{KNOWN_MAJOR}.x",
        )  # fmt: skip
    try:
        return report_adapter().validate_python(data)
    except ValidationError as exc:
        errors = [
            {
                "field": ".".join(str(p) for p in err["loc"]) or "body",
                "message": err["msg"],
                "type": err["type"],
            }
            for err in exc.errors(include_url=False)[:50]
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:10])
        raise Unprocessable(detail, code="validation_error", errors=errors) from None
