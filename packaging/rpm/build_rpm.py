"""Build the collector's RPM: `python3 packaging/rpm/build_rpm.py [OUT_DIR]` → inventory-collector-<v>-1.noarch.rpm.

`inventory-collector.spec` beside this file installs what the .deb holds: the collector's pure-Python package under
/usr/lib/inventory-collector, run by the distribution's python3 with its psutil and py-cpuinfo, the same systemd
service and timer, the 0600 config file and the 0700 state directory. This script makes the spec's source tarball
from the .deb builder's pieces, so both packages carry the same files. It needs rpmbuild (`apt-get install rpm` on
Debian, `dnf install rpm-build` on Fedora).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "deb"))

from build_deb import COMMAND, CONFIG, NAME, ROOT, WRAPPER, version  # noqa: E402

from collector.schedule import systemd_units  # noqa: E402

SPEC = HERE / f"{NAME}.spec"


def write_sources(folder: Path) -> None:
    """The tarball's tree: the collector package, the wrapper, the units and the config template."""
    shutil.copytree(ROOT / "collector", folder / "collector", ignore=shutil.ignore_patterns("__pycache__"))
    (folder / NAME).write_text(WRAPPER, encoding="utf-8")
    for name, text in systemd_units([COMMAND], user="root", splay_seconds=300).items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "config.toml").write_text(CONFIG, encoding="utf-8")


def rpm_defines(topdir: Path) -> list[str]:
    """The macros the spec expects from its builder."""
    return ["--define", f"_topdir {topdir}", "--define", f"collector_version {version()}"]


def build(out_dir: Path) -> Path:
    """Make the source tarball, run rpmbuild and copy the package into `out_dir`; returns its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        top = Path(tmp)
        base = f"{NAME}-{version()}"
        write_sources(top / base)
        (top / "SOURCES").mkdir()
        with tarfile.open(top / "SOURCES" / f"{base}.tar.gz", "w:gz") as tar:
            tar.add(top / base, arcname=base)
        subprocess.run(["rpmbuild", "-bb", *rpm_defines(top), str(SPEC)], check=True, capture_output=True)
        (built,) = (top / "RPMS" / "noarch").glob("*.rpm")
        return Path(shutil.copy2(built, out_dir))


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist"))
