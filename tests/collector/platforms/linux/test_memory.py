"""/proc/meminfo in bytes."""

import pytest

from collector.platforms.linux.memory import parse_meminfo

from .fixtures import text


def test_parse_meminfo_recorded() -> None:
    values = parse_meminfo(text("meminfo/debian-12-firecracker-vm.txt"))
    assert values["MemTotal"] == 24684084 * 1024
    assert values["HugePages_Total"] == 0


def test_garbled_meminfo_raises() -> None:
    with pytest.raises(ValueError):
        parse_meminfo(text("meminfo/garbled.txt"))
