"""Memory modules from the raw SMBIOS table (type 17)."""

from pathlib import Path

import pytest

from collector.platforms.linux import smbios
from collector.report import MemoryModule

from .fixtures import hex_bytes

GIB = 1024**3


def test_parse_memory_modules() -> None:
    modules = smbios.parse_memory_modules(hex_bytes("smbios/handmade-two-dimms-and-empty-slot.hex"))
    assert modules == [
        MemoryModule(
            slot="ChannelA-DIMM0", bank="BANK 0", size_bytes=8 * GIB, type="DDR4", form_factor="SODIMM",
            speed_mts=3200, configured_speed_mts=3200, manufacturer="Samsung", part_number="M471A1K43DB1-CWE",
            serial="3A1B2C4D",
        ),
        MemoryModule(
            slot="DIMM_B1", bank="P0 CHANNEL B", size_bytes=32 * GIB, type="DDR5", form_factor="DIMM",
            speed_mts=4800, configured_speed_mts=4400, manufacturer="Kingston", part_number="KF548C38-32",
            serial=None,
        ),
    ]  # fmt: skip


def test_truncated_table_raises() -> None:
    with pytest.raises(ValueError):
        smbios.parse_memory_modules(hex_bytes("smbios/truncated.hex"))


def test_size_in_kilobytes() -> None:
    formatted = bytearray(0x22)
    formatted[0] = 17
    formatted[0x0C:0x0E] = (0x8000 | 512).to_bytes(2, "little")  # bit 15: the size is in KiB
    module = smbios.parse_memory_device(bytes(formatted), [])
    assert module is not None and module.size_bytes == 512 * 1024


def test_missing_table_is_none(tmp_path: Path) -> None:
    assert smbios.read_memory_modules(tmp_path / "DMI") is None
