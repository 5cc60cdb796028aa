"""State directory: node key, state.json and software.json written atomically, owner-only, tolerant of damage."""

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from collector.paths import default_state_dir, system_state_dir
from collector.report import Package, SoftwareSection, section_hash, to_dict
from collector.state import (
    State,
    StateStore,
    atomic_write,
    format_time,
    parse_time,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_state_round_trips_through_state_json(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state")
    state = State(
        server="https://inv.example",
        acknowledged={"system": "ab" * 32},
        asset_id="asset-1",
        next_report_at=datetime(2026, 11, 25, 13, 0, tzinfo=UTC),
        backoff_attempts=2,
        not_before=datetime(2026, 11, 25, 12, 30, tzinfo=UTC),
        last_error="connection refused",
        last_rejected={"http_status": 422, "detail": "bad field"},
    )
    store.save(state)
    assert store.load() == state
    assert '"next_report_at": "2026-11-25T13:00:00Z"' in store.state_path.read_text()


def test_missing_or_corrupt_state_gives_a_fresh_state(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    assert store.load() == State()
    store.state_path.write_text("{not json")
    assert store.load() == State()
    store.state_path.write_text('{"acknowledged": 5, "backoff_attempts": -1, "next_report_at": "soon"}')
    assert store.load() == State()


def test_state_dir_and_files_are_owner_only(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state")
    store.write_node_key("secret-key")
    store.save(State())
    assert _mode(store.directory) == 0o700
    assert _mode(store.node_key_path) == 0o600
    assert _mode(store.state_path) == 0o600


def test_node_key_write_read_drop(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    assert store.read_node_key() is None
    store.write_node_key("nk-1")
    assert store.read_node_key() == "nk-1"
    store.write_node_key("nk-2")
    assert store.read_node_key() == "nk-2"
    store.drop_node_key()
    assert store.read_node_key() is None


def test_atomic_write_replaces_whole_file_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_bytes(b"old content that is longer")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["file"]


def test_failed_atomic_write_keeps_old_content(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        atomic_write(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["file"]


def test_due_at_is_the_later_of_server_pacing_and_backoff() -> None:
    early = datetime(2026, 1, 1, tzinfo=UTC)
    late = datetime(2026, 1, 2, tzinfo=UTC)
    assert State().due_at() is None
    assert State(next_report_at=early, not_before=late).due_at() == late
    assert State(next_report_at=late, not_before=None).due_at() == late


def test_times_parse_rfc3339_with_z_and_offsets() -> None:
    assert parse_time("2026-11-25T12:00:00Z") == datetime(2026, 11, 25, 12, tzinfo=UTC)
    assert format_time(parse_time("2026-11-25T13:00:00+01:00")) == "2026-11-25T12:00:00Z"
    assert parse_time("garbage") is None
    assert parse_time(None) is None


def test_system_state_dir_per_os() -> None:
    assert system_state_dir("linux", {}) == Path("/var/lib/inventory-collector")
    assert system_state_dir("darwin", {}) == Path("/Library/Application Support/InventoryCollector")
    assert system_state_dir("win32", {"ProgramData": "D:/PD"}) == Path("D:/PD/InventoryCollector")


def test_unwritable_system_dir_falls_back_to_the_users_state_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the directory should be")
    chosen = default_state_dir(system=blocker / "inventory-collector", home=tmp_path / "home")
    assert chosen == tmp_path / "home" / ".local" / "state" / "inventory-collector"
    writable = tmp_path / "var" / "lib" / "inventory-collector"
    assert default_state_dir(system=writable, home=tmp_path / "home") == writable


def _software(*names: str) -> tuple[str, list[dict[str, object]]]:
    """A software section's hash and wire packages, as the report defines them."""
    section = SoftwareSection(packages=[Package(name=name, version="1.0") for name in names])
    return section_hash(section), to_dict(section)["packages"]


def test_software_base_round_trips_owner_only(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state")
    digest, packages = _software("bash", "bash", "curl")
    store.write_software_base(digest, packages)
    assert store.read_software_base(digest) == packages
    assert _mode(store.software_base_path) == 0o600
    store.drop_software_base()
    assert not store.software_base_path.exists()
    store.drop_software_base()  # nothing to drop is fine


@pytest.mark.parametrize(
    ("damage", "text"),
    [
        ("missing", None),
        ("torn", '{"hash": "HASH", "packages": ['),
        ("not an object", "[]"),
        ("not packages", '{"hash": "HASH", "packages": [1]}'),
        ("edited", '{"hash": "HASH", "packages": [{"name": "bash"}, {"name": "wget"}]}'),
        ("nan", '{"hash": "HASH", "packages": [{"name": "bash", "version": NaN}]}'),
    ],
)
def test_damaged_software_base_gives_none(tmp_path: Path, damage: str, text: str | None) -> None:
    store = StateStore(tmp_path)
    digest, packages = _software("bash", "curl")
    store.write_software_base(digest, packages)
    if text is None:
        store.software_base_path.unlink()
    else:
        store.software_base_path.write_text(text.replace("HASH", digest))
    assert store.read_software_base(digest) is None, damage


def test_software_base_of_another_section_gives_none(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    digest, packages = _software("bash")
    store.write_software_base(digest, packages)
    assert store.read_software_base(_software("curl")[0]) is None
