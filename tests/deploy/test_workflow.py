"""The Windows and macOS packages' CI workflow parses and builds and tests what it says (it runs only on GitHub's
runners; a YAML parser is needed to read it here, and the check is skipped without one)."""

from __future__ import annotations

from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML is not installed: the workflow was not parsed")

ROOT = Path(__file__).parents[2]


def steps_text(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_the_workflow_builds_and_tries_each_package_on_its_os() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/collector-packages.yml").read_text())
    jobs = workflow["jobs"]
    assert jobs["windows"]["runs-on"].startswith("windows")
    assert all(runner.startswith("macos") for runner in jobs["macos"]["strategy"]["matrix"]["runner"])
    for name, builder, installer in (
        ("windows", "packaging/windows/build_windows.py", "install-collector.ps1"),
        ("macos", "packaging/macos/build_macos.py", "installer -pkg"),
    ):
        text = steps_text(jobs[name])
        assert "python -m pytest -q tests/collector" in text
        assert f"python {builder} dist" in text and (ROOT / builder).is_file()
        assert installer in text
    assert "uninstall-collector.ps1" in steps_text(jobs["windows"])
