"""Collector settings: a TOML file per OS, overridden by environment variables, then by flags."""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from collector.paths import default_config_path

ENV_PREFIX = "INVENTORY_COLLECTOR_"
DEFAULT_TIME_BUDGET_SECONDS = 60.0
DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_SPOOL_MAX_BYTES = 16 * 1024 * 1024

# Keys accepted in config.toml; an unknown key is an error so that a typo is not silently ignored.
FILE_KEYS = frozenset(
    {
        "server",
        "enroll_secret",
        "ca_file",
        "state_dir",
        "sections_disabled",
        "time_budget_seconds",
        "timeout_seconds",
        "spool_max_bytes",
    }
)
# Environment variable (after the prefix) → setting name.
ENV_KEYS = {
    "SERVER": "server",
    "SECRET": "enroll_secret",
    "STATE_DIR": "state_dir",
    "CA_FILE": "ca_file",
    "SECTIONS_DISABLED": "sections_disabled",
    "TIME_BUDGET": "time_budget_seconds",
}


class ConfigError(Exception):
    """The configuration cannot be used; the message says which setting and why."""


def enabled_sections(disabled: Sequence[str]) -> list[str]:
    """The report sections to gather; an unknown name in the disabled list is a config error."""
    from collector.report import SECTIONS  # not at import time: a run that is not due never loads the report

    unknown = sorted(set(disabled) - set(SECTIONS))
    if unknown:
        raise ConfigError(f"sections_disabled: unknown section(s) {', '.join(unknown)}; known: {SECTIONS}")
    return [name for name in SECTIONS if name not in disabled]


@dataclass(frozen=True)
class Config:
    """The settings one collector run works with."""

    server: str | None = None
    enroll_secret: str | None = None
    ca_file: Path | None = None
    state_dir: Path | None = None
    sections_disabled: tuple[str, ...] = ()
    time_budget_seconds: float = DEFAULT_TIME_BUDGET_SECONDS
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    spool_max_bytes: int = DEFAULT_SPOOL_MAX_BYTES
    source: Path | None = field(default=None, compare=False)

    def require_server(self) -> str:
        """Return the server URL or raise ConfigError saying how to set it."""
        if not self.server:
            raise ConfigError(
                "no server configured: set `server` in config.toml, INVENTORY_COLLECTOR_SERVER or --server"
            )
        return self.server


def read_config_file(path: Path) -> dict[str, Any]:
    """Parse a config.toml into raw settings; raise ConfigError on unreadable or invalid files."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - FILE_KEYS)
    if unknown:
        raise ConfigError(f"config file {path}: unknown setting(s) {', '.join(unknown)}")
    return data


def read_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Pick the INVENTORY_COLLECTOR_* variables that are set and not empty."""
    values: dict[str, Any] = {}
    for suffix, name in ENV_KEYS.items():
        value = environ.get(ENV_PREFIX + suffix)
        if value is None or value.strip() == "":
            continue
        if name == "sections_disabled":
            values[name] = [part.strip() for part in value.split(",") if part.strip()]
        else:
            values[name] = value.strip()
    return values


def load_config(
    *,
    path: Path | None = None,
    environ: Mapping[str, str] = os.environ,
    overrides: Mapping[str, Any] | None = None,
    platform: str = sys.platform,
) -> Config:
    """Merge the config file, the environment and flag overrides (in that order) into a valid Config."""
    explicit = path is not None
    file_path = path if path is not None else default_config_path(platform, environ)
    raw: dict[str, Any] = {}
    source = None
    if explicit or file_path.exists():
        raw.update(read_config_file(file_path))
        source = file_path
    raw.update(read_environment(environ))
    raw.update({key: value for key, value in (overrides or {}).items() if value is not None})
    return validate(raw, source=source)


def validate(raw: Mapping[str, Any], *, source: Path | None = None) -> Config:
    """Check types and ranges of raw settings and build a Config."""
    where = f" (in {source})" if source else ""
    server = _optional_str(raw, "server", where)
    if server is not None:
        server = _check_server(server, where)
    secret = _optional_str(raw, "enroll_secret", where)
    ca_file = _optional_path(raw, "ca_file", where)
    if ca_file is not None and not ca_file.is_file():
        raise ConfigError(f"ca_file{where}: {ca_file} does not exist or is not a file")
    sections = raw.get("sections_disabled", [])
    if isinstance(sections, str):
        sections = [part.strip() for part in sections.split(",") if part.strip()]
    if not isinstance(sections, list) or not all(isinstance(item, str) for item in sections):
        raise ConfigError(f"sections_disabled{where}: expected a list of section names")
    return Config(
        server=server,
        enroll_secret=secret,
        ca_file=ca_file,
        state_dir=_optional_path(raw, "state_dir", where),
        sections_disabled=tuple(sections),
        time_budget_seconds=_number(raw, "time_budget_seconds", DEFAULT_TIME_BUDGET_SECONDS, 1, 3600, where),
        timeout_seconds=_number(raw, "timeout_seconds", DEFAULT_TIMEOUT_SECONDS, 1, 600, where),
        spool_max_bytes=int(_number(raw, "spool_max_bytes", DEFAULT_SPOOL_MAX_BYTES, 1024, 2**31, where)),
        source=source,
    )


def _check_server(url: str, where: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(
            f"server{where}: {url!r} is not an http(s) URL such as https://inventory.example.org"
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"server{where}: {url!r} must not carry a query or fragment")
    return url.rstrip("/")


def _optional_str(raw: Mapping[str, Any], name: str, where: str) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{name}{where}: expected a string, got {type(value).__name__}")
    return value.strip() or None


def _optional_path(raw: Mapping[str, Any], name: str, where: str) -> Path | None:
    value = _optional_str(raw, name, where)
    return Path(value).expanduser() if value else None


def _number(raw: Mapping[str, Any], name: str, default: float, low: float, high: float, where: str) -> float:
    value = raw.get(name, default)
    if isinstance(value, bool):
        raise ConfigError(f"{name}{where}: expected a number, got a boolean")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name}{where}: expected a number, got {value!r}") from None
    if not low <= number <= high:
        raise ConfigError(f"{name}{where}: {number:g} is outside {low:g}..{high:g}")
    return number
