"""Where the collector keeps its config and state on each OS (cheap to import: `run` starts here)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

DUE_FILE = "next_run_at"  # the state's due time as Unix seconds, read by the fast path of `run`
# A due time further ahead than this is ignored: a clock that jumped back must not silence the collector.
MAX_WAIT_SECONDS = 24 * 3600


def default_config_path(platform: str = sys.platform, environ: Mapping[str, str] = os.environ) -> Path:
    """Where the config file lives on this OS."""
    if platform == "win32":
        program_data = environ.get("ProgramData", r"C:\ProgramData")
        return Path(program_data) / "InventoryCollector" / "config.toml"
    if platform == "darwin":
        return Path("/Library/Application Support/InventoryCollector/config.toml")
    return Path("/etc/inventory-collector/config.toml")


def system_state_dir(platform: str = sys.platform, environ: Mapping[str, str] = os.environ) -> Path:
    """The machine-wide state directory of this OS."""
    if platform == "win32":
        return Path(environ.get("ProgramData", r"C:\ProgramData")) / "InventoryCollector"
    if platform == "darwin":
        return Path("/Library/Application Support/InventoryCollector")
    return Path("/var/lib/inventory-collector")


def default_state_dir(*, system: Path | None = None, home: Path | None = None) -> Path:
    """The system state directory, or a per-user one when the system one is not writable (not root)."""
    system = system or system_state_dir()
    if _writable(system):
        return system
    return (home or Path.home()) / ".local" / "state" / "inventory-collector"


def _writable(directory: Path) -> bool:
    """True if the directory exists and is writable, or could be created."""
    probe = directory
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    return probe.is_dir() and os.access(probe, os.W_OK | os.X_OK)
