"""Interfaces, addresses, gateways and DNS from Win32_NetworkAdapter(Configuration)."""

from __future__ import annotations

import pytest

from collector.platforms.windows.network import parse_adapter, parse_network
from collector.report import Gateway, IpAddress, NetworkInterface

from .loaders import cim

DESKTOP_ETHERNET = NetworkInterface(
    name="Ethernet",
    mac="b0:7b:25:1a:2b:3c",
    kind="ethernet",
    is_physical=True,
    state="up",
    link_speed_mbps=1000,
    driver="e1dexpress",
    addresses=[
        IpAddress(address="10.20.30.142", prefix_length=24, family="ipv4"),
        IpAddress(address="fe80::1c2d:3e4f:5a6b:7c8d", prefix_length=64, family="ipv6"),
        IpAddress(address="2001:db8:20:30::142", prefix_length=64, family="ipv6"),
    ],
)

# machine → (interface name → (kind, physical, virtual kind, state, speed)), gateways, DNS servers
CASES = {
    "dell-optiplex-7090": (
        {
            "Ethernet": ("ethernet", True, None, "up", 1000),
            "vEthernet (Default Switch)": ("ethernet", False, "vswitch", "up", 10000),
        },
        [
            Gateway(address="10.20.30.1", interface="Ethernet", family="ipv4"),
            Gateway(address="fe80::1", interface="Ethernet", family="ipv6"),
        ],
        ["10.20.0.10", "10.20.0.11"],
    ),
    "lenovo-thinkpad-t14": (
        {
            "Wi-Fi": ("wireless", True, None, "up", 866),
            "Ethernet": ("ethernet", True, None, "down", None),
            "Ethernet 2": ("ethernet", True, None, "up", 1000),
            "corp-vpn": ("ethernet", False, "tunnel", "up", 100000),
        },
        [
            Gateway(address="192.168.1.1", interface="Wi-Fi", family="ipv4"),
            Gateway(address="10.40.8.1", interface="Ethernet 2", family="ipv4"),
        ],
        ["192.168.1.1", "10.40.0.2", "10.99.0.1"],
    ),
    "hyperv-server-2022": (
        {"Ethernet": ("ethernet", True, None, "up", 10000)},  # the VM's VMBus NIC is its physical NIC
        [Gateway(address="10.1.2.1", interface="Ethernet", family="ipv4")],
        ["10.1.0.10"],
    ),
    "vmware-win10-32bit": ({}, [], []),
}


@pytest.mark.parametrize(("machine", "expected"), CASES.items())
def test_parse_network(machine: str, expected: tuple) -> None:
    interfaces, gateways, dns = expected
    section = parse_network(cim(machine))
    found = {
        item.name: (item.kind, item.is_physical, item.virtual_kind, item.state, item.link_speed_mbps)
        for item in section.interfaces
    }
    assert (found, section.gateways, section.dns_servers) == (interfaces, gateways, dns)


def test_desktop_ethernet_record() -> None:
    assert parse_network(cim("dell-optiplex-7090")).interfaces[0] == DESKTOP_ETHERNET


def test_dashed_mac_and_host_prefix() -> None:
    interfaces = {item.name: item for item in parse_network(cim("lenovo-thinkpad-t14")).interfaces}
    assert interfaces["Wi-Fi"].mac == "a4:c3:f0:11:22:33"
    assert interfaces["corp-vpn"].addresses == [
        IpAddress(address="10.99.0.7", prefix_length=32, family="ipv4")
    ]
    assert interfaces["corp-vpn"].mtu == 1420


def test_bluetooth_pan_is_not_ethernet() -> None:
    adapter = {
        "Index": 5,
        "Name": "Bluetooth Device (Personal Area Network)",
        "NetConnectionID": "Bluetooth Network Connection",
        "MACAddress": "A4:C3:F0:11:22:37",
        "PhysicalAdapter": True,
        "NetConnectionStatus": 7,
        "PNPDeviceID": "BTH\\MS_BTHPAN\\6&2A1B3C4D&0&2",
    }
    assert (parse_adapter(adapter, {}).kind, parse_adapter(adapter, {}).state) == ("other", "down")
