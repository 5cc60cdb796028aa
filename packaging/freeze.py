"""Freeze the collector with PyInstaller: `python packaging/freeze.py [OUT_DIR]` → OUT_DIR/inventory-collector/.

Windows and macOS have no Python the collector can count on, so their packages carry a frozen collector: one folder
with `inventory-collector` (`.exe` on Windows), the interpreter, psutil and py-cpuinfo. A folder (`--onedir`), not a
single file: a one-file build unpacks itself into a temporary folder on every start, which would cost each scheduled
run that has nothing to do (`run` exits in milliseconds when the report is not due) a second or more, and programs
unpacked into a temp folder and started as SYSTEM or root are what endpoint protection flags first. PyInstaller
builds for the OS it runs on, so the Windows and macOS packages are built on those runners
(.github/workflows/collector-packages.yml); needs `pip install pyinstaller` and the collector's dependencies.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = "inventory-collector"
# The console script's entry point, as a file for PyInstaller to start from.
ENTRY = "from collector.cli import main\n\nraise SystemExit(main())\n"


def freeze(out_dir: Path) -> Path:
    """Build the frozen folder `out_dir/inventory-collector`; returns its path."""
    with tempfile.TemporaryDirectory() as tmp:
        entry = Path(tmp) / "inventory_collector.py"
        entry.write_text(ENTRY, encoding="utf-8")
        # The collector imports its commands and platform modules lazily: name them all, or the freeze misses them.
        subprocess.run(
            [sys.executable, "-m", "PyInstaller", "--onedir", "--console", "--noconfirm", "--log-level", "WARN",
             "--name", NAME, "--paths", str(ROOT), "--collect-submodules", "collector",
             "--distpath", str(out_dir), "--workpath", str(Path(tmp) / "work"), "--specpath", tmp, str(entry)],
            check=True,
        )  # fmt: skip
    return out_dir / NAME


if __name__ == "__main__":
    print(freeze(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist" / "frozen"))
