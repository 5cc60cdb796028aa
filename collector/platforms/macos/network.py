"""Join psutil's interfaces with system_profiler's network services into the network section."""

from __future__ import annotations

from typing import Any

from collector.platforms.common import format_mac, interface_addresses
from collector.platforms.macos.devices import parse_network_services
from collector.report import Gateway, IpAddress, NetworkInterface, NetworkSection

# BSD name prefixes of macOS software interfaces and what they are.
VIRTUAL_PREFIXES = (
    ("lo", "loopback"),
    ("utun", "tunnel"),
    ("ipsec", "tunnel"),
    ("gif", "tunnel"),
    ("stf", "tunnel"),
    ("bridge", "bridge"),
    ("awdl", "awdl"),
    ("llw", "awdl"),
    ("anpi", "other"),
    ("ap", "other"),
    ("vmenet", "vswitch"),
)


def read_interfaces() -> dict[str, dict[str, Any]]:
    """psutil's view of each interface: MAC, addresses, up, speed and MTU, as plain values."""
    import psutil

    stats = psutil.net_if_stats()
    macs = {
        name: next((entry.address for entry in entries if entry.family == psutil.AF_LINK), None)
        for name, entries in psutil.net_if_addrs().items()
    }
    return {
        name: {
            "mac": macs.get(name),
            "addresses": [[a.address, a.prefix_length, a.family] for a in addresses],
            "up": stats[name].isup if name in stats else None,
            "speed_mbps": stats[name].speed if name in stats else None,
            "mtu": stats[name].mtu if name in stats else None,
        }
        for name, addresses in interface_addresses().items()
    }


def parse_network(profile: dict[str, Any], interfaces: dict[str, dict[str, Any]]) -> NetworkSection:
    """Interfaces with kind from their network service; gateways and DNS from the services."""
    services = parse_network_services(profile)
    parsed = []
    for name in sorted(interfaces):
        facts = interfaces[name]
        virtual = next((kind for prefix, kind in VIRTUAL_PREFIXES if name.startswith(prefix)), None)
        kind = services["kinds"].get(name)
        if virtual == "loopback":
            kind = "loopback"
        elif virtual == "tunnel":
            kind = "tunnel"
        parsed.append(
            NetworkInterface(
                name=name,
                mac=format_mac(facts.get("mac")),
                kind=kind or "other",
                is_physical=virtual is None and name in services["kinds"],
                virtual_kind=virtual,
                state={True: "up", False: "down"}.get(facts.get("up"), "unknown"),
                link_speed_mbps=facts.get("speed_mbps") or None,
                mtu=facts.get("mtu"),
                addresses=[
                    IpAddress(address=address, prefix_length=prefix, family=family)
                    for address, prefix, family in facts.get("addresses") or []
                ],
            )
        )
    gateways = [
        Gateway(address=address, interface=interface, family="ipv6" if ":" in address else "ipv4")
        for address, interface in services["gateways"]
    ]
    return NetworkSection(interfaces=parsed, gateways=gateways, dns_servers=services["dns_servers"])
