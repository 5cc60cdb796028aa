"""Placeholder vendor values become None; real values pass through trimmed."""

import pytest

from collector.junk import clean_serial, clean_string, clean_uuid


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("   \t", None),
        ("To Be Filled By O.E.M.", None),
        ("to be filled by o.e.m.", None),
        ("Default string", None),
        ("System Product Name", None),
        ("Not Specified", None),
        ("None", None),
        ("N/A", None),
        ("Dell Inc.\x00\x00", "Dell Inc."),
        ("  LENOVO ", "LENOVO"),
        ("OptiPlex 7090", "OptiPlex 7090"),
    ],
)
def test_clean_string(raw: str | None, expected: str | None) -> None:
    assert clean_string(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", None),
        ("00000000", None),
        ("0000000000000000", None),
        ("0123456789", None),
        ("0123456789ABCDEF", None),
        ("System Serial Number", None),
        ("To Be Filled By O.E.M.", None),
        ("0x01010101", None),
        ("16843009", None),
        (16843009, None),
        ("FFFFFFFF", None),
        ("0xFFFFFFFF", None),
        ("**********", None),
        ("Default string", None),
        ("5CG1234XYZ", "5CG1234XYZ"),
        ("PF2ABCDE", "PF2ABCDE"),
        (" 1234ABC ", "1234ABC"),
        (808530000, "808530000"),
        ("11111111", None),
        ("A1", "A1"),
    ],
)
def test_clean_serial(raw: str | int | None, expected: str | None) -> None:
    assert clean_serial(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("00000000-0000-0000-0000-000000000000", None),
        ("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", None),
        ("03000200-0400-0500-0006-000700080009", None),
        ("Not Settable", None),
        ("Not Specified", None),
        ("not-a-uuid", None),
        ("", None),
        ("4C4C4544-0042-4810-8056-B4C04F395A32", "4c4c4544-0042-4810-8056-b4c04f395a32"),
        ("{ec2a8b5b-7e3f-4b4a-9a6b-1f1a2b3c4d5e}", "ec2a8b5b-7e3f-4b4a-9a6b-1f1a2b3c4d5e"),
        ("ec2a8b5b7e3f4b4a9a6b1f1a2b3c4d5e", "ec2a8b5b-7e3f-4b4a-9a6b-1f1a2b3c4d5e"),
    ],
)
def test_clean_uuid(raw: str | None, expected: str | None) -> None:
    assert clean_uuid(raw) == expected
