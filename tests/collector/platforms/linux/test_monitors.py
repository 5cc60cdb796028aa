"""Monitors from DRM connectors' EDID; a bad EDID is an error entry, not a crash."""

from pathlib import Path

from collector.platforms.linux.monitors import connector_name, read_monitors
from collector.report import ReportError

from .fixtures import FIXTURES, write_tree

EDID_FIXTURES = FIXTURES.parent / "edid"


def test_connector_name() -> None:
    assert connector_name("card0-HDMI-A-1") == "HDMI-A-1"
    assert connector_name("card1-eDP-1") == "eDP-1"
    assert connector_name("renderD128") == "renderD128"


def test_read_monitors(tmp_path: Path) -> None:
    edid = bytes.fromhex((EDID_FIXTURES / "dell-st2320l.hex").read_text())
    write_tree(
        tmp_path,
        {
            "card0-DP-1/edid": edid,
            "card0-DP-2/edid": b"",  # nothing plugged in
            "card0-HDMI-A-1/edid": edid[:60],  # a truncated read from a flaky KVM switch
            "card0/dev": "226:0\n",
        },
    )
    errors: list[ReportError] = []
    monitors = read_monitors(errors, tmp_path)
    assert [(m.connector, m.manufacturer) for m in monitors] == [("DP-1", "DEL")]
    assert [(e.section, e.source) for e in errors] == [("peripherals", "edid HDMI-A-1")]
