"""Small readers for sysfs and procfs files: a missing file is None, other I/O errors propagate."""

from __future__ import annotations

from pathlib import Path


def read_text(path: Path) -> str | None:
    """The file's text stripped of surrounding whitespace, or None when it does not exist."""
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None


def read_raw(path: Path) -> str | None:
    """The file's full text, or None when it does not exist."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, NotADirectoryError):
        return None


def read_int(path: Path, base: int = 10) -> int | None:
    """An integer file (e.g. /sys/block/sda/size), or None when missing or empty."""
    text = read_text(path)
    if not text:
        return None
    try:
        return int(text, base)
    except ValueError:
        return None


def list_dir(path: Path) -> list[Path]:
    """Entries of a directory sorted by name, or an empty list when it does not exist."""
    try:
        return sorted(path.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
