"""CSV cells: formulas are neutralised, an E.164 number comes out as it is."""

import pytest

from inventory_api.exports import safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("+15551234021", "+15551234021"),
        ("+442071838750", "+442071838750"),
        ("+1+1", "'+1+1"),
        ("+1555 123", "'+1555 123"),
        ("+0123", "'+0123"),
        ("+15551234021\n=1", "'+15551234021\n=1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("4021", "4021"),
        (None, ""),
        ([10, 20], "10;20"),
        ([{"system_name": "SEP0011", "port": "Port 1"}], '[{"system_name":"SEP0011","port":"Port 1"}]'),
        ({"a": "=1"}, '{"a":"=1"}'),
    ],
)
def test_formulas_are_escaped_and_e164_numbers_are_not(value, cell):
    assert safe_cell(value) == cell
