"""Cross-platform helpers: MAC and time formats, the per-source boundary, the py-cpuinfo cache."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from collector.platforms import common
from collector.report import ReportError


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3C:52:82:AA:BB:CC", "3c:52:82:aa:bb:cc"),
        ("3c-52-82-aa-bb-cc", "3c:52:82:aa:bb:cc"),
        ("3c52.82aa.bbcc", "3c:52:82:aa:bb:cc"),
        ("00:00:00:00:00:00", None),
        ("ff:ff:ff:ff:ff:ff", None),
        ("80:00:02:08:fe:80:00:00:00:00:00:00:00:11:22:33:44:55:66:77", None),  # InfiniBand, not a MAC
        ("", None),
        (None, None),
    ],
)
def test_format_mac(raw: str | None, expected: str | None) -> None:
    assert common.format_mac(raw) == expected


def test_iso_utc() -> None:
    assert common.iso_utc(1_700_000_000.7) == "2023-11-14T22:13:20Z"
    assert common.iso_utc(None) is None


@pytest.mark.parametrize(
    ("mask", "length"),
    [("255.255.255.0", 24), ("ffff:ffff:ffff:ffff::", 64), ("64", 64), ("255.0.255.0", None), (None, None)],
)
def test_prefix_length(mask: str | None, length: int | None) -> None:
    assert common.prefix_length(mask) == length


def test_attempt_turns_a_failure_into_an_error_entry() -> None:
    errors: list[ReportError] = []
    assert common.attempt(errors, "hardware", "meminfo", lambda: int("x"), None) is None
    assert common.attempt(errors, "hardware", "cpuinfo", lambda: 4, None) == 4
    assert errors == [
        ReportError(
            section="hardware",
            source="meminfo",
            message="ValueError: invalid literal for int() with base 10: 'x'",
        )
    ]


def test_status_addresses_leave_out_loopback() -> None:
    from collector.report import IpAddress

    found = [IpAddress(address=a) for a in ("127.0.0.1", "::1", "10.0.0.5", "fe80::1", "10.0.0.5")]
    assert common.status_ip_addresses(found) == ["10.0.0.5", "fe80::1"]


def test_cpuinfo_cache_gives_the_uncached_facts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cached run reports exactly what an uncached (py-cpuinfo) run reports, until the next boot."""
    pytest.importorskip("cpuinfo")
    cold = common.cached_cpuinfo("boot-1", tmp_path)
    assert json.loads((tmp_path / "cpuinfo.json").read_text())["boot_key"] == "boot-1"

    import cpuinfo

    def must_not_run() -> dict:
        raise AssertionError("py-cpuinfo ran although the cache is valid")

    monkeypatch.setattr(cpuinfo, "get_cpu_info", must_not_run)
    assert common.cached_cpuinfo("boot-1", tmp_path) == cold
    monkeypatch.setattr(cpuinfo, "get_cpu_info", lambda: {"brand_raw": "After Reboot CPU"})
    assert common.cached_cpuinfo("boot-2", tmp_path)["brand_raw"] == "After Reboot CPU"


def test_damaged_cache_is_recomputed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cpuinfo

    (tmp_path / "cpuinfo.json").write_text("{not json")
    monkeypatch.setattr(cpuinfo, "get_cpu_info", lambda: {"brand_raw": "Fresh"})
    assert common.cached_cpuinfo("boot-1", tmp_path)["brand_raw"] == "Fresh"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="gathers this Linux machine")
def test_cached_run_report_equals_uncached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from collector.gather import collect_report

    monkeypatch.setenv("INVENTORY_COLLECTOR_CACHE_DIR", str(tmp_path / "cache"))
    cold = collect_report({"system", "hardware"})
    warm = collect_report({"system", "hardware"})
    assert (cold.system, cold.hardware, cold.hashes) == (warm.system, warm.hardware, warm.hashes)
