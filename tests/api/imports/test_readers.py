import io

import pytest

from inventory_api.imports import readers
from inventory_api.imports.readers import RowError


def _rows(text: str, fmt: str, chunk: int | None = None, monkeypatch=None):
    if chunk and monkeypatch:
        monkeypatch.setattr(readers, "CHUNK", chunk)
    return list(readers.read_rows(io.StringIO(text), fmt))


def test_csv_rows_are_numbered_like_a_spreadsheet():
    rows = _rows("Asset_Tag,kind\nA1,laptop\n , desktop\nA3,laptop,extra\n", "csv")
    assert rows[0] == (2, {"asset_tag": "A1", "kind": "laptop"})
    assert rows[1] == (3, {"asset_tag": None, "kind": "desktop"})
    assert rows[2][0] == 4 and isinstance(rows[2][1], RowError)


@pytest.mark.parametrize("chunk", [1, 3, 7, 64, 4096])
def test_a_json_array_is_read_one_object_at_a_time(monkeypatch, chunk):
    text = ' [ {"Tag": "A1", "cost": 12.5}, {"tag": "A2", "n": 1234567} ,{"tag":"A3"}]'
    rows = _rows(text, "json", chunk, monkeypatch)
    assert rows == [(1, {"tag": "A1", "cost": 12.5}), (2, {"tag": "A2", "n": 1234567}), (3, {"tag": "A3"})]


@pytest.mark.parametrize(
    ("text", "reason"),
    [('{"a": 1}', "array of objects"), ('[{"a": 1}, 5]', "a row is a JSON object"), ('[{"a": 1}', "not closed"),
     ('[{"a": 1} {"b": 2}]', "expected ','"), ('[{"a": }]', "not JSON")],
)  # fmt: skip
def test_broken_json_is_a_row_error(monkeypatch, text, reason):
    rows = _rows(text, "json", 4, monkeypatch)
    assert reason in rows[-1][1].reason


def test_ndjson_skips_blank_lines_and_reports_bad_ones():
    rows = _rows('{"a": 1}\n\nnot json\n[1]\n', "ndjson")
    assert rows[0] == (1, {"a": 1})
    assert rows[1][0] == 3 and "not JSON" in rows[1][1].reason
    assert rows[2][0] == 4 and isinstance(rows[2][1], RowError)
