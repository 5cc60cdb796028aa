"""Build the collector's Debian package: `python3 packaging/deb/build_deb.py [OUT_DIR]` → inventory-collector_<v>_all.deb.

The package needs no pip on the workstation: the collector's pure-Python package under /usr/lib/inventory-collector,
Debian's python3-psutil and python3-cpuinfo, a systemd service and timer (the same units `install-service` writes),
the config file and the state directory. A silent install enrolls the machine when the server and the enroll secret
are given in the environment or in the config file before it (docs/collector.md).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from collector.schedule import systemd_units  # noqa: E402

NAME = "inventory-collector"
COMMAND = f"/usr/bin/{NAME}"
CONFIG = """# endpoint-inventory collector (docs/collector.md lists every setting)
# server = "https://inventory.example.org"
# enroll_secret = "…"
"""
WRAPPER = """#!/bin/sh
# The collector from its package folder, with Debian's python3.
PYTHONPATH=/usr/lib/inventory-collector exec /usr/bin/python3 -m collector "$@"
"""
POSTINST = """#!/bin/sh
set -e
if [ "$1" = configure ]; then
    install -d -m 0700 /var/lib/inventory-collector
    if [ -n "$INVENTORY_COLLECTOR_SERVER" ] && [ -n "$INVENTORY_COLLECTOR_SECRET" ]; then
        /usr/bin/inventory-collector enroll --server "$INVENTORY_COLLECTOR_SERVER" \\
            --secret "$INVENTORY_COLLECTOR_SECRET" || echo "inventory-collector: enrollment failed; the timer retries" >&2
    fi
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload >/dev/null || true
        systemctl enable --now inventory-collector.timer >/dev/null || true
    fi
fi
"""
PRERM = """#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
    systemctl disable --now inventory-collector.timer >/dev/null || true
fi
"""


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def control(size_kib: int) -> str:
    return f"""Package: {NAME}
Version: {version()}
Architecture: all
Maintainer: endpoint-inventory <inventory@example.org>
Depends: python3 (>= 3.11), python3-psutil, python3-cpuinfo
Section: admin
Priority: optional
Installed-Size: {size_kib}
Homepage: https://github.com/endpoint-inventory/endpoint-inventory
Description: endpoint inventory collector
 Reports this workstation's hardware, peripherals, network link and installed
 software to an endpoint-inventory server every 15 minutes (systemd timer).
"""


def write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def stage(root: Path) -> None:
    """The package's file tree under `root`."""
    shutil.copytree(
        ROOT / "collector",
        root / "usr/lib/inventory-collector/collector",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    write(root / "usr/bin" / NAME, WRAPPER, 0o755)
    for name, text in systemd_units([COMMAND], user="root", splay_seconds=300).items():
        write(root / "lib/systemd/system" / name, text)
    write(root / "etc/inventory-collector/config.toml", CONFIG, 0o600)
    (root / "var/lib/inventory-collector").mkdir(parents=True)
    (root / "var/lib/inventory-collector").chmod(0o700)
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) // 1024 + 1
    write(root / "DEBIAN/control", control(size))
    write(root / "DEBIAN/conffiles", "/etc/inventory-collector/config.toml\n")
    write(root / "DEBIAN/postinst", POSTINST, 0o755)
    write(root / "DEBIAN/prerm", PRERM, 0o755)


def build(out_dir: Path) -> Path:
    """Stage and build the .deb into `out_dir`; returns its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{NAME}_{version()}_all.deb"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        stage(root)
        subprocess.run(["dpkg-deb", "--build", "--root-owner-group", str(root), str(target)], check=True,
                       capture_output=True)  # fmt: skip
    return target


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist"))
