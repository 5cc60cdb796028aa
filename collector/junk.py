"""Well-known placeholder values that vendors ship in SMBIOS, EDID and USB fields, turned into None."""

from __future__ import annotations

import re

# Compared case-insensitively after trimming; seen in SMBIOS tables of white-box boards (AMI, Insyde),
# in VM firmware, and in USB/EDID serial strings of cheap devices.
_JUNK_STRINGS = frozenset(
    s.casefold()
    for s in (
        "To Be Filled By O.E.M.",
        "To be filled by O.E.M",
        "Default string",
        "Default String",
        "System Serial Number",
        "System Product Name",
        "System manufacturer",
        "System Manufacturer",
        "System Version",
        "Base Board Serial Number",
        "Chassis Serial Number",
        "Not Specified",
        "Not Applicable",
        "Not Available",
        "Not Present",
        "N/A",
        "NA",
        "None",
        "Null",
        "Unknown",
        "Undefined",
        "OEM",
        "O.E.M.",
        "Type1ProductConfigId",
        "SKU",
        "Invalid",
        "INVALID",
        "XXXXXXXXXX",
        "-",
        "--",
    )
)

# Serials that are digit or hex ramps, not identifiers.
_JUNK_SERIALS = frozenset(
    s.casefold()
    for s in (
        "0123456789",
        "1234567890",
        "123456789",
        "12345678",
        "0123456789ABCDEF",
        "00000000",
        "0x00000000",
        "0x01010101",
        "16843009",  # 0x01010101 as a decimal EDID serial number
        "0xFFFFFFFF",
        "4294967295",  # 0xFFFFFFFF as a decimal EDID serial number
    )
)

_SAME_CHAR = re.compile(r"^(.)\1*$")
_UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$")


def clean_string(value: str | None) -> str | None:
    """A trimmed vendor string, or None for empty and placeholder values."""
    if value is None:
        return None
    text = value.replace("\x00", "").strip()
    if not text or text.casefold() in _JUNK_STRINGS:
        return None
    return text


def clean_serial(value: str | int | None) -> str | None:
    """A serial number, or None for placeholders, digit ramps and runs of one character ("0", "FFFF")."""
    if isinstance(value, int):
        value = str(value)
    text = clean_string(value)
    if text is None:
        return None
    if text.casefold() in _JUNK_SERIALS:
        return None
    bare = text.removeprefix("0x").removeprefix("0X")
    if _SAME_CHAR.match(bare) and bare[0] in "0123456789fFxX *.":
        return None
    return text


def clean_uuid(value: str | None) -> str | None:
    """A lowercase hyphenated UUID, or None for junk (all zeros, all F, a repeated byte, not a UUID)."""
    text = clean_string(value)
    if text is None:
        return None
    text = text.strip("{}").lower()
    if not _UUID.match(text):
        return None
    digits = text.replace("-", "")
    if _SAME_CHAR.match(digits):
        return None
    if digits in ("0123456789abcdef0123456789abcdef", "03000200040005000006000700080009"):
        return None
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"
