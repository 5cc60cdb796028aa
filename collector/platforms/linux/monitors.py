"""Connected monitors from the EDID the kernel exposes per DRM connector (/sys/class/drm/*/edid)."""

from __future__ import annotations

from pathlib import Path

from collector.edid import monitor_from_edid
from collector.platforms.linux.files import list_dir
from collector.report import Monitor, ReportError

DRM_DIR = Path("/sys/class/drm")


def connector_name(entry_name: str) -> str:
    """The connector without its card prefix: card0-HDMI-A-1 → HDMI-A-1."""
    card, sep, connector = entry_name.partition("-")
    return connector if sep and card.startswith("card") else entry_name


def read_monitors(errors: list[ReportError], drm_dir: Path = DRM_DIR) -> list[Monitor]:
    """A monitor per connector with an EDID; an EDID that does not parse is an error entry."""
    monitors = []
    for entry in list_dir(drm_dir):
        try:
            edid = (entry / "edid").read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            continue
        if not edid:
            continue  # nothing plugged into this connector
        connector = connector_name(entry.name)
        try:
            monitors.append(monitor_from_edid(edid, connector=connector))
        except ValueError as exc:
            errors.append(ReportError(section="peripherals", source=f"edid {connector}", message=str(exc)))
    return monitors
