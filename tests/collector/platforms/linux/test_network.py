"""Interfaces, IPv6 addresses, gateways and DNS."""

from pathlib import Path

import pytest

from collector.platforms.linux import network
from collector.report import Gateway, IpAddress, NetworkInterface

from .fixtures import text, write_tree


def test_if_inet6_recorded() -> None:
    found = network.parse_if_inet6(text("if_inet6/debian-12-firecracker-vm.txt"))
    assert found == {
        "lo": [IpAddress(address="::1", prefix_length=128, family="ipv6")],
        "eth0": [
            IpAddress(address="fe80::fc:ff:fe00:1", prefix_length=64, family="ipv6"),
            IpAddress(address="fd00::2", prefix_length=64, family="ipv6"),
        ],
    }


def test_if_inet6_leaves_out_temporary_addresses() -> None:
    found = network.parse_if_inet6(text("if_inet6/laptop-privacy-addresses.txt"))
    assert [a.address for a in found["wlp0s20f3"]] == ["2001:67c:2564:a100::42", "fe80::a1b2:c3ff:fed4:e5f6"]


def test_if_inet6_truncated_raises() -> None:
    with pytest.raises(ValueError):
        network.parse_if_inet6(text("if_inet6/truncated.txt"))


def test_routes_recorded() -> None:
    assert network.parse_ipv4_routes(text("route/debian-12-firecracker-vm.txt")) == [
        Gateway(address="192.0.2.1", interface="eth0", family="ipv4")
    ]
    assert network.parse_ipv6_routes(text("ipv6_route/debian-12-firecracker-vm.txt")) == [
        Gateway(address="fd00::1", interface="eth0", family="ipv6")
    ]


def test_routes_two_defaults() -> None:
    assert network.parse_ipv4_routes(text("route/laptop-wifi-and-dock.txt")) == [
        Gateway(address="192.168.0.1", interface="enx00e04c680001", family="ipv4"),
        Gateway(address="172.20.1.254", interface="wlp0s20f3", family="ipv4"),
    ]


def test_truncated_routes_raise() -> None:
    with pytest.raises(ValueError):
        network.parse_ipv4_routes(text("route/truncated.txt"))


@pytest.mark.parametrize(
    ("fixture", "servers", "search"),
    [
        ("debian-12-firecracker-vm.txt", ["10.255.255.53"], []),
        ("systemd-resolved-stub.txt", ["127.0.0.53"], ["corp.example.com"]),
        (
            "office-two-servers.txt",
            ["10.20.0.10", "10.20.0.11", "2001:db8::53"],
            ["corp.example.com", "lab.example.com"],
        ),
    ],
)
def test_resolv_conf(fixture: str, servers: list[str], search: list[str]) -> None:
    assert network.parse_resolv_conf(text(f"resolv.conf/{fixture}")) == (servers, search)


def test_read_interface_physical_and_virtual(tmp_path: Path) -> None:
    pci = tmp_path / "devices" / "pci0000:00" / "0000:00:1f.6"
    write_tree(pci, {"driver/.keep": ""})
    net = tmp_path / "net"
    write_tree(
        net,
        {
            "eno1/address": "3C:52:82:AA:BB:CC\n",
            "eno1/type": "1\n",
            "eno1/operstate": "up\n",
            "eno1/speed": "1000\n",
            "eno1/mtu": "1500\n",
            "eno1/uevent": "INTERFACE=eno1\nIFINDEX=2\n",
            "br0/address": "02:42:ac:11:00:01\n",
            "br0/type": "1\n",
            "br0/operstate": "down\n",
            "br0/mtu": "1500\n",
            "br0/uevent": "DEVTYPE=bridge\nINTERFACE=br0\n",
        },
    )
    (net / "eno1" / "device").symlink_to(pci)
    address = IpAddress(address="10.0.0.5", prefix_length=24, family="ipv4")
    assert network.read_interface(net / "eno1", [address]) == NetworkInterface(
        name="eno1", mac="3c:52:82:aa:bb:cc", kind="ethernet", is_physical=True, virtual_kind=None, state="up",
        link_speed_mbps=1000, mtu=1500, driver="driver", addresses=[address],
    )  # fmt: skip
    bridge = network.read_interface(net / "br0", [])
    assert (bridge.is_physical, bridge.virtual_kind, bridge.link_speed_mbps) == (False, "bridge", None)


@pytest.mark.parametrize(
    ("name", "marker", "expected"),
    [
        ("veth1a2b", None, "veth"),
        ("docker0", "bridge", "bridge"),
        ("tun0", "tun_flags", "tun"),
        ("x9", None, "other"),
    ],
)
def test_virtual_kind(tmp_path: Path, name: str, marker: str | None, expected: str) -> None:
    if marker:
        (tmp_path / marker).mkdir()
    assert network.virtual_kind(name, tmp_path, None) == expected


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"address": "3c:52:82:aa:bb:cc\n", "addr_assign_type": "0\n"}, "3c:52:82:aa:bb:cc"),
        ({"address": "da:11:22:33:44:55\n", "addr_assign_type": "1\n"}, None),  # randomised Wi-Fi MAC
        ({"address": "02:00:00:00:00:01\n", "addr_assign_type": "3\n"}, None),  # set by the user
        (
            {"address": "3c:52:82:aa:bb:cc\n", "bonding_slave/perm_hwaddr": "3c:52:82:aa:bb:dd\n"},
            "3c:52:82:aa:bb:dd",
        ),
    ],
)
def test_stable_mac(tmp_path: Path, files: dict[str, str], expected: str | None) -> None:
    assert network.stable_mac(write_tree(tmp_path, files)) == expected
