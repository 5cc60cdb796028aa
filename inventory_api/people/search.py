"""Prefix search that every branch answers from an index, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm import Session

#: Sorts after every other character, byte-wise in UTF-8 (the highest code point).
_TOP = "\U0010ffff"


def prefix_condition(session: Session, column: Any, prefix: str) -> ColumnElement[bool]:
    """`column` starts with `prefix`, as a range an index can answer (case as stored)."""
    if session.get_bind().dialect.name == "postgresql":
        # Byte-wise operators of text_pattern_ops: usable with a bound parameter, unlike LIKE 'x%'.
        return and_(column.op("~>=~")(prefix), column.op("~<~")(prefix + _TOP))
    return and_(column >= prefix, column < prefix + _TOP)  # SQLite compares BINARY, byte-wise
