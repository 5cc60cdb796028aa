"""The full command line: show, run, enroll, schema, doctor, record, install-service (argparse)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from collector.config import Config, ConfigError, enabled_sections, load_config
from collector.paths import default_state_dir
from collector.state import StateStore

EXIT_ERROR = 1
log = logging.getLogger("collector")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; common options work before or after the subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="config file (TOML)")
    common.add_argument(
        "--server", default=argparse.SUPPRESS, help="server URL, e.g. https://inventory.example"
    )
    common.add_argument("--state-dir", type=Path, default=argparse.SUPPRESS, help="state directory")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="debug log")
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="errors only")
    parser = argparse.ArgumentParser(
        prog="inventory-collector", description="Hardware and software inventory collector.", parents=[common]
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    show = commands.add_parser("show", parents=[common], help="print this machine's report (no server)")
    form = show.add_mutually_exclusive_group()
    form.add_argument("--json", dest="format", action="store_const", const="json", help="full report JSON")
    form.add_argument("--table", dest="format", action="store_const", const="table", help="readable table")
    show.add_argument("--section", action="append", default=[], metavar="NAME", help="only this section")
    run = commands.add_parser("run", parents=[common], help="gather and send one report")
    run.add_argument("--force", action="store_true", help="ignore the server's next report time and backoff")
    run.add_argument("--splay", type=float, default=0.0, metavar="SECONDS", help="random delay first")
    enroll = commands.add_parser("enroll", parents=[common], help="obtain a node key from the server")
    enroll.add_argument("--secret", required=True, help="the enroll secret from the server's admin")
    commands.add_parser("schema", parents=[common], help="print the report's JSON Schema")
    commands.add_parser("doctor", parents=[common], help="check config, permissions, clock, DNS, TLS, server")
    record = commands.add_parser(
        "record",
        parents=[common],
        help="save this machine's raw source outputs as test fixtures (Windows, macOS)",
    )
    record.add_argument(
        "directory", type=Path, help="where to write (the fixtures folder: tests/collector/fixtures)"
    )
    record.add_argument("--name", required=True, help="the machine's fixture name, e.g. hp-elitebook-840-g8")
    record.add_argument("--redact", action="store_true", help="replace serials, UUIDs, MACs and user names")
    install = commands.add_parser("install-service", parents=[common], help="schedule `run` every 15 minutes")
    install.add_argument("--dry-run", action="store_true", help="print what would be written")
    install.add_argument("--user", default="root", help="account the service runs as (default root)")
    install.add_argument("--splay", type=int, default=300, metavar="SECONDS", help="random delay per run")
    install.add_argument("--platform", choices=["linux", "windows", "macos"], help="target OS")
    return parser


def load_settings(args: argparse.Namespace) -> tuple[Config, StateStore]:
    """Config from file, environment and flags, and the state store it names."""
    overrides = {"server": getattr(args, "server", None)}
    state_dir = getattr(args, "state_dir", None)
    if state_dir is not None:
        overrides["state_dir"] = str(state_dir)
    config = load_config(path=getattr(args, "config", None), overrides=overrides)
    return config, StateStore(config.state_dir or default_state_dir())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    level = logging.DEBUG if getattr(args, "verbose", False) else logging.INFO
    if getattr(args, "quiet", False):
        level = logging.ERROR
    logging.basicConfig(level=level, format="inventory-collector: %(levelname)s: %(message)s")
    try:
        return dispatch(args)
    except ConfigError as exc:
        print(f"inventory-collector: configuration error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


def dispatch(args: argparse.Namespace) -> int:
    """Run one subcommand."""
    if args.command == "schema":
        from collector.report import schema_text

        print(schema_text(), end="")
        return 0
    if args.command == "show":
        return show(args)
    if args.command == "install-service":
        from collector.schedule import install_service

        try:
            return install_service(args)
        except ValueError as exc:
            print(f"inventory-collector: {exc}", file=sys.stderr)
            return EXIT_ERROR
    if args.command == "record":
        from collector.record import run_record

        return run_record(args.directory, args.name, hide=args.redact)
    if args.command == "doctor":
        from collector.doctor import run_doctor

        try:
            config, store = load_settings(args)
        except ConfigError as exc:
            return run_doctor(None, None, str(exc))
        return run_doctor(config, store)
    config, store = load_settings(args)
    if args.command == "run":
        return run(args, config, store)
    from collector.runner import Runner

    server = config.require_server()
    return Runner(config=config, store=store).enroll(server=server, secret=args.secret)


def run(args: argparse.Namespace, config: Config, store: StateStore) -> int:
    """`run`: gather and send once, unless the server's next report time or the backoff has not come."""
    from collector.runner import Runner

    return Runner(config=config, store=store).run(force=args.force, splay_seconds=args.splay)


def show(args: argparse.Namespace) -> int:
    """`show`: gather and print the report, without a server."""
    # Only what gathering needs: `show` never sends, so the transport (http.client, ssl) stays unloaded.
    from collector.gather import collect_report
    from collector.report import SECTIONS, to_dict

    unknown = sorted(set(args.section) - set(SECTIONS))
    if unknown:
        print(f"inventory-collector: unknown section(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
        return EXIT_ERROR
    config, _ = load_settings(args)
    sections = [
        name for name in enabled_sections(config.sections_disabled) if name in (args.section or SECTIONS)
    ]
    report = to_dict(collect_report(set(sections)))
    if args.format == "json":
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(render_table(report))
    return 0


def render_table(report: dict[str, Any]) -> str:
    """A readable, indented rendering of a report."""
    lines: list[str] = []
    for key, value in report.items():
        if value in (None, [], {}) or key == "hashes":
            continue
        _render(lines, key, value, 0)
    return "\n".join(lines)


def _render(lines: list[str], key: str, value: Any, depth: int) -> None:
    pad = "  " * depth
    if isinstance(value, dict):
        lines.append(f"{pad}{key}:")
        for child, item in value.items():
            if item not in (None, [], {}):
                _render(lines, child, item, depth + 1)
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        lines.append(f"{pad}{key}: {len(value)}")
        for item in value:
            shown = {k: v for k, v in item.items() if v not in (None, [], {})}
            lines.append(f"{pad}  - " + ", ".join(f"{k}={_scalar(v)}" for k, v in shown.items()))
    else:
        lines.append(f"{pad}{key}: {_scalar(value)}")


def _scalar(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_scalar(item) for item in value)
    if isinstance(value, dict):
        return "{" + " ".join(f"{k}={_scalar(v)}" for k, v in value.items() if v not in (None, [], {})) + "}"
    return str(value)
