"""`doctor` against the local protocol server: one line per check, non-zero exit on any failure."""

import os
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from collector.cli import main
from collector.config import Config
from collector.doctor import check_clock, check_state_dir, check_tls, diagnose
from collector.spool import Spool
from collector.state import State, StateStore
from tests.collector.fake_server import FakeInventoryServer, make_tls_files, server_ssl_context


@pytest.fixture(autouse=True)
def _no_collector_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("INVENTORY_COLLECTOR_"):
            monkeypatch.delenv(key)


def _enrolled_store(tmp_path: Path) -> StateStore:
    store = StateStore(tmp_path / "state")
    store.write_node_key("nk")
    store.save(State(asset_id="asset-1"))
    return store


def _by_name(checks: list) -> dict[str, tuple[str, str]]:
    return {check.name: (check.status, check.detail) for check in checks}


def test_healthy_setup_passes_every_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = _enrolled_store(tmp_path)
    with FakeInventoryServer() as server:
        rc = main(["doctor", "--server", server.url, "--state-dir", str(store.directory)])
    lines = capsys.readouterr().out.splitlines()
    assert rc == 0
    names = [line.split()[1] for line in lines]
    assert names == ["config", "state", "dns", "tls", "server", "clock", "enrolled", "delivery"]
    assert all(line.startswith(("OK", "WARN")) for line in lines)
    assert "plain http" in lines[3]  # the test server speaks http: doctor warns, it does not fail


def test_unreachable_server_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    store = _enrolled_store(tmp_path)
    assert main(["doctor", "--server", url, "--state-dir", str(store.directory)]) == 1
    out = capsys.readouterr().out
    assert "FAIL server" in out and "connection refused" in out


def test_unenrolled_and_leaky_state_dir_fail(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state")
    store.save(State())
    os.chmod(store.directory, 0o755)
    with FakeInventoryServer() as server:
        checks = _by_name(list(diagnose(Config(server=server.url), store)))
    assert checks["state"][0] == "FAIL" and "0755, want 0700" in checks["state"][1]
    assert checks["enrolled"][0] == "FAIL" and "inventory-collector enroll" in checks["enrolled"][1]


def test_dns_failure_stops_before_the_network_checks(tmp_path: Path) -> None:
    checks = _by_name(
        list(diagnose(Config(server="https://no-such-host.invalid"), _enrolled_store(tmp_path)))
    )
    assert checks["dns"][0] == "FAIL"
    assert "server" not in checks


def test_skewed_clock_fails(tmp_path: Path) -> None:
    store = _enrolled_store(tmp_path)
    local = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    with FakeInventoryServer() as server:
        server.date_header = format_datetime(local - timedelta(minutes=20), usegmt=True)
        checks = _by_name(list(diagnose(Config(server=server.url), store, now=lambda: local)))
    assert checks["clock"] == ("FAIL", "local clock is 1200 s ahead of the server (fix NTP / time sync)")


@pytest.mark.parametrize(
    ("header", "status"),
    [("Wed, 25 Nov 2026 12:01:00 GMT", "OK"), (None, "WARN"), ("yesterday", "WARN")],
)
def test_clock_check_reads_the_date_header(header: str | None, status: str) -> None:
    assert check_clock(header, datetime(2026, 11, 25, 12, 0, tzinfo=UTC)).status == status


def test_tls_handshake_with_custom_ca(tmp_path: Path) -> None:
    ca, cert, key = make_tls_files(tmp_path)
    with FakeInventoryServer(ssl_context=server_ssl_context(cert, key)) as server:
        port = int(server.url.rsplit(":", 1)[1])
        trusted = check_tls(Config(server=server.url, ca_file=ca), "localhost", port)
        untrusted = check_tls(Config(server=server.url), "localhost", port)
    assert trusted.status == "OK" and "certificate verified" in trusted.detail
    assert untrusted.status == "FAIL" and "system trust store" in untrusted.detail


def test_delivery_check_reports_spool_and_rejections(tmp_path: Path) -> None:
    store = _enrolled_store(tmp_path)
    store.save(State(last_error="connection refused", last_rejected={"http_status": 422, "detail": "bad"}))
    Spool(store.directory, max_bytes=1 << 20).put({"report_id": "r"})
    with FakeInventoryServer() as server:
        status, detail = _by_name(list(diagnose(Config(server=server.url), store)))["delivery"]
    assert status == "WARN"
    assert "a report waits in the spool" in detail
    assert "last error: connection refused" in detail
    assert "last rejected: 422 bad" in detail


def test_invalid_config_is_a_failed_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text("server = 5\n")
    assert main(["doctor", "--config", str(config)]) == 1
    assert capsys.readouterr().out.startswith("FAIL config")


def test_missing_state_dir_is_a_warning(tmp_path: Path) -> None:
    assert check_state_dir(StateStore(tmp_path / "absent")).status == "WARN"


def test_a_rejection_older_than_the_last_success_is_not_reported(tmp_path: Path) -> None:
    store = _enrolled_store(tmp_path)
    rejected = {"at": "2026-11-24T10:00:00Z", "http_status": 422, "detail": "bad"}
    store.save(State(last_rejected=rejected, last_success_at=datetime(2026, 11, 25, tzinfo=UTC)))
    with FakeInventoryServer() as server:
        assert _by_name(list(diagnose(Config(server=server.url), store)))["delivery"][0] == "OK"
