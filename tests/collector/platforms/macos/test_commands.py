"""The macOS readers: app bundles, receipts and Homebrew on folders laid out as macOS lays them out, and the commands run."""

from __future__ import annotations

import datetime as dt
import plistlib
import sys
from pathlib import Path

import pytest

from collector.platforms.macos import commands
from collector.platforms.macos.commands import read_app_bundles, read_homebrew, read_plist, read_receipts, run


def write_plist(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(plistlib.dumps(value))


def test_read_app_bundles(tmp_path: Path) -> None:
    apps = tmp_path / "Applications"
    write_plist(apps / "Firefox.app" / "Contents" / "Info.plist", {"CFBundleName": "Firefox"})
    (apps / "Damaged.app" / "Contents").mkdir(parents=True)
    (apps / "Damaged.app" / "Contents" / "Info.plist").write_bytes(b"<?xml version='1.0'?><plist><dict><key>")
    (apps / "NoPlist.app").mkdir()
    assert read_app_bundles((str(apps), str(tmp_path / "missing"))) == [
        {"path": str(apps / "Damaged.app"), "info": {}},
        {"path": str(apps / "Firefox.app"), "info": {"CFBundleName": "Firefox"}},
    ]


def test_read_receipts_skips_damaged_files(tmp_path: Path) -> None:
    when = dt.datetime(2024, 3, 2, 10, 15)
    write_plist(
        tmp_path / "com.example.tool.plist", {"PackageIdentifier": "com.example.tool", "InstallDate": when}
    )
    (tmp_path / "com.example.broken.plist").write_bytes(b"bplist00garbage")
    (tmp_path / "com.example.tool.bom").write_bytes(b"BOMStore")
    assert read_receipts(str(tmp_path)) == [{"PackageIdentifier": "com.example.tool", "InstallDate": when}]


def test_read_homebrew(tmp_path: Path) -> None:
    for relative in (
        "Cellar/git/2.44.0",
        "Cellar/openssl@3/3.2.1",
        "Cellar/openssl@3/3.3.0",
        "Caskroom/firefox/125.0.2",
    ):
        (tmp_path / relative).mkdir(parents=True)
    (tmp_path / "Caskroom/firefox/.metadata").mkdir()
    (tmp_path / "Cellar/git/INSTALL_RECEIPT.json").write_text("{}")
    prefix = str(tmp_path)
    assert read_homebrew((prefix, str(tmp_path / "usr-local"))) == [
        {"kind": "formula", "name": "git", "version": "2.44.0", "prefix": prefix},
        {"kind": "formula", "name": "openssl@3", "version": "3.2.1", "prefix": prefix},
        {"kind": "formula", "name": "openssl@3", "version": "3.3.0", "prefix": prefix},
        {"kind": "cask", "name": "firefox", "version": "125.0.2", "prefix": prefix},
    ]


def test_read_plist(tmp_path: Path) -> None:
    write_plist(tmp_path / "com.apple.alf.plist", {"globalstate": 1})
    assert read_plist(str(tmp_path / "com.apple.alf.plist")) == {"globalstate": 1}
    assert read_plist(str(tmp_path / "absent.plist")) is None


def test_run_returns_stdout_and_refuses_a_failed_command() -> None:
    assert run([sys.executable, "-c", "print('FileVault is On.')"]) == b"FileVault is On.\n"
    with pytest.raises(OSError, match="exited with 3"):
        run([sys.executable, "-c", "import sys; sys.stderr.write('no'); sys.exit(3)"])


def test_system_profiler_runs_at_the_full_detail_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """`mini` hides the drives' serials and the console user (docs/collector.md, "detail level")."""
    seen = []
    monkeypatch.setattr(commands, "run", lambda argv: seen.append(argv) or b"{}")
    assert commands.run_system_profiler() == {}
    assert seen[0][:4] == ["system_profiler", "-json", "-detailLevel", "full"]
