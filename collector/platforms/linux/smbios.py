"""Memory modules from the raw SMBIOS table (/sys/firmware/dmi/tables/DMI, type 17 structures)."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

from collector.junk import clean_serial, clean_string
from collector.report import MemoryModule

DMI_TABLE = Path("/sys/firmware/dmi/tables/DMI")
MEMORY_DEVICE = 17
END_OF_TABLE = 127

# SMBIOS 3.7 section 7.18.2, "Memory Device - Type".
MEMORY_TYPES = {
    0x03: "DRAM", 0x04: "EDRAM", 0x05: "VRAM", 0x06: "SRAM", 0x07: "RAM", 0x08: "ROM", 0x09: "FLASH",
    0x0A: "EEPROM", 0x0B: "FEPROM", 0x0C: "EPROM", 0x0D: "CDRAM", 0x0E: "3DRAM", 0x0F: "SDRAM",
    0x10: "SGRAM", 0x11: "RDRAM", 0x12: "DDR", 0x13: "DDR2", 0x14: "DDR2 FB-DIMM", 0x18: "DDR3",
    0x19: "FBD2", 0x1A: "DDR4", 0x1B: "LPDDR", 0x1C: "LPDDR2", 0x1D: "LPDDR3", 0x1E: "LPDDR4",
    0x1F: "Logical non-volatile device", 0x20: "HBM", 0x21: "HBM2", 0x22: "DDR5", 0x23: "LPDDR5",
    0x24: "HBM3",
}  # fmt: skip

# SMBIOS 3.7 section 7.18.1, "Memory Device - Form Factor".
FORM_FACTORS = {
    0x03: "SIMM", 0x04: "SIP", 0x05: "Chip", 0x06: "DIP", 0x07: "ZIP", 0x08: "Proprietary Card",
    0x09: "DIMM", 0x0A: "TSOP", 0x0B: "Row of chips", 0x0C: "RIMM", 0x0D: "SODIMM", 0x0E: "SRIMM",
    0x0F: "FB-DIMM", 0x10: "Die", 0x11: "CAMM",
}  # fmt: skip

MIB = 1024 * 1024


def iter_structures(table: bytes) -> Iterator[tuple[int, bytes, list[str]]]:
    """(type, formatted area, strings) of each structure; raises ValueError on a truncated table."""
    offset = 0
    while offset + 4 <= len(table):
        kind, length = table[offset], table[offset + 1]
        if length < 4 or offset + length > len(table):
            raise ValueError(f"SMBIOS structure at {offset} overruns the table")
        formatted = table[offset : offset + length]
        end = table.find(b"\x00\x00", offset + length)
        if end < 0:
            raise ValueError(f"SMBIOS strings at {offset + length} are not terminated")
        strings_area = table[offset + length : end]
        strings = [s.decode("latin-1") for s in strings_area.split(b"\x00")] if strings_area else []
        yield kind, formatted, strings
        if kind == END_OF_TABLE:
            return
        offset = end + 2
    if offset != len(table):
        raise ValueError(f"SMBIOS table truncated at {offset} of {len(table)} bytes")


def _string(formatted: bytes, strings: list[str], at: int) -> str | None:
    if at >= len(formatted) or formatted[at] == 0 or formatted[at] > len(strings):
        return None
    return strings[formatted[at] - 1]


def _word(formatted: bytes, at: int) -> int | None:
    return struct.unpack_from("<H", formatted, at)[0] if at + 2 <= len(formatted) else None


def _size_bytes(formatted: bytes) -> int | None:
    size = _word(formatted, 0x0C)
    if size is None or size == 0xFFFF:
        return None
    if size == 0x7FFF and len(formatted) >= 0x20:
        return (struct.unpack_from("<I", formatted, 0x1C)[0] & 0x7FFFFFFF) * MIB
    return (size & 0x7FFF) * (1024 if size & 0x8000 else MIB)


def _speed(formatted: bytes, at: int, extended_at: int) -> int | None:
    speed = _word(formatted, at)
    if speed == 0xFFFF and len(formatted) >= extended_at + 4:
        return struct.unpack_from("<I", formatted, extended_at)[0] & 0x7FFFFFFF or None
    return speed or None


def parse_memory_device(formatted: bytes, strings: list[str]) -> MemoryModule | None:
    """One type 17 structure as a module, or None for an empty slot."""
    if len(formatted) < 0x15:
        raise ValueError("SMBIOS memory device structure too short")
    size = _size_bytes(formatted)
    if size == 0:
        return None
    return MemoryModule(
        slot=clean_string(_string(formatted, strings, 0x10)),
        bank=clean_string(_string(formatted, strings, 0x11)),
        size_bytes=size,
        type=MEMORY_TYPES.get(formatted[0x12]),
        form_factor=FORM_FACTORS.get(formatted[0x0E]),
        speed_mts=_speed(formatted, 0x15, 0x54),
        configured_speed_mts=_speed(formatted, 0x20, 0x58) if len(formatted) >= 0x22 else None,
        manufacturer=clean_string(_string(formatted, strings, 0x17)),
        serial=clean_serial(_string(formatted, strings, 0x18)),
        part_number=clean_string(_string(formatted, strings, 0x1A)),
    )


def parse_memory_modules(table: bytes) -> list[MemoryModule]:
    """Every populated memory slot in an SMBIOS table."""
    modules = []
    for kind, formatted, strings in iter_structures(table):
        if kind == MEMORY_DEVICE:
            module = parse_memory_device(formatted, strings)
            if module is not None:
                modules.append(module)
    return modules


def read_memory_modules(table_path: Path = DMI_TABLE) -> list[MemoryModule] | None:
    """Memory modules of this machine, or None when the table is absent (no SMBIOS, e.g. some VMs)."""
    try:
        table = table_path.read_bytes()
    except FileNotFoundError:
        return None
    return parse_memory_modules(table)
