"""`run` end to end against the local protocol server: enroll, delta, 409, spool, backoff, rejection."""

import dataclasses
import threading
from datetime import timedelta
from pathlib import Path

from collector.delivery import EXIT_ERROR, EXIT_NOT_ENROLLED, EXIT_OK, EXIT_REJECTED, EXIT_SPOOLED
from collector.spool import Spool
from tests.collector.fake_server import FakeInventoryServer, Scripted
from tests.collector.runs import START, closed_port_url, make_runner


def _paths(server: FakeInventoryServer) -> list[str]:
    return [received.path for received in server.received]


def test_first_run_enrolls_and_sends_every_section_in_full(
    tmp_path: Path, server: FakeInventoryServer
) -> None:
    runner = make_runner(tmp_path, server.url)
    assert runner.run() == EXIT_OK
    assert _paths(server) == ["/api/v1/collectors/enroll", "/api/v1/inventory"]
    assert server.received[0].json["identity"]["hostname"] == "ws-01"
    assert server.received[0].json["collector_version"] == "9.9.9"
    (report,) = server.reports()
    assert report["system"]["serial"] == "5BRX4M3"
    assert report["software"]["packages"] == [{**report["software"]["packages"][0], "name": "bash"}]
    assert set(report["hashes"]) == {"system", "software"}
    assert server.received[1].headers["authorization"] == "Bearer node-key-1"
    state = runner.store.load()
    assert state.acknowledged == server.stored_hashes
    assert (state.asset_id, state.next_report_at) == ("asset-1", START + timedelta(hours=1))
    assert runner.store.read_node_key() == "node-key-1"


def test_later_runs_send_unchanged_sections_as_null(tmp_path: Path, server: FakeInventoryServer) -> None:
    runner = make_runner(tmp_path, server.url)
    runner.run()
    runner.clock.now = START + timedelta(hours=2)
    runner.gather.packages = ("bash", "firefox")
    assert runner.run() == EXIT_OK
    changed = server.reports()[-1]
    assert changed["system"] is None
    assert (
        changed["software"] is None
    )  # one package changed: sent as a delta (test_cli_run_software_delta.py)
    assert [p["name"] for p in changed["software_delta"]["added"]] == ["firefox"]
    assert [p["name"] for p in server.stored_software["packages"]] == ["bash", "firefox"]
    assert changed["identity"] is not None and changed["status"] is not None
    assert runner.run(force=True) == EXIT_OK
    unchanged = server.reports()[-1]
    assert (unchanged["system"], unchanged["software"]) == (None, None)
    assert unchanged["hashes"] == changed["hashes"]
    assert runner.store.load().acknowledged == changed["hashes"]


def test_sections_required_resends_them_in_full(tmp_path: Path, server: FakeInventoryServer) -> None:
    runner = make_runner(tmp_path, server.url)
    runner.run()
    server.stored_hashes.clear()  # the server's database was restored from an older backup
    assert runner.run(force=True) == EXIT_OK
    delta, resent = server.reports()[1:]
    assert (delta["system"], delta["software"]) == (None, None)
    assert resent["system"] is not None and resent["software"] is not None
    assert resent["report_id"] == delta["report_id"]
    assert runner.store.load().acknowledged == resent["hashes"]


def test_server_down_spools_then_next_run_delivers_in_full(
    tmp_path: Path, server: FakeInventoryServer
) -> None:
    runner = make_runner(tmp_path, server.url)
    runner.run()
    down = dataclasses.replace(runner, config=dataclasses.replace(runner.config, server=closed_port_url()))
    down.clock.now = START + timedelta(hours=2)
    assert down.run() == EXIT_SPOOLED
    spool = Spool(runner.store.directory, max_bytes=runner.config.spool_max_bytes)
    spooled = spool.load()
    assert spooled is not None and spooled["system"] is not None and spooled["software"] is not None
    state = runner.store.load()
    assert state.backoff_attempts == 1 and state.last_error == "connection refused"
    assert START + timedelta(hours=2) <= state.not_before <= START + timedelta(hours=2, minutes=1)
    calls = len(runner.gather.calls)
    assert down.run() == EXIT_OK  # still backing off: nothing gathered, nothing sent
    assert len(runner.gather.calls) == calls
    runner.clock.now = START + timedelta(hours=3)
    assert runner.run() == EXIT_OK
    delivered = server.reports()[-1]
    assert delivered["system"] is not None and delivered["software"] is not None  # in full, not a delta
    assert server.received[-1].headers["x-inventory-spool-replaced"] == "1"
    assert not spool.has_report() and spool.replaced == 0
    assert runner.store.load().backoff_attempts == 0


def test_gather_over_budget_sends_the_spooled_report(tmp_path: Path, server: FakeInventoryServer) -> None:
    runner = make_runner(tmp_path, server.url)
    runner.run()
    Spool(runner.store.directory, max_bytes=1 << 20).put({**server.reports()[0], "report_id": "spooled-1"})
    blocked = threading.Event()
    stuck = dataclasses.replace(
        runner,
        config=dataclasses.replace(runner.config, time_budget_seconds=1, timeout_seconds=0.9),
        gather=lambda sections: blocked.wait(),
    )
    try:
        assert stuck.run(force=True) == EXIT_OK
    finally:
        blocked.set()
    assert server.reports()[-1]["report_id"] == "spooled-1"
    assert server.reports()[-1]["system"] is not None


def test_gather_over_budget_without_spool_fails_cleanly(tmp_path: Path, server: FakeInventoryServer) -> None:
    blocked = threading.Event()
    runner = dataclasses.replace(
        make_runner(tmp_path, server.url, time_budget_seconds=0.2), gather=lambda sections: blocked.wait()
    )
    try:
        assert runner.run() == EXIT_ERROR
    finally:
        blocked.set()
    assert server.received == []
    assert "time budget" in runner.store.load().last_error


def test_503_with_retry_after_spools_and_waits(tmp_path: Path, server: FakeInventoryServer) -> None:
    runner = make_runner(tmp_path, server.url)
    server.scripted.append(Scripted(503, {"detail": "overloaded", "code": "busy"}, {"Retry-After": "600"}))
    assert runner.run() == EXIT_SPOOLED
    assert runner.store.load().not_before == START + timedelta(seconds=600)
    runner.clock.now = START + timedelta(seconds=300)
    assert runner.run() == EXIT_OK
    assert len(server.reports()) == 1
    runner.clock.now = START + timedelta(seconds=601)
    assert runner.run() == EXIT_OK
    assert len(server.reports()) == 2
    assert not Spool(runner.store.directory, max_bytes=1 << 20).has_report()


def test_422_drops_the_report_and_notes_it(tmp_path: Path, server: FakeInventoryServer) -> None:
    runner = make_runner(tmp_path, server.url)
    server.scripted.append(Scripted(422, {"detail": "system.serial: not a string", "code": "invalid_report"}))
    assert runner.run() == EXIT_REJECTED
    assert len(server.reports()) == 1  # not retried within the run
    assert not Spool(runner.store.directory, max_bytes=1 << 20).has_report()
    rejected = runner.store.load().last_rejected
    assert rejected is not None
    assert (rejected["http_status"], rejected["detail"]) == (422, "system.serial: not a string")
    assert runner.store.load().not_before is not None  # a broken report is not re-sent every 15 minutes


def test_401_without_secret_drops_the_key_and_keeps_the_report(
    tmp_path: Path, server: FakeInventoryServer
) -> None:
    runner = make_runner(tmp_path, server.url)
    runner.run()
    keyless = dataclasses.replace(runner, config=dataclasses.replace(runner.config, enroll_secret=None))
    server.node_keys.clear()  # an admin revoked the key
    assert keyless.run(force=True) == EXIT_NOT_ENROLLED
    assert runner.store.read_node_key() is None
    assert Spool(runner.store.directory, max_bytes=1 << 20).has_report()
    assert "enroll" in runner.store.load().last_error
    calls = len(runner.gather.calls)
    assert keyless.run(force=True) == EXIT_NOT_ENROLLED
    assert len(runner.gather.calls) == calls


def test_401_with_secret_reenrolls_once_and_resends_in_full(
    tmp_path: Path, server: FakeInventoryServer
) -> None:
    runner = make_runner(tmp_path, server.url)
    runner.run()
    server.scripted.append(Scripted(403, {"detail": "identity conflict", "code": "reenroll_required"}))
    assert runner.run(force=True) == EXIT_OK
    assert _paths(server)[-2:] == ["/api/v1/collectors/enroll", "/api/v1/inventory"]
    assert server.reports()[-1]["system"] is not None
    assert runner.store.read_node_key() == "node-key-2"


def test_not_enrolled_without_secret_does_not_gather(tmp_path: Path, server: FakeInventoryServer) -> None:
    runner = make_runner(tmp_path, server.url, secret=None)
    assert runner.run() == EXIT_NOT_ENROLLED
    assert runner.gather.calls == []
    assert server.received == []


def test_splay_sleeps_a_random_part_of_the_window(tmp_path: Path, server: FakeInventoryServer) -> None:
    runner = make_runner(tmp_path, server.url)
    runner.run(splay_seconds=300)
    (slept,) = runner.sleep
    assert 0 <= slept <= 300
    runner.run(force=True)
    assert len(runner.sleep) == 1  # no splay unless asked for (interactive runs)


def test_disabled_sections_are_not_gathered(tmp_path: Path, server: FakeInventoryServer) -> None:
    runner = make_runner(tmp_path, server.url, sections_disabled=("software", "peripherals"))
    runner.run()
    assert list(runner.gather.calls[0]) == ["system", "hardware", "network", "security"]


def test_a_run_while_another_holds_the_state_dir_does_nothing(
    tmp_path: Path, server: FakeInventoryServer
) -> None:
    runner = make_runner(tmp_path, server.url)
    with runner.store.run_lock():
        assert runner.run() == EXIT_OK
    assert runner.gather.calls == [] and server.received == []
    assert runner.run() == EXIT_OK  # the lock is released with its holder
    assert len(server.reports()) == 1


def test_a_due_time_more_than_a_day_ahead_is_not_trusted(tmp_path: Path, server: FakeInventoryServer) -> None:
    runner = make_runner(tmp_path, server.url)
    server.next_report_at = "2031-01-01T00:00:00Z"  # or the local clock jumped back by years
    runner.run()
    runner.clock.now = START + timedelta(hours=1)
    assert runner.run() == EXIT_OK
    assert len(server.reports()) == 2
