"""Build the collector's Windows package on Windows: `python packaging/windows/build_windows.py [OUT_DIR]` →
inventory-collector-<v>-windows-<arch>.zip.

The zip holds the frozen collector folder (packaging/freeze.py: no Python or pip needed on the workstation) and the
scripts an administrator, a Group Policy startup script or an Intune Win32 app runs: install-collector.ps1
(-ServerUrl, -EnrollSecret) and uninstall-collector.ps1 (docs/deploy-collector.md).
"""

from __future__ import annotations

import platform
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "deb"))

from build_deb import ROOT, version  # noqa: E402
from freeze import NAME, freeze  # noqa: E402

SCRIPTS = ("install-collector.ps1", "uninstall-collector.ps1")


def pack(frozen: Path, target: Path) -> Path:
    """Zip the frozen folder (as inventory-collector/) and the install scripts beside it into `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(frozen.rglob("*")):
            if path.is_file():
                archive.write(path, f"{NAME}/{path.relative_to(frozen).as_posix()}")
        for script in SCRIPTS:
            archive.write(HERE / script, script)
    return target


def build(out_dir: Path) -> Path:
    """Freeze the collector and pack it; returns the zip's path."""
    with tempfile.TemporaryDirectory() as tmp:
        frozen = freeze(Path(tmp))
        arch = platform.machine().lower()  # amd64 or arm64
        return pack(frozen, out_dir / f"{NAME}-{version()}-windows-{arch}.zip")


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist"))
