"""The collector's state directory: node key, acknowledged section hashes and software, pacing and backoff."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collector.paths import DUE_FILE
from collector.report_codec import digest

NODE_KEY_FILE = "node_key"
STATE_FILE = "state.json"
SOFTWARE_BASE_FILE = "software.json"  # the software section the server acknowledged: the base of a delta
LOCK_FILE = "run.lock"
DIR_MODE = 0o700
FILE_MODE = 0o600


@dataclass
class State:
    """What the collector remembers between runs (state.json)."""

    server: str | None = None
    acknowledged: dict[str, str] = field(default_factory=dict)
    asset_id: str | None = None
    next_report_at: datetime | None = None
    backoff_attempts: int = 0
    not_before: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_rejected: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """Render as JSON-ready data with RFC 3339 timestamps."""
        data = asdict(self)
        for name in ("next_report_at", "not_before", "last_success_at"):
            data[name] = format_time(data[name])
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> State:
        """Build from state.json data, ignoring unknown keys and malformed values."""
        acknowledged = data.get("acknowledged")
        rejected = data.get("last_rejected")
        attempts = data.get("backoff_attempts")
        return cls(
            server=_str_or_none(data.get("server")),
            acknowledged={str(k): str(v) for k, v in acknowledged.items()}
            if isinstance(acknowledged, dict)
            else {},
            asset_id=_str_or_none(data.get("asset_id")),
            next_report_at=parse_time(data.get("next_report_at")),
            backoff_attempts=attempts if isinstance(attempts, int) and attempts >= 0 else 0,
            not_before=parse_time(data.get("not_before")),
            last_success_at=parse_time(data.get("last_success_at")),
            last_error=_str_or_none(data.get("last_error")),
            last_rejected=rejected if isinstance(rejected, dict) else None,
        )

    def due_at(self) -> datetime | None:
        """The earliest time the next report may go out (server pacing or backoff), or None for now."""
        times = [moment for moment in (self.next_report_at, self.not_before) if moment is not None]
        return max(times) if times else None


def parse_time(value: Any) -> datetime | None:
    """Parse an RFC 3339 timestamp into an aware datetime; None for anything else."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def format_time(moment: datetime | None) -> str | None:
    """Format an aware datetime as RFC 3339 UTC with a Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def atomic_write(path: Path, data: bytes, *, mode: int = FILE_MODE) -> None:
    """Write a file so that readers see the old or the new content, never a torn one."""
    import tempfile  # not needed by the fast path of `run`

    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable; directories cannot be opened for fsync on Windows."""
    if sys.platform == "win32":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class RunLocked(Exception):
    """Another run holds the state directory."""


def _lock_file(fd: int) -> None:
    """Take an exclusive lock on an open file without waiting; OSError if it is held."""
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


class StateStore:
    """Reads and writes the files of one state directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @property
    def state_path(self) -> Path:
        """Path of state.json."""
        return self.directory / STATE_FILE

    @property
    def node_key_path(self) -> Path:
        """Path of the node key file."""
        return self.directory / NODE_KEY_FILE

    def ensure_dir(self) -> None:
        """Create the state directory readable only by its owner."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        if sys.platform != "win32":
            os.chmod(self.directory, DIR_MODE)

    @contextlib.contextmanager
    def run_lock(self) -> Iterator[None]:
        """Hold the state directory for one run, so a manual run and a scheduled one never interleave."""
        self.ensure_dir()
        fd = os.open(self.directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            try:
                _lock_file(fd)
            except OSError as exc:
                raise RunLocked(f"another run holds {self.directory / LOCK_FILE}") from exc
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def load(self) -> State:
        """Read state.json; a missing or corrupt file gives a fresh State (the server resyncs by 409)."""
        try:
            data = json.loads(self.state_path.read_bytes())
        except (OSError, ValueError):
            return State()
        return State.from_json(data) if isinstance(data, dict) else State()

    def save(self, state: State) -> None:
        """Write state.json atomically."""
        self.ensure_dir()
        body = json.dumps(state.to_json(), indent=2, sort_keys=True).encode() + b"\n"
        atomic_write(self.state_path, body)
        due = state.due_at()
        if due is None:
            (self.directory / DUE_FILE).unlink(missing_ok=True)
        else:
            atomic_write(self.directory / DUE_FILE, f"{due.timestamp():.3f}\n".encode())

    def read_node_key(self) -> str | None:
        """The node key from enrollment, or None when not enrolled."""
        try:
            key = self.node_key_path.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return key or None

    def write_node_key(self, key: str) -> None:
        """Store the node key readable only by the service account."""
        self.ensure_dir()
        atomic_write(self.node_key_path, key.encode("utf-8") + b"\n")

    def drop_node_key(self) -> None:
        """Forget the node key (the server refused it)."""
        self.node_key_path.unlink(missing_ok=True)

    @property
    def software_base_path(self) -> Path:
        """Path of software.json."""
        return self.directory / SOFTWARE_BASE_FILE

    def read_software_base(self, section_hash: str) -> list[dict[str, Any]] | None:
        """The packages of the software section with this hash, if software.json holds it intact; else None."""
        try:
            data = json.loads(self.software_base_path.read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("hash") != section_hash:
            return None
        packages = data.get("packages")
        if not isinstance(packages, list) or not all(isinstance(package, dict) for package in packages):
            return None
        try:
            intact = digest({"packages": packages}) == section_hash  # an edited file must not become a delta
        except ValueError:  # NaN: json.loads takes it, canonical JSON does not
            return None
        return packages if intact else None

    def write_software_base(self, section_hash: str, packages: list[dict[str, Any]]) -> None:
        """Keep the acknowledged software section (its hash and wire packages) in software.json, atomically."""
        self.ensure_dir()
        body = json.dumps({"hash": section_hash, "packages": packages}, separators=(",", ":")).encode()
        atomic_write(self.software_base_path, body)

    def drop_software_base(self) -> None:
        """Forget the acknowledged software section (the acknowledged hashes were reset)."""
        self.software_base_path.unlink(missing_ok=True)


def now_utc() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)
