"""Parse a monitor's EDID block (VESA E-EDID 1.3 / 1.4 base block) into identity facts."""

from __future__ import annotations

import math
from dataclasses import dataclass

from collector.junk import clean_serial, clean_string
from collector.report import Monitor

HEADER = b"\x00\xff\xff\xff\xff\xff\xff\x00"
BLOCK_SIZE = 128
DESCRIPTOR_OFFSETS = (54, 72, 90, 108)
TAG_SERIAL = 0xFF
TAG_TEXT = 0xFE
TAG_NAME = 0xFC
MM_PER_INCH = 25.4

# PNP ids (the three letters packed into bytes 8-9) of the vendors most often met on desks.
PNP_VENDORS: dict[str, str] = {
    "ACI": "ASUS",
    "ACR": "Acer",
    "AOC": "AOC",
    "APP": "Apple",
    "AUO": "AU Optronics",
    "AUS": "ASUS",
    "BNQ": "BenQ",
    "BOE": "BOE",
    "CMN": "Chimei Innolux",
    "DEL": "Dell",
    "EIZ": "EIZO",
    "ENC": "EIZO",
    "FUS": "Fujitsu",
    "GSM": "LG",
    "GBT": "Gigabyte",
    "HPN": "HP",
    "HWP": "HP",
    "HSD": "HannStar",
    "IVM": "Iiyama",
    "LEN": "Lenovo",
    "LGD": "LG Display",
    "MEI": "Panasonic",
    "MSI": "MSI",
    "NEC": "NEC",
    "PHL": "Philips",
    "SAM": "Samsung",
    "SDC": "Samsung Display",
    "SEC": "Samsung",
    "SHP": "Sharp",
    "SNY": "Sony",
    "TSB": "Toshiba",
    "VSC": "ViewSonic",
    "WAC": "Wacom",
}


@dataclass(frozen=True, slots=True)
class EdidInfo:
    """What one EDID base block says about the display that sent it."""

    manufacturer_id: str
    manufacturer: str | None
    product_code: int
    model: str | None
    serial: str | None
    manufacture_week: int | None
    manufacture_year: int | None
    model_year: int | None
    width_mm: int | None
    height_mm: int | None
    diagonal_inches: float | None
    width_px: int | None
    height_px: int | None
    digital: bool
    edid_version: str
    #: False when the block's bytes do not sum to 0 mod 256 (KVM switches and old CRTs send such EDIDs):
    #: the facts are decoded all the same, as other agents do, and the monitor carries the flag.
    checksum_ok: bool = True


def parse_edid(data: bytes) -> EdidInfo:
    """Decode the 128-byte EDID base block at the start of `data`; ValueError if it is not one (a bad checksum
    alone is not enough: it is flagged, not refused)."""
    if len(data) < BLOCK_SIZE:
        raise ValueError(f"EDID too short: {len(data)} bytes, need {BLOCK_SIZE}")
    block = bytes(data[:BLOCK_SIZE])
    if block[:8] != HEADER:
        raise ValueError("EDID header pattern missing")
    version, revision = block[18], block[19]
    if version != 1:
        raise ValueError(f"unsupported EDID structure version {version}.{revision}")
    pnp = decode_pnp_id(block[8], block[9])
    week, year, model_year = _manufacture_date(block[16], block[17], revision)
    texts = _descriptor_texts(block)
    width_mm, height_mm = _image_size_mm(block)
    width_px, height_px = _preferred_resolution(block)
    return EdidInfo(
        manufacturer_id=pnp,
        manufacturer=PNP_VENDORS.get(pnp),
        product_code=int.from_bytes(block[10:12], "little"),
        model=clean_string(texts.get(TAG_NAME)),
        serial=_serial(block, texts),
        manufacture_week=week,
        manufacture_year=year,
        model_year=model_year,
        width_mm=width_mm,
        height_mm=height_mm,
        diagonal_inches=_diagonal_inches(width_mm, height_mm),
        width_px=width_px,
        height_px=height_px,
        digital=bool(block[20] & 0x80),
        edid_version=f"{version}.{revision}",
        checksum_ok=sum(block) % 256 == 0,
    )


def monitor_from_edid(data: bytes, *, connector: str | None = None) -> Monitor:
    """The report's Monitor record for an EDID blob; ValueError if the blob is not a valid EDID."""
    info = parse_edid(data)
    return Monitor(
        connector=connector,
        manufacturer=info.manufacturer_id,
        manufacturer_name=info.manufacturer,
        model=info.model,
        product_code=info.product_code,
        serial=info.serial,
        width_mm=info.width_mm,
        height_mm=info.height_mm,
        diagonal_inches=info.diagonal_inches,
        manufacture_year=info.manufacture_year,
        manufacture_week=info.manufacture_week,
        edid_checksum_ok=info.checksum_ok,
    )


def decode_pnp_id(high: int, low: int) -> str:
    """Three-letter PNP manufacturer id from the big-endian word of 5-bit letters (1 = 'A')."""
    word = (high << 8) | low
    if word & 0x8000:
        raise ValueError("EDID manufacturer id has its reserved bit set")
    codes = ((word >> 10) & 0x1F, (word >> 5) & 0x1F, word & 0x1F)
    if not all(1 <= code <= 26 for code in codes):
        raise ValueError(f"EDID manufacturer id {word:#06x} is not three letters")
    return "".join(chr(ord("A") + code - 1) for code in codes)


def pnp_from_word(word: int) -> str | None:
    """The PNP id of a manufacturer word as macOS prints it (Apple's "APP" is 0x0610); None if not one."""
    try:
        return decode_pnp_id((word >> 8) & 0xFF, word & 0xFF) if 0 <= word <= 0xFFFF else None
    except ValueError:
        return None


def _manufacture_date(week: int, year_byte: int, revision: int) -> tuple[int | None, int | None, int | None]:
    """(week, year of manufacture, model year); EDID 1.4 marks a model year with week 0xFF."""
    year = 1990 + year_byte
    if week == 0xFF and revision >= 4:
        return None, None, year
    return (week if 1 <= week <= 54 else None), year, None


def _descriptor_texts(block: bytes) -> dict[int, str]:
    """Text of the serial, name and free-text display descriptors, keyed by tag (first wins)."""
    texts: dict[int, str] = {}
    for offset in DESCRIPTOR_OFFSETS:
        descriptor = block[offset : offset + 18]
        if descriptor[0:3] != b"\x00\x00\x00" or descriptor[3] not in (TAG_SERIAL, TAG_TEXT, TAG_NAME):
            continue
        raw = descriptor[5:18].split(b"\x0a", 1)[0]
        text = raw.decode("cp437").strip(" \x00")
        if text and descriptor[3] not in texts:
            texts[descriptor[3]] = text
    return texts


def _serial(block: bytes, texts: dict[int, str]) -> str | None:
    """The serial-number descriptor string, else the 32-bit serial field in decimal; junk is None."""
    text_serial = clean_serial(texts.get(TAG_SERIAL))
    if text_serial is not None:
        return text_serial
    return clean_serial(int.from_bytes(block[12:16], "little"))


def _image_size_mm(block: bytes) -> tuple[int | None, int | None]:
    """Image size: the preferred timing's mm figures when they agree with the cm fields, else the cm."""
    width_cm, height_cm = block[21], block[22]
    if not (width_cm and height_cm):
        return None, None  # 1.4: one zero byte means an aspect ratio, both zero an undefined size
    dtd = block[54:72]
    if dtd[0] or dtd[1]:
        width_mm = dtd[12] | ((dtd[14] & 0xF0) << 4)
        height_mm = dtd[13] | ((dtd[14] & 0x0F) << 8)
        # Some panels put an aspect ratio (16 x 9 mm) here: keep mm only if it matches the cm to 1 cm.
        if abs(width_mm - width_cm * 10) <= 10 and abs(height_mm - height_cm * 10) <= 10:
            return width_mm, height_mm
    return width_cm * 10, height_cm * 10


def _preferred_resolution(block: bytes) -> tuple[int | None, int | None]:
    """Active pixels of the first detailed timing descriptor (the preferred mode), if it is one."""
    dtd = block[54:72]
    if not (dtd[0] or dtd[1]):
        return None, None
    return dtd[2] | ((dtd[4] & 0xF0) << 4), dtd[5] | ((dtd[7] & 0xF0) << 4)


def _diagonal_inches(width_mm: int | None, height_mm: int | None) -> float | None:
    """Diagonal in inches rounded to one decimal."""
    if not (width_mm and height_mm):
        return None
    return round(math.hypot(width_mm, height_mm) / MM_PER_INCH, 1)
