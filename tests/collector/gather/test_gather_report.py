"""collect_report: every enabled section, hashed; a platform that raises still yields a report."""

from __future__ import annotations

import re
import sys
import types
import uuid

import pytest

from collector import gather, platforms
from collector.gather.hardware import gather_hardware
from collector.report import SECTIONS, HardwareSection, Report, ReportError, section_hash, to_dict


def test_platform_package_names() -> None:
    assert platforms.platform_package_name("linux") == "collector.platforms.linux"
    assert platforms.platform_package_name("win32") == "collector.platforms.windows"
    assert platforms.platform_package_name("darwin") == "collector.platforms.macos"
    with pytest.raises(RuntimeError):
        platforms.platform_package_name("sunos5")


def test_a_raising_platform_collector_is_an_error_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    def collect_hardware(errors: list[ReportError]) -> HardwareSection:
        raise OSError("sysfs went away")

    monkeypatch.setattr(
        platforms, "current", lambda: types.SimpleNamespace(collect_hardware=collect_hardware)
    )
    errors: list[ReportError] = []
    assert gather_hardware(errors) == HardwareSection()
    assert errors == [
        ReportError(section="hardware", source="collect_hardware", message="OSError: sysfs went away")
    ]


def test_a_missing_platform_collector_is_an_error_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platforms, "current", lambda: types.SimpleNamespace())
    errors: list[ReportError] = []
    report = gather.collect_report({"hardware"})
    errors = report.errors
    assert report.hardware == HardwareSection()
    assert {e.source for e in errors} >= {"collect_hardware", "collect_identity", "collect_status"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="gathers this Linux machine")
def test_full_report_of_this_machine() -> None:
    report = gather.collect_report()
    assert uuid.UUID(report.report_id).version == 4
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", report.collected_at)
    assert set(report.hashes) == set(SECTIONS)
    for name in SECTIONS:
        assert report.hashes[name] == section_hash(getattr(report, name))
    assert "status" not in report.hashes and "identity" not in report.hashes
    pydantic = pytest.importorskip("pydantic")
    assert pydantic.TypeAdapter(Report).validate_python(to_dict(report)) == report


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="gathers this Linux machine")
def test_only_enabled_sections_are_gathered_and_hashed() -> None:
    report = gather.collect_report({"network", "system"})
    assert set(report.hashes) == {"network", "system"}
    assert report.hardware is None and report.software is None and report.network is not None
    assert report.identity.hostname


def test_unknown_section_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown sections: gpu"):
        gather.enabled_sections({"hardware", "gpu"})
    assert gather.enabled_sections(None) == SECTIONS
    assert gather.enabled_sections(["software", "system"]) == ("system", "software")


def test_collector_version_is_the_installed_distribution_version() -> None:
    from importlib import metadata

    try:
        installed = metadata.version("endpoint-inventory")
    except metadata.PackageNotFoundError:
        pytest.skip("the project is not installed")
    assert gather.collector_version() == installed


def test_report_ids_are_random_version_4_uuids() -> None:
    ids = {gather.new_report_id() for _ in range(100)}
    assert len(ids) == 100
    assert {uuid.UUID(value).version for value in ids} == {4}
    assert all(uuid.UUID(value).variant == uuid.RFC_4122 for value in ids)
