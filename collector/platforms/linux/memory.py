"""Memory total from /proc/meminfo."""

from __future__ import annotations

from pathlib import Path

from collector.platforms.linux.files import read_raw

UNITS = {"kB": 1024, "": 1}


def parse_meminfo(text: str) -> dict[str, int]:
    """Every /proc/meminfo field in bytes (or a count, for HugePages_*); raises ValueError on nonsense."""
    values = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, rest = line.partition(":")
        parts = rest.split()
        if not sep or not parts or len(parts) > 2 or not parts[0].isdigit():
            raise ValueError(f"not a meminfo line: {line!r}")
        unit = parts[1] if len(parts) == 2 else ""
        if unit not in UNITS:
            raise ValueError(f"unknown meminfo unit {unit!r}")
        values[key.strip()] = int(parts[0]) * UNITS[unit]
    return values


def read_memory_total(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """Usable memory in bytes as the kernel counts it (MemTotal)."""
    return parse_meminfo(read_raw(meminfo) or "").get("MemTotal")
