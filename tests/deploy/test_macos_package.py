"""The macOS package's pieces, checked here (pkgbuild runs only on macOS): the LaunchDaemon plist parses and runs a
command the collector's parser accepts, and the installer scripts write the config the collector reads."""

from __future__ import annotations

import os
import plistlib
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from collector.commands import build_parser
from collector.config import ENV_KEYS, ENV_PREFIX, FILE_KEYS
from collector.paths import default_config_path, system_state_dir
from collector.schedule import INTERVAL_SECONDS, LAUNCHD_LABEL, LAUNCHD_PLIST

ROOT = Path(__file__).parents[2]
HERE = ROOT / "packaging/macos"
POSTINSTALL = (HERE / "scripts/postinstall").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's payload and scripts, staged from a stand-in frozen folder."""
    sys.path.insert(0, str(HERE))
    try:
        from build_macos import stage
    finally:
        sys.path.remove(str(HERE))
    work = tmp_path_factory.mktemp("macos")
    frozen = work / "frozen"
    (frozen / "_internal").mkdir(parents=True)
    (frozen / "inventory-collector").write_bytes(b"\xcf\xfa\xed\xfe")
    stage(frozen, work / "root", work / "scripts")
    return work


def test_the_launchdaemon_runs_the_packaged_collector_every_15_minutes(staged: Path) -> None:
    path = staged / "root" / LAUNCHD_PLIST.relative_to("/")
    assert path.stat().st_mode & 0o777 == 0o644
    with path.open("rb") as file:
        job = plistlib.load(file)
    assert job["Label"] == LAUNCHD_LABEL == path.stem
    assert (job["StartInterval"], job["RunAtLoad"]) == (INTERVAL_SECONDS, True)
    program, *arguments = job["ProgramArguments"]
    assert program == "/usr/local/inventory-collector/inventory-collector"
    assert (staged / "root" / program.lstrip("/")).is_file()  # the payload has it where the job looks
    args = build_parser().parse_args(arguments)  # an unknown command or option exits: the test fails
    assert (args.command, args.splay, args.quiet, args.force) == ("run", 300, True, False)


def test_the_scripts_are_executable_and_parse(staged: Path) -> None:
    for name in ("preinstall", "postinstall"):
        script = staged / "scripts" / name
        assert script.stat().st_mode & 0o111
        assert subprocess.run(["sh", "-n", str(script)], capture_output=True).returncode == 0


def test_postinstall_uses_the_collectors_paths_variables_and_keys() -> None:
    assert f'DATA="{system_state_dir("darwin")}"' in POSTINSTALL
    assert default_config_path("darwin") == system_state_dir("darwin") / "config.toml"
    assert 'CONFIG="$DATA/config.toml"' in POSTINSTALL
    assert (
        f"DOMAIN={LAUNCHD_LABEL}" in POSTINSTALL
        and 'PLIST="/Library/LaunchDaemons/$DOMAIN.plist"' in POSTINSTALL
    )
    for variable in re.findall(r"\$\{(INVENTORY_COLLECTOR_\w+):-", POSTINSTALL):
        assert variable.removeprefix(ENV_PREFIX) in ENV_KEYS
    keys = re.findall(r'(?:\'|\\n)(\w+) = "%s"', POSTINSTALL)
    assert keys == ["server", "enroll_secret"] and set(keys) <= FILE_KEYS


def test_postinstall_escapes_values_into_valid_toml(tmp_path: Path) -> None:
    function = re.search(r"^toml_string\(\) \{.*\}$", POSTINSTALL, flags=re.MULTILINE)
    assert function is not None
    write = re.search(r"\(umask 077 && printf 'server = .*?> \"\$CONFIG\"\)", POSTINSTALL, flags=re.DOTALL)
    assert write is not None
    secret = 'a"b\\c d$e'
    env = {**os.environ, "server": "https://inventory.example.org", "secret": secret,
           "CONFIG": str(tmp_path / "config.toml")}  # fmt: skip
    subprocess.run(["sh", "-c", f"{function.group(0)}\n{write.group(0).replace(chr(92) + chr(10), ' ')}"],
                   env=env, check=True)  # fmt: skip
    config = tomllib.loads((tmp_path / "config.toml").read_text())
    assert config == {"server": "https://inventory.example.org", "enroll_secret": secret}
    assert (tmp_path / "config.toml").stat().st_mode & 0o777 == 0o600
