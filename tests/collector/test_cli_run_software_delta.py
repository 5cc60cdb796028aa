"""`run` sends software as a package delta when few packages changed, and in full when it cannot or must."""

import dataclasses
import os
from pathlib import Path

import pytest

from collector.delivery import EXIT_NOT_ENROLLED, EXIT_OK, EXIT_SPOOLED
from collector.report import Package, SoftwareSection, section_hash, to_dict
from collector.runner import Runner
from collector.spool import Spool
from collector.state import StateStore
from tests.collector.fake_server import FakeInventoryServer, Scripted
from tests.collector.runs import closed_port_url, make_runner

INSTALLED = [
    Package(name=f"pkg-{number:03}", version="1.0", source="dpkg", install_date="2026-10-01T08:00:00Z")
    for number in range(200)
]  # 200 packages: a delta may name max(50, 200 // 4) = 50
ZSH = Package(name="zsh", version="5.9-4", source="dpkg", install_date="2026-12-01T09:30:00Z")


def _wire(*packages: Package) -> list[dict[str, object]]:
    return [to_dict(package) for package in packages]


def _hash(packages: list[Package]) -> str:
    return section_hash(SoftwareSection(packages=packages))


def _reported(tmp_path: Path, server: FakeInventoryServer, packages: list[Package] = INSTALLED) -> Runner:
    """A runner that enrolled and had its first report (every section in full) acknowledged."""
    runner = make_runner(tmp_path, server.url)
    runner.gather.packages = packages
    assert runner.run() == EXIT_OK
    assert server.reports()[-1]["software"] is not None
    return runner


def _upgraded(count: int) -> list[Package]:
    """INSTALLED with its first `count` packages at version 2.0."""
    return [dataclasses.replace(package, version="2.0") for package in INSTALLED[:count]] + INSTALLED[count:]


def test_a_few_changed_packages_go_out_as_a_delta(tmp_path: Path, server: FakeInventoryServer) -> None:
    runner = _reported(tmp_path, server)
    reinstalled = dataclasses.replace(INSTALLED[10], install_date="2026-12-01T09:30:00Z")
    changed = [*INSTALLED[:5], *INSTALLED[6:10], reinstalled, *INSTALLED[11:], INSTALLED[20], ZSH]
    runner.gather.packages = changed
    assert runner.run(force=True) == EXIT_OK
    assert len(server.reports()) == 2  # taken at once, no 409
    report = server.reports()[-1]
    assert report["software"] is None and report["system"] is None
    assert report["software_delta"] == {
        "base": _hash(INSTALLED),
        "added": _wire(reinstalled, INSTALLED[20], ZSH),  # a changed install date; a second pkg-020
        "removed": _wire(INSTALLED[5], INSTALLED[10]),
    }
    assert report["hashes"]["software"] == _hash(changed)
    assert server.stored_hashes["software"] == _hash(changed)  # the server's copy, delta applied, hashes so
    assert len(server.stored_software["packages"]) == 201
    assert runner.store.load().acknowledged["software"] == _hash(changed)
    assert runner.store.read_software_base(_hash(changed)) == _wire(*changed)  # the next delta's base


@pytest.mark.parametrize(("upgraded", "as_delta"), [(25, True), (26, False), (200, False)])
def test_beyond_the_limit_software_goes_in_full(
    tmp_path: Path, server: FakeInventoryServer, upgraded: int, as_delta: bool
) -> None:
    runner = _reported(tmp_path, server)
    runner.gather.packages = _upgraded(upgraded)  # each upgrade names two packages: removed and added
    assert runner.run(force=True) == EXIT_OK
    report = server.reports()[-1]
    assert (report["software_delta"] is not None) is as_delta
    assert (report["software"] is None) is as_delta
    if not as_delta:
        assert report["software"]["packages"] == _wire(*_upgraded(upgraded))
    assert runner.store.read_software_base(_hash(_upgraded(upgraded))) is not None


@pytest.mark.parametrize("damage", ["missing", "corrupt", "another section"])
def test_without_the_acknowledged_section_on_file_software_goes_in_full(
    tmp_path: Path, server: FakeInventoryServer, damage: str
) -> None:
    runner = _reported(tmp_path, server)
    base = runner.store.software_base_path
    if damage == "missing":
        base.unlink()
    elif damage == "corrupt":
        base.write_bytes(base.read_bytes()[:1000])
    else:
        runner.store.write_software_base(_hash(INSTALLED[:3]), _wire(*INSTALLED[:3]))
    runner.gather.packages = [*INSTALLED, ZSH]
    assert runner.run(force=True) == EXIT_OK
    report = server.reports()[-1]
    assert report["software_delta"] is None
    assert report["software"]["packages"] == _wire(*INSTALLED, ZSH)
    runner.gather.packages = INSTALLED  # the section sent in full is the next base
    assert runner.run(force=True) == EXIT_OK
    assert server.reports()[-1]["software_delta"] == {
        "base": _hash([*INSTALLED, ZSH]),
        "added": [],
        "removed": _wire(ZSH),
    }


def test_409_for_software_resends_it_in_full_without_a_delta(
    tmp_path: Path, server: FakeInventoryServer
) -> None:
    runner = _reported(tmp_path, server)
    server.stored_hashes["software"] = _hash(INSTALLED[:150])  # the server was restored from an older backup
    runner.gather.packages = [*INSTALLED, ZSH]
    assert runner.run(force=True) == EXIT_OK
    delta, resent = server.reports()[1:]
    assert delta["software_delta"]["base"] == _hash(INSTALLED) and delta["software"] is None
    assert resent["report_id"] == delta["report_id"]
    assert resent["software_delta"] is None
    assert resent["software"]["packages"] == _wire(*INSTALLED, ZSH)
    assert resent["system"] is None  # only software was asked for
    assert runner.store.read_software_base(_hash([*INSTALLED, ZSH])) == _wire(*INSTALLED, ZSH)


def test_an_older_server_ignores_the_delta_and_gets_the_section_in_full(
    tmp_path: Path, server: FakeInventoryServer
) -> None:
    runner = _reported(tmp_path, server)
    server.understands_delta = False  # schema 1.0: software null with an unknown hash is a 409
    runner.gather.packages = [*INSTALLED, ZSH]
    assert runner.run(force=True) == EXIT_OK
    delta, resent = server.reports()[1:]
    assert delta["software_delta"] is not None
    assert resent["software_delta"] is None and resent["software"] is not None
    assert server.stored_hashes["software"] == _hash([*INSTALLED, ZSH])


def test_the_base_is_written_once_per_acknowledged_change(
    tmp_path: Path, server: FakeInventoryServer
) -> None:
    runner = _reported(tmp_path, server)
    base = runner.store.software_base_path
    assert runner.store.read_software_base(_hash(INSTALLED)) == _wire(*INSTALLED)
    written = os.stat(base)
    assert runner.run(force=True) == EXIT_OK  # unchanged: software sent as its hash only
    assert server.reports()[-1]["software"] is None and server.reports()[-1]["software_delta"] is None
    again = os.stat(base)
    assert (again.st_ino, again.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)  # not rewritten


class CountingStore(StateStore):
    """The state store, counting how often software.json is read."""

    reads = 0

    def read_software_base(self, section_hash: str) -> list[dict[str, object]] | None:
        self.reads += 1
        return super().read_software_base(section_hash)


def test_software_json_is_read_only_when_software_changed(
    tmp_path: Path, server: FakeInventoryServer
) -> None:
    runner = dataclasses.replace(_reported(tmp_path, server), store=CountingStore(tmp_path / "state"))
    assert runner.run(force=True) == EXIT_OK
    assert runner.store.reads == 0  # a quiet run parses no 1 500 packages
    runner.gather.packages = [*INSTALLED, ZSH]
    assert runner.run(force=True) == EXIT_OK
    assert runner.store.reads == 1
    assert server.reports()[-1]["software_delta"] is not None


def test_an_answer_that_keeps_another_section_does_not_move_the_base(
    tmp_path: Path, server: FakeInventoryServer
) -> None:
    runner = _reported(tmp_path, server)
    acknowledged = dict(server.stored_hashes)
    stale = {"status": "stale", "asset_id": "asset-1", "acknowledged": acknowledged, "next_report_at": None}
    server.scripted.append(Scripted(200, stale))  # a newer report from this machine got there first
    runner.gather.packages = [*INSTALLED, ZSH]
    assert runner.run(force=True) == EXIT_OK
    assert runner.store.load().acknowledged == acknowledged
    assert runner.store.read_software_base(_hash(INSTALLED)) == _wire(*INSTALLED)


def test_reenrollment_resends_software_in_full(tmp_path: Path, server: FakeInventoryServer) -> None:
    runner = _reported(tmp_path, server)
    server.scripted.append(Scripted(403, {"detail": "identity conflict", "code": "reenroll_required"}))
    runner.gather.packages = [*INSTALLED, ZSH]
    assert runner.run(force=True) == EXIT_OK
    refused, resent = server.reports()[1:]
    assert refused["software_delta"] is not None
    assert resent["software_delta"] is None and resent["software"]["packages"] == _wire(*INSTALLED, ZSH)
    assert runner.store.read_software_base(_hash([*INSTALLED, ZSH])) == _wire(*INSTALLED, ZSH)


def test_a_refused_node_key_drops_the_base_with_the_acknowledged_hashes(
    tmp_path: Path, server: FakeInventoryServer
) -> None:
    runner = _reported(tmp_path, server)
    keyless = dataclasses.replace(runner, config=dataclasses.replace(runner.config, enroll_secret=None))
    server.node_keys.clear()
    assert keyless.run(force=True) == EXIT_NOT_ENROLLED
    assert runner.store.load().acknowledged == {}
    assert not runner.store.software_base_path.exists()


def test_the_spool_keeps_the_full_section_never_a_delta(tmp_path: Path, server: FakeInventoryServer) -> None:
    runner = _reported(tmp_path, server)
    down = dataclasses.replace(runner, config=dataclasses.replace(runner.config, server=closed_port_url()))
    down.gather.packages = [*INSTALLED, ZSH]
    assert down.run(force=True) == EXIT_SPOOLED
    spooled = Spool(runner.store.directory, max_bytes=runner.config.spool_max_bytes).load()
    assert spooled is not None
    assert spooled["software_delta"] is None and spooled["software"]["packages"] == _wire(*INSTALLED, ZSH)
    assert runner.run(force=True) == EXIT_OK  # after an outage the fresh report goes in full
    delivered = server.reports()[-1]
    assert delivered["software_delta"] is None and delivered["software"] is not None
