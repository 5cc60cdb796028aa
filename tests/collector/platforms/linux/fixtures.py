"""Paths and loaders for the Linux fixtures."""

from pathlib import Path

FIXTURES = Path(__file__).parents[2] / "fixtures" / "linux"


def text(relative: str) -> str:
    """A fixture file's text."""
    return (FIXTURES / relative).read_text(encoding="utf-8")


def hex_bytes(relative: str) -> bytes:
    """A hex-dump fixture as bytes."""
    return bytes.fromhex(text(relative))


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Materialise a small sysfs-like tree of files under root."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root
