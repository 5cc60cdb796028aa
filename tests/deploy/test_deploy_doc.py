"""docs/deploy-collector.md's examples: the Ansible play parses, the Windows command lines use the install script's
parameters and the collector commands it shows exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from collector.commands import build_parser

ROOT = Path(__file__).parents[2]
DOC = (ROOT / "docs/deploy-collector.md").read_text(encoding="utf-8")


def test_windows_examples_use_the_install_scripts_parameters() -> None:
    script = (ROOT / "packaging/windows/install-collector.ps1").read_text(encoding="utf-8")
    parameters = set(re.findall(r"\[string\]\$(\w+)", script))
    used = set(re.findall(r"\s-(ServerUrl|EnrollSecret|Site|\w+Url|\w+Secret)\b", DOC))
    assert used == {"ServerUrl", "EnrollSecret"} and used <= parameters


def test_collector_commands_in_the_doc_parse() -> None:
    calls = re.findall(r"inventory-collector (run [-\w ]+|doctor)", DOC)
    assert calls
    for call in calls:
        build_parser().parse_args(shlex.split(call))


def test_the_ansible_play_parses() -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed: the play was not parsed")
    (block,) = re.findall(r"```yaml\n(.*?)```", DOC, flags=re.DOTALL)
    (play,) = yaml.safe_load(block)
    assert [task["name"] for task in play["tasks"]][-1] == "Server and enroll secret"
