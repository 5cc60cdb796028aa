"""Backups that restore: SQLite through its online backup API, PostgreSQL through pg_dump's custom format."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlsplit


class BackupError(Exception):
    """The backup could not be taken; nothing was left at the target."""


def sqlite_path(url: str) -> Path:
    """The file of a `sqlite:///path` URL."""
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path or path == ":memory:":
        raise BackupError(f"{url} is not a SQLite file")
    return Path(path)


def libpq_url(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as libpq's tools take it (no `+driver`)."""
    scheme, rest = url.split("://", 1)
    return f"{scheme.split('+', 1)[0]}://{rest}"


def backup(url: str, target: Path) -> Path:
    """A consistent copy of the database at `target`, taken while the service keeps writing.

    SQLite: the online backup API reads one snapshot (in WAL mode writers go on meanwhile) into a temporary file
    that is checked and renamed into place. PostgreSQL: `pg_dump --format=custom` (one repeatable-read snapshot),
    restored with `pg_restore`.
    """
    target = target.resolve()
    partial = target.with_name(f".{target.name}.partial")
    try:
        if url.startswith("sqlite"):
            _backup_sqlite(sqlite_path(url), partial)
        elif url.startswith("postgresql"):
            _backup_postgresql(url, partial)
        else:
            raise BackupError(f"no backup method for {urlsplit(url).scheme}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _backup_sqlite(source: Path, partial: Path) -> None:
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)  # all pages in one step: one read transaction, so one consistent snapshot
        verdict = dst.execute("PRAGMA quick_check").fetchone()[0]
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file, no -wal beside it
    if verdict != "ok":
        raise BackupError(f"the copy failed its check: {verdict}")


def _backup_postgresql(url: str, partial: Path) -> None:
    tool = shutil.which("pg_dump")
    if tool is None:
        raise BackupError("pg_dump is not installed (Debian: postgresql-client)")
    done = subprocess.run(
        [tool, "--format=custom", "--no-owner", f"--file={partial}", libpq_url(url)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")
