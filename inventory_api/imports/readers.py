"""Read an uploaded file one row at a time: CSV, NDJSON, or a JSON array decoded incrementally."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

CHUNK = 256 * 1024


class RowError(Exception):
    """A bad row: which column (None for the row as a whole) and why."""

    def __init__(self, column: str | None, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


Row = tuple[int, dict[str, Any] | RowError]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def read_csv(stream: IO[str]) -> Iterator[Row]:
    """Rows numbered as a spreadsheet shows them: the header is row 1."""
    reader = csv.DictReader(stream)
    if reader.fieldnames is None:
        return
    for number, record in enumerate(reader, start=2):
        if None in record:
            yield number, RowError(None, "more cells than the header has columns")
            continue
        yield number, {key.strip().lower(): _clean(value) for key, value in record.items() if key}


def read_ndjson(stream: IO[str]) -> Iterator[Row]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, RowError(None, f"not JSON: {exc.msg}")
            continue
        yield number, _object(value)


def _object(value: Any) -> dict[str, Any] | RowError:
    if not isinstance(value, dict):
        return RowError(None, "a row is a JSON object")
    return {str(k).strip().lower(): _clean(v) for k, v in value.items()}


def read_json_array(stream: IO[str]) -> Iterator[Row]:
    """The objects of a top-level JSON array, decoded one at a time (the file is never held whole)."""
    decoder = json.JSONDecoder()
    buffer, pos, number, eof = "", 0, 0, False

    def fill() -> bool:
        nonlocal buffer, pos, eof
        chunk = stream.read(CHUNK)
        eof = not chunk
        buffer, pos = buffer[pos:] + chunk, 0
        return bool(chunk)

    def skip(chars: str = " \t\r\n") -> str | None:
        nonlocal pos
        while True:
            while pos < len(buffer) and buffer[pos] in chars:
                pos += 1
            if pos < len(buffer):
                return buffer[pos]
            if not fill():
                return None

    if skip(" \t\r\n\ufeff") != "[":
        yield 1, RowError(None, "a JSON import is an array of objects")
        return
    pos += 1
    while True:
        head = skip()
        if head == "]" or head is None:
            if head is None:
                yield number + 1, RowError(None, "the JSON array is not closed")
            return
        if number > 0:
            if head != ",":
                yield number + 1, RowError(None, "expected ',' between rows")
                return
            pos += 1
            skip()
        number += 1
        while True:
            try:
                value, end = decoder.raw_decode(buffer, pos)
            except json.JSONDecodeError as exc:
                if not eof and fill():
                    continue
                yield number, RowError(None, f"not JSON: {exc.msg}")
                return
            if end == len(buffer) and not eof and fill():
                continue  # a number or literal may go on in the next chunk
            pos = end
            break
        yield number, _object(value)


def read_rows(stream: IO[str], fmt: str) -> Iterator[Row]:
    return {"csv": read_csv, "ndjson": read_ndjson, "json": read_json_array}[fmt](stream)
