"""Collector settings: file per OS, environment over file, flags over environment, clear errors."""

from pathlib import Path

import pytest

from collector.config import ConfigError, load_config
from collector.paths import default_config_path


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_file_settings_are_read_and_typed(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    path = _write(
        tmp_path,
        f"""
server = "https://inventory.example.org/"
enroll_secret = "s3"
ca_file = "{ca}"
state_dir = "{tmp_path / "state"}"
sections_disabled = ["software"]
time_budget_seconds = 30
timeout_seconds = 10
spool_max_bytes = 2048
""",
    )
    config = load_config(path=path, environ={})
    assert config.server == "https://inventory.example.org"
    assert config.enroll_secret == "s3"
    assert config.ca_file == ca
    assert config.state_dir == tmp_path / "state"
    assert config.sections_disabled == ("software",)
    assert (config.time_budget_seconds, config.timeout_seconds, config.spool_max_bytes) == (30, 10, 2048)
    assert config.source == path


def test_defaults_without_any_file(tmp_path: Path) -> None:
    config = load_config(environ={"ProgramData": str(tmp_path)}, platform="win32")
    assert config.source is None
    assert config.server is None
    assert config.time_budget_seconds == 60
    assert config.sections_disabled == ()


def test_environment_overrides_file_and_flags_override_environment(tmp_path: Path) -> None:
    path = _write(tmp_path, 'server = "https://file.example"\ntime_budget_seconds = 30\n')
    environ = {
        "INVENTORY_COLLECTOR_SERVER": "https://env.example",
        "INVENTORY_COLLECTOR_TIME_BUDGET": "45",
        "INVENTORY_COLLECTOR_SECTIONS_DISABLED": "software, peripherals",
        "INVENTORY_COLLECTOR_SECRET": "from-env",
    }
    config = load_config(path=path, environ=environ)
    assert config.server == "https://env.example"
    assert config.time_budget_seconds == 45
    assert config.sections_disabled == ("software", "peripherals")
    assert config.enroll_secret == "from-env"
    flagged = load_config(path=path, environ=environ, overrides={"server": "https://flag.example"})
    assert flagged.server == "https://flag.example"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('sever = "https://x.example"', "unknown setting(s) sever"),
        ('server = "ftp://x.example"', "is not an http(s) URL"),
        ('server = "https://x.example/?a=1"', "query or fragment"),
        ("time_budget_seconds = 0", "outside 1..3600"),
        ('time_budget_seconds = "soon"', "expected a number"),
        ("time_budget_seconds = true", "got a boolean"),
        ("sections_disabled = 3", "list of section names"),
        ('ca_file = "/nonexistent/ca.pem"', "does not exist"),
        ("server = [", "not valid TOML"),
        ("server = 1", "expected a string"),
    ],
)
def test_invalid_settings_give_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(path=_write(tmp_path, text), environ={})
    assert message in str(caught.value)


def test_explicit_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config(path=tmp_path / "missing.toml", environ={})


def test_require_server_explains_how_to_set_it(tmp_path: Path) -> None:
    config = load_config(path=_write(tmp_path, ""), environ={})
    with pytest.raises(ConfigError, match="INVENTORY_COLLECTOR_SERVER"):
        config.require_server()


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("linux", "/etc/inventory-collector/config.toml"),
        ("darwin", "/Library/Application Support/InventoryCollector/config.toml"),
        ("win32", r"D:\PD/InventoryCollector/config.toml"),
    ],
)
def test_config_path_per_os(platform: str, expected: str) -> None:
    path = default_config_path(platform, {"ProgramData": r"D:\PD"})
    assert path.as_posix() == expected
