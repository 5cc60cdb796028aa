"""Transport against a real local HTTP(S) server: gzip, auth, enroll, TLS trust, answer classification."""

import gzip
import json
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from collector.transport import (
    Answer,
    EnrollError,
    OutcomeKind,
    Transport,
    TransportError,
    classify,
    parse_retry_after,
)
from tests.collector.fake_server import FakeInventoryServer, Scripted, make_tls_files, server_ssl_context


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_report_goes_out_as_gzip_json_with_bearer_key_and_user_agent() -> None:
    with FakeInventoryServer() as server:
        server.node_keys.add("nk")
        report = {"report_id": "r1", "hashes": {}, "identity": {"hostname": "ws"}, "status": {}}
        outcome = Transport(server.url, version="1.2.3").send_report(report, node_key="nk", replaced=2)
    assert outcome.kind is OutcomeKind.APPLIED
    (received,) = server.received
    assert received.raw_body[:2] == b"\x1f\x8b"
    assert json.loads(gzip.decompress(received.raw_body)) == report
    assert received.headers["content-encoding"] == "gzip"
    assert received.headers["content-type"] == "application/json"
    assert received.headers["authorization"] == "Bearer nk"
    assert received.headers["user-agent"].startswith("inventory-collector/1.2.3 ")
    assert received.headers["x-inventory-spool-replaced"] == "2"


def test_enroll_sends_secret_identity_and_version() -> None:
    with FakeInventoryServer(secret="s3") as server:
        enrollment = Transport(server.url, version="1.2.3").enroll(secret="s3", identity={"hostname": "ws"})
    assert enrollment.node_key == "node-key-1"
    assert enrollment.asset_id == "asset-1"
    assert server.received[0].json == {
        "secret": "s3",
        "identity": {"hostname": "ws"},
        "collector_version": "1.2.3",
    }


def test_enroll_with_a_wrong_secret_says_so() -> None:
    with (
        FakeInventoryServer(secret="s3") as server,
        pytest.raises(EnrollError, match="refused the enroll secret"),
    ):
        Transport(server.url, version="1").enroll(secret="wrong", identity={})


def test_enroll_against_a_dead_server_says_it_cannot_reach_it() -> None:
    with pytest.raises(EnrollError, match=r"cannot reach .*connection refused"):
        Transport(_closed_port_url(), version="1").enroll(secret="s", identity={})


def test_connection_refused_means_retry_later() -> None:
    outcome = Transport(_closed_port_url(), version="1").send_report({}, node_key="nk")
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.detail == "connection refused"


def test_unresolvable_host_means_retry_later() -> None:
    outcome = Transport("http://no-such-host.invalid", version="1").send_report({}, node_key="nk")
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.detail is not None and "DNS resolution failed" in outcome.detail


def test_503_with_retry_after_is_retry_later_with_the_delay() -> None:
    with FakeInventoryServer() as server:
        server.scripted.append(
            Scripted(503, {"detail": "busy", "code": "overloaded"}, {"Retry-After": "120"})
        )
        outcome = Transport(server.url, version="1").send_report({}, node_key="nk")
    assert (outcome.kind, outcome.retry_after_seconds, outcome.detail) == (
        OutcomeKind.RETRY_LATER,
        120,
        "busy",
    )


def test_tls_with_a_custom_ca_verifies_the_server(tls_files: tuple[Path, Path, Path]) -> None:
    ca, cert, key = tls_files
    with FakeInventoryServer(ssl_context=server_ssl_context(cert, key)) as server:
        server.node_keys.add("nk")
        report = {"hashes": {}, "identity": {}, "status": {}}
        trusted = Transport(server.url, version="1", ca_file=ca).send_report(report, node_key="nk")
        untrusted = Transport(server.url, version="1").send_report(report, node_key="nk")
    assert trusted.kind is OutcomeKind.APPLIED
    assert untrusted.kind is OutcomeKind.RETRY_LATER
    assert untrusted.detail is not None and "certificate verification failed" in untrusted.detail


def _answer(status: int, body: dict, headers: dict | None = None) -> Answer:
    return Answer(status=status, headers=headers or {}, body=body)


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (200, {"status": "applied"}, OutcomeKind.APPLIED),
        (201, {"status": "applied"}, OutcomeKind.APPLIED),
        (200, {"status": "duplicate"}, OutcomeKind.APPLIED),
        (200, {"status": "stale"}, OutcomeKind.APPLIED),
        (409, {"code": "sections_required", "sections": ["software"]}, OutcomeKind.SECTIONS_REQUIRED),
        (409, {"code": "conflict", "detail": "?"}, OutcomeKind.REJECTED),
        (401, {"code": "invalid_node_key"}, OutcomeKind.REENROLL),
        (403, {"code": "reenroll_required"}, OutcomeKind.REENROLL),
        (403, {"code": "forbidden"}, OutcomeKind.REJECTED),
        (400, {"detail": "bad json"}, OutcomeKind.REJECTED),
        (413, {"detail": "too large"}, OutcomeKind.REJECTED),
        (415, {"detail": "not gzip"}, OutcomeKind.REJECTED),
        (422, {"detail": [{"loc": ["system"], "msg": "bad"}]}, OutcomeKind.REJECTED),
        (404, {}, OutcomeKind.RETRY_LATER),
        (429, {}, OutcomeKind.RETRY_LATER),
        (500, {}, OutcomeKind.RETRY_LATER),
        (502, {}, OutcomeKind.RETRY_LATER),
        (503, {}, OutcomeKind.RETRY_LATER),
    ],
)
def test_classify_maps_statuses_and_codes(status: int, body: dict, kind: OutcomeKind) -> None:
    assert classify(_answer(status, body)).kind is kind


def test_classify_keeps_sections_and_detail() -> None:
    outcome = classify(_answer(409, {"code": "sections_required", "sections": ["system", 5, "software"]}))
    assert outcome.sections == ("system", "software")
    rejected = classify(_answer(422, {"detail": [{"loc": ["system"], "msg": "bad"}], "code": "invalid"}))
    assert rejected.detail == '[{"loc": ["system"], "msg": "bad"}]'
    assert rejected.code == "invalid"


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert parse_retry_after("90") == 90
    assert parse_retry_after("Wed, 25 Nov 2026 12:05:00 GMT", now=now) == 300
    assert parse_retry_after("Wed, 25 Nov 2026 11:00:00 GMT", now=now) == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_request_to_a_dead_server_raises_transport_error() -> None:
    with pytest.raises(TransportError, match="connection refused"):
        Transport(_closed_port_url(), version="1").request("GET", "/healthz")


def test_redirect_is_not_followed_and_the_report_is_kept() -> None:
    with FakeInventoryServer() as server:
        server.scripted.append(Scripted(308, {}, {"Location": "https://inventory.example/api/v1/inventory"}))
        outcome = Transport(server.url, version="1").send_report({"hashes": {}}, node_key="nk")
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.detail is not None and "redirects (308) to https://inventory.example" in outcome.detail
    assert len(server.received) == 1
