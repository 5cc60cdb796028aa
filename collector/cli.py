"""Entry point of `inventory-collector`: a cheap "not due yet" exit for `run`, else the full command line."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from collector.paths import DUE_FILE, MAX_WAIT_SECONDS, default_config_path, default_state_dir

VALUE_FLAGS = frozenset({"--config", "--server", "--state-dir", "--splay"})
PLAIN_FLAGS = frozenset({"-v", "--verbose", "-q", "--quiet"})


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; a scheduled `run` that is not due exits here, before anything heavy is imported."""
    args = list(sys.argv[1:] if argv is None else argv)
    if run_not_due(args, os.environ, time.time()):
        return 0
    from collector.commands import main as full_main

    return full_main(args)


def run_not_due(argv: Sequence[str], environ: Mapping[str, str], now: float) -> bool:
    """True when argv is a plain `run` (no --force) and the state says the next report is not due yet."""
    flags = parse_run_flags(argv)
    if flags is None:
        return False
    state_dir = locate_state_dir(flags, environ)
    if state_dir is None:
        return False
    try:
        due = float((state_dir / DUE_FILE).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return False
    return now < due <= now + MAX_WAIT_SECONDS


def parse_run_flags(argv: Sequence[str]) -> dict[str, str] | None:
    """The value flags of a plain `run` command line, or None for anything else (argparse decides those)."""
    flags: dict[str, str] = {}
    command = None
    position = 0
    while position < len(argv):
        arg = argv[position]
        name, equals, value = arg.partition("=")
        if name in VALUE_FLAGS:
            if not equals:
                position += 1
                if position == len(argv):
                    return None
                value = argv[position]
            flags[name] = value
        elif arg.startswith("-"):
            if arg not in PLAIN_FLAGS:
                return None  # --force, --help, or something argparse must judge
        elif command is None:
            command = arg
        else:
            return None
        position += 1
    return flags if command == "run" else None


def locate_state_dir(flags: Mapping[str, str], environ: Mapping[str, str]) -> Path | None:
    """The state directory as the full config would resolve it; None when only the full parser can tell."""
    if flags.get("--state-dir"):
        return Path(flags["--state-dir"])
    if environ.get("INVENTORY_COLLECTOR_STATE_DIR", "").strip():
        return Path(environ["INVENTORY_COLLECTOR_STATE_DIR"].strip()).expanduser()
    config_path = Path(flags["--config"]) if "--config" in flags else default_config_path()
    try:
        raw = config_path.read_bytes()
    except FileNotFoundError:
        return None if "--config" in flags else default_state_dir()
    except OSError:
        return None
    if b"state_dir" not in raw:
        return default_state_dir()
    import tomllib

    try:
        value = tomllib.loads(raw.decode("utf-8")).get("state_dir")
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(value, str) and value.strip():
        return Path(value.strip()).expanduser()
    return default_state_dir() if value is None else None
