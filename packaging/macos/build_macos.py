"""Build the collector's macOS package on a Mac: `python3 packaging/macos/build_macos.py [OUT_DIR]` →
inventory-collector-<v>-macos-<arch>.pkg (pkgbuild and productbuild come with Xcode's command line tools).

Payload: the frozen collector (packaging/freeze.py: macOS has no Python to count on) in
/usr/local/inventory-collector/ and the LaunchDaemon `install-service` writes (`collector.schedule.launchd_plist`:
every 900 s, at load, `run --splay 300`). scripts/preinstall stops a running job on upgrade; scripts/postinstall
writes the config from the environment or managed preferences, creates the 0700 state folder and starts the job
(docs/deploy-collector.md). Set INVENTORY_PKG_SIGN to a "Developer ID Installer: …" identity to sign the package.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "deb"))

from build_deb import ROOT, version  # noqa: E402
from freeze import NAME, freeze  # noqa: E402

from collector.schedule import DEFAULT_SPLAY_SECONDS, LAUNCHD_LABEL, LAUNCHD_PLIST, launchd_plist  # noqa: E402

INSTALL_DIR = Path("/usr/local/inventory-collector")
COLLECTOR = INSTALL_DIR / NAME
SCRIPTS = ("preinstall", "postinstall")


def launchd_job() -> bytes:
    """The LaunchDaemon plist, for the packaged collector."""
    return launchd_plist([str(COLLECTOR)], splay_seconds=DEFAULT_SPLAY_SECONDS)


def stage(frozen: Path, root: Path, scripts: Path) -> None:
    """The payload tree under `root` and the installer scripts under `scripts`."""
    shutil.copytree(frozen, root / INSTALL_DIR.relative_to("/"), symlinks=True)
    plist = root / LAUNCHD_PLIST.relative_to("/")
    plist.parent.mkdir(parents=True)
    plist.write_bytes(launchd_job())
    plist.chmod(0o644)  # launchd refuses a job file that others can write
    scripts.mkdir(parents=True)
    for name in SCRIPTS:
        shutil.copy2(HERE / "scripts" / name, scripts / name)
        (scripts / name).chmod(0o755)


def build(out_dir: Path) -> Path:
    """Freeze, stage, pkgbuild the component and productbuild the distributable package; returns its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{NAME}-{version()}-macos-{platform.machine()}.pkg"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        stage(freeze(work / "frozen"), work / "root", work / "scripts")
        component = work / "component.pkg"
        subprocess.run(
            ["pkgbuild", "--root", str(work / "root"), "--scripts", str(work / "scripts"),
             "--identifier", LAUNCHD_LABEL, "--version", version(), "--install-location", "/", str(component)],
            check=True,
        )  # fmt: skip
        sign = os.environ.get("INVENTORY_PKG_SIGN")
        subprocess.run(
            ["productbuild", *(["--sign", sign] if sign else []), "--package", str(component), str(target)],
            check=True,
        )
    return target


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist"))
