"""EDID base-block parsing: hex fixtures and blobs built byte by byte from the VESA layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from collector.edid import EdidInfo, decode_pnp_id, monitor_from_edid, parse_edid
from collector.report import Monitor

FIXTURES = Path(__file__).parent / "fixtures" / "edid"


def pnp_word(letters: str) -> bytes:
    """Pack three letters into the big-endian 5-bit-per-letter manufacturer word."""
    a, b, c = (ord(ch) - ord("A") + 1 for ch in letters)
    return ((a << 10) | (b << 5) | c).to_bytes(2, "big")


def text_descriptor(tag: int, text: str) -> bytes:
    """An 18-byte display descriptor: 00 00 00 tag 00, 13 bytes of text ended by 0x0A, space padded."""
    body = text.encode("ascii")[:13]
    if len(body) < 13:
        body = (body + b"\x0a").ljust(13, b" ")
    return b"\x00\x00\x00" + bytes([tag, 0]) + body


def timing_descriptor(*, width_px: int, height_px: int, width_mm: int, height_mm: int) -> bytes:
    """A detailed timing descriptor with only the fields the parser reads filled in (148.5 MHz clock)."""
    dtd = bytearray(18)
    dtd[0:2] = (14850).to_bytes(2, "little")
    dtd[2], dtd[4] = width_px & 0xFF, (width_px >> 8) << 4
    dtd[5], dtd[7] = height_px & 0xFF, (height_px >> 8) << 4
    dtd[12], dtd[13] = width_mm & 0xFF, height_mm & 0xFF
    dtd[14] = ((width_mm >> 8) << 4) | (height_mm >> 8)
    return bytes(dtd)


DUMMY = b"\x00\x00\x00\x10" + bytes(14)


def build_edid(
    *,
    maker: str = "DEL",
    product: int = 0x4321,
    serial_number: int = 0,
    week: int = 12,
    year: int = 2021,
    revision: int = 4,
    size_cm: tuple[int, int] = (53, 30),
    digital: bool = True,
    descriptors: tuple[bytes, ...] = (),
) -> bytes:
    """A 128-byte EDID base block laid out as the VESA E-EDID standard says, checksum included."""
    block = bytearray(128)
    block[0:8] = b"\x00\xff\xff\xff\xff\xff\xff\x00"
    block[8:10] = pnp_word(maker)
    block[10:12] = product.to_bytes(2, "little")
    block[12:16] = serial_number.to_bytes(4, "little")
    block[16], block[17] = week, year - 1990
    block[18], block[19] = 1, revision
    block[20] = 0xA5 if digital else 0x08
    block[21], block[22] = size_cm
    padded = (*descriptors, *(DUMMY,) * (4 - len(descriptors)))
    for index, descriptor in enumerate(padded):
        block[54 + 18 * index : 72 + 18 * index] = descriptor
    block[127] = (-sum(block[:127])) % 256
    return bytes(block)


def read_hex(name: str) -> bytes:
    """Bytes of a whitespace-separated hex dump fixture."""
    return bytes.fromhex((FIXTURES / name).read_text())


FHD_24 = timing_descriptor(width_px=1920, height_px=1080, width_mm=527, height_mm=296)

FIXTURE_CASES = [
    (
        "dell-st2320l.hex",
        EdidInfo(
            manufacturer_id="DEL",
            manufacturer="Dell",
            product_code=0xF024,
            model="DELL ST2320L",
            serial="M2NN6215A8MS",
            manufacture_week=1,
            manufacture_year=2012,
            model_year=None,
            width_mm=509,
            height_mm=286,
            diagonal_inches=23.0,
            width_px=1920,
            height_px=1080,
            digital=True,
            edid_version="1.3",
        ),
    ),
    (
        "samsung-model-year.hex",
        EdidInfo(
            manufacturer_id="SAM",
            manufacturer="Samsung",
            product_code=0x0E3F,
            model="S24F350",
            serial=None,
            manufacture_week=None,
            manufacture_year=None,
            model_year=2019,
            width_mm=531,
            height_mm=299,
            diagonal_inches=24.0,
            width_px=1920,
            height_px=1080,
            digital=True,
            edid_version="1.4",
        ),
    ),
    (
        "auo-laptop-panel.hex",
        EdidInfo(
            manufacturer_id="AUO",
            manufacturer="AU Optronics",
            product_code=0x403D,
            model=None,
            serial=None,
            manufacture_week=None,
            manufacture_year=2020,
            model_year=None,
            width_mm=309,
            height_mm=174,
            diagonal_inches=14.0,
            width_px=1920,
            height_px=1080,
            digital=True,
            edid_version="1.4",
        ),
    ),
    (
        "nec-projector-256.hex",
        EdidInfo(
            manufacturer_id="NEC",
            manufacturer="NEC",
            product_code=0x0157,
            model="NP-M352WS",
            serial="1500123AB",
            manufacture_week=40,
            manufacture_year=2015,
            model_year=None,
            width_mm=None,
            height_mm=None,
            diagonal_inches=None,
            width_px=1280,
            height_px=800,
            digital=True,
            edid_version="1.3",
        ),
    ),
    (
        # recorded: a MacBookPro8,2's built-in panel, as system_profiler printed it in 2012 (README)
        "apple-color-lcd-macbookpro8-2.hex",
        EdidInfo(
            manufacturer_id="APP",
            manufacturer="Apple",
            product_code=0xA005,
            model="Color LCD",
            serial=None,  # serial field 0 and no serial descriptor: the panel has none
            manufacture_week=49,
            manufacture_year=2010,
            model_year=None,
            width_mm=331,
            height_mm=207,
            diagonal_inches=15.4,
            width_px=1680,
            height_px=1050,
            digital=True,
            edid_version="1.3",
        ),
    ),
]


@pytest.mark.parametrize(("name", "expected"), FIXTURE_CASES, ids=[case[0] for case in FIXTURE_CASES])
def test_parse_edid_fixture(name: str, expected: EdidInfo) -> None:
    assert parse_edid(read_hex(name)) == expected


BUILT_CASES = [
    # (label, build_edid kwargs, {field: expected})
    ("numeric serial in decimal", {"serial_number": 0x00A1B2C3}, {"serial": "10597059"}),
    ("serial field 0 is no serial", {"serial_number": 0}, {"serial": None}),
    ("serial field 0x01010101 is junk", {"serial_number": 0x01010101}, {"serial": None}),
    (
        "descriptor serial wins over the number",
        {"serial_number": 4711, "descriptors": (text_descriptor(0xFF, "CN0ABC123"),)},
        {"serial": "CN0ABC123"},
    ),
    (
        "junk descriptor serial falls back to the number",
        {"serial_number": 4711, "descriptors": (text_descriptor(0xFF, "0123456789"),)},
        {"serial": "4711"},
    ),
    (
        "13-character name fills the descriptor with no terminator",
        {"descriptors": (text_descriptor(0xFC, "PHL 27E1N5600"),)},
        {"model": "PHL 27E1N5600"},
    ),
    ("week 0 means unspecified", {"week": 0, "year": 2008, "revision": 3}, {"manufacture_week": None}),
    (
        "0xFF week in 1.3 is not a model year",
        {"week": 0xFF, "year": 2008, "revision": 3},
        {"manufacture_week": None, "manufacture_year": 2008, "model_year": None},
    ),
    ("aspect ratio only gives no size", {"size_cm": (79, 0)}, {"width_mm": None, "diagonal_inches": None}),
    (
        "size from cm without a timing descriptor",
        {"size_cm": (60, 34)},
        {"width_mm": 600, "height_mm": 340, "diagonal_inches": 27.2, "width_px": None},
    ),
    (
        "aspect ratio in the timing mm fields is ignored",
        {
            "size_cm": (60, 34),
            "descriptors": (timing_descriptor(width_px=2560, height_px=1440, width_mm=16, height_mm=9),),
        },
        {"width_mm": 600, "height_mm": 340, "width_px": 2560, "height_px": 1440},
    ),
    ("analog input", {"digital": False}, {"digital": False}),
    ("unknown PNP id keeps the code", {"maker": "ZZZ"}, {"manufacturer_id": "ZZZ", "manufacturer": None}),
]


@pytest.mark.parametrize(("label", "kwargs", "expected"), BUILT_CASES, ids=[case[0] for case in BUILT_CASES])
def test_parse_edid_built(label: str, kwargs: dict, expected: dict) -> None:
    info = parse_edid(build_edid(**kwargs))
    assert {field: getattr(info, field) for field in expected} == expected


def corrupt(data: bytes, offset: int, value: int) -> bytes:
    """Copy of `data` with one byte replaced."""
    return data[:offset] + bytes([value]) + data[offset + 1 :]


GOOD = build_edid(descriptors=(FHD_24, text_descriptor(0xFC, "U2421E")))

CORRUPT_CASES = [
    ("empty", b"", "too short"),
    ("truncated", GOOD[:100], "too short"),
    ("no header", b"\x00" * 128, "header"),
    ("random bytes", bytes(range(128)), "header"),
]


@pytest.mark.parametrize(("label", "data", "message"), CORRUPT_CASES, ids=[case[0] for case in CORRUPT_CASES])
def test_parse_edid_rejects_garbage(label: str, data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_edid(data)


@pytest.mark.parametrize(
    "data",
    [corrupt(GOOD, 127, (GOOD[127] + 1) % 256), corrupt(GOOD, 60, GOOD[60] ^ 0x40)],
    ids=["bad checksum byte", "flipped byte"],
)
def test_a_bad_checksum_is_flagged_and_the_facts_kept(data: bytes) -> None:
    """KVM switches and old CRTs send such EDIDs: other agents keep the monitor, and so do we."""
    info = parse_edid(data)
    assert (info.checksum_ok, info.manufacturer_id, info.model) == (False, "DEL", "U2421E")
    assert monitor_from_edid(data).edid_checksum_ok is False
    assert parse_edid(GOOD).checksum_ok is True


def test_unsupported_version_with_valid_checksum() -> None:
    block = bytearray(build_edid())
    block[18] = 2
    block[127] = (-sum(block[:127])) % 256
    with pytest.raises(ValueError, match="version 2"):
        parse_edid(bytes(block))


def test_manufacturer_id_with_reserved_bit_is_rejected() -> None:
    with pytest.raises(ValueError, match="reserved bit"):
        decode_pnp_id(0x90, 0xAC)


@pytest.mark.parametrize(
    ("high", "low", "letters"), [(0x10, 0xAC, "DEL"), (0x4C, 0x2D, "SAM"), (0x1E, 0x6D, "GSM")]
)
def test_decode_pnp_id(high: int, low: int, letters: str) -> None:
    assert decode_pnp_id(high, low) == letters


def test_monitor_from_edid_maps_to_report_record() -> None:
    assert monitor_from_edid(read_hex("dell-st2320l.hex"), connector="DP-1") == Monitor(
        connector="DP-1",
        manufacturer="DEL",
        manufacturer_name="Dell",
        model="DELL ST2320L",
        product_code=0xF024,
        serial="M2NN6215A8MS",
        width_mm=509,
        height_mm=286,
        diagonal_inches=23.0,
        manufacture_year=2012,
        manufacture_week=1,
        edid_checksum_ok=True,
    )
