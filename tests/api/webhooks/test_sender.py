"""Posting over https to the checked address, with the certificate verified against the host name."""

import ipaddress
import ssl
import subprocess
import threading

import pytest
from standardwebhooks.webhooks import Webhook

from inventory_api.webhooks import sender
from tests.api.webhooks.receiver import Receiver

LOCAL = [ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")]
SECRET = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="


@pytest.fixture
def tls_receiver(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    server = Receiver()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, ssl.create_default_context(cafile=str(cert))
    server.shutdown()
    server.server_close()


def test_https_goes_to_the_checked_address_and_verifies_the_name(tls_receiver):
    server, trust = tls_receiver
    url = f"https://localhost:{server.server_address[1]}/hooks"
    with sender.client(10, verify=trust) as http:
        outcome = sender.post(http, url, SECRET, "msg_1", '{"type":"t"}', allowed=LOCAL)
    assert outcome.ok, outcome.error
    request = server.received[0]
    assert request["headers"]["host"] == f"localhost:{server.server_address[1]}"
    Webhook(SECRET).verify(request["body"], request["headers"])


def test_https_with_a_name_the_certificate_does_not_carry_fails(tls_receiver):
    server, trust = tls_receiver
    url = f"https://127.0.0.1:{server.server_address[1]}/hooks"
    with sender.client(10, verify=trust) as http:
        outcome = sender.post(http, url, SECRET, "msg_1", "{}", allowed=LOCAL)
    assert not outcome.ok and "certificate" in outcome.error.lower()
    assert server.received == []


def test_redirects_are_failures_not_followed(receiver):
    receiver.plan = [302]
    with sender.client(10) as http:
        outcome = sender.post(http, receiver.url, SECRET, "msg_1", "{}", allowed=LOCAL)
    assert not outcome.ok and outcome.status_code == 302 and len(receiver.received) == 1
