"""Prefix search that every branch answers from an index, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_

#: Sorts after every other character, byte-wise in UTF-8 (the highest code point).
_TOP = "\U0010ffff"


def prefix_range(prefix: str) -> tuple[str, str]:
    """The range [low, high) of the strings that start with `prefix`."""
    return prefix, prefix + _TOP


def prefix_condition(dialect: str, column: Any, low: Any, high: Any) -> ColumnElement[bool]:
    """`column` in the range [low, high) of `prefix_range`, which an index can answer (case as stored)."""
    if dialect == "postgresql":
        # Byte-wise operators of text_pattern_ops: usable with a bound parameter, unlike LIKE 'x%'.
        return and_(column.op("~>=~")(low), column.op("~<~")(high))
    return and_(column >= low, column < high)  # SQLite compares BINARY, byte-wise
