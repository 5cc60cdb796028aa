"""Parse interfaces, addresses, gateways and DNS out of Win32_NetworkAdapter(Configuration)."""

from __future__ import annotations

from typing import Any

from collector.junk import clean_string
from collector.platforms.common import format_mac, prefix_length
from collector.platforms.windows.powershell import as_int, rows
from collector.report import Gateway, IpAddress, NetworkInterface, NetworkSection

# Win32_NetworkAdapter.NetConnectionStatus
STATES = {0: "down", 1: "unknown", 2: "up", 3: "unknown", 7: "down"}
WIRELESS_WORDS = ("wi-fi", "wireless", "wlan", "802.11")
# PnP enumerators of software adapters: Hyper-V virtual switch ports, VPN and tunnel drivers.
VIRTUAL_ENUMERATORS = ("ROOT\\", "SWD\\", "{")
UNKNOWN_SPEED = 2**63 - 1  # what Windows reports for an adapter that has no link


def parse_network(snapshot: dict[str, Any]) -> NetworkSection:
    """Adapters shown in Network Connections, with their IP configuration joined by adapter index."""
    configs = {row.get("Index"): row for row in rows(snapshot, "NetworkAdapterConfiguration")}
    interfaces: list[NetworkInterface] = []
    gateways: list[Gateway] = []
    dns_servers: list[str] = []
    search_domains: list[str] = []
    for adapter in rows(snapshot, "NetworkAdapter"):
        if not adapter.get("NetConnectionID"):
            continue  # WAN miniports, kernel debuggers and other adapters hidden from the user
        config = configs.get(adapter.get("Index"), {})
        interface = parse_adapter(adapter, config)
        interfaces.append(interface)
        for gateway in config.get("DefaultIPGateway") or []:
            gateways.append(Gateway(address=gateway, interface=interface.name, family=_family(gateway)))
        _extend_unique(dns_servers, config.get("DNSServerSearchOrder"))
        _extend_unique(search_domains, config.get("DNSDomainSuffixSearchOrder"))
    return NetworkSection(
        interfaces=interfaces, gateways=gateways, dns_servers=dns_servers, dns_search_domains=search_domains
    )


def parse_adapter(adapter: dict[str, Any], config: dict[str, Any]) -> NetworkInterface:
    """One adapter row and its configuration row."""
    label = f"{adapter.get('NetConnectionID') or ''} {adapter.get('Name') or ''}".lower()
    pnp = str(adapter.get("PNPDeviceID") or "").upper()
    physical = bool(adapter.get("PhysicalAdapter")) and not pnp.startswith(VIRTUAL_ENUMERATORS)
    speed = adapter.get("Speed")
    state = STATES.get(adapter.get("NetConnectionStatus"), "unknown")
    if adapter.get("NetEnabled") is False:
        state = "down"
    return NetworkInterface(
        name=str(adapter["NetConnectionID"]),
        mac=format_mac(adapter.get("MACAddress")),
        kind=_kind(label),
        is_physical=physical,
        virtual_kind=None if physical else _virtual_kind(label),
        state=state,
        link_speed_mbps=speed // 1_000_000 if isinstance(speed, int) and 0 < speed < UNKNOWN_SPEED else None,
        mtu=as_int(config.get("MTU")),
        driver=clean_string(adapter.get("ServiceName")),
        addresses=parse_addresses(config.get("IPAddress") or [], config.get("IPSubnet") or []),
    )


def parse_addresses(addresses: list[str], subnets: list[str]) -> list[IpAddress]:
    """Pair IPAddress with IPSubnet: a dotted mask for IPv4, a prefix length for IPv6."""
    parsed = []
    for index, text in enumerate(addresses):
        subnet = subnets[index] if index < len(subnets) else None
        family = _family(text)
        prefix = prefix_length(str(subnet)) if subnet is not None else None
        parsed.append(IpAddress(address=text, prefix_length=prefix, family=family))
    return parsed


def _kind(label: str) -> str:
    """Wireless, other (Bluetooth PAN) or Ethernet, from the adapter's names."""
    if any(word in label for word in WIRELESS_WORDS):
        return "wireless"
    return "other" if "bluetooth" in label else "ethernet"


def _family(address: str) -> str:
    return "ipv6" if ":" in address else "ipv4"


def _virtual_kind(label: str) -> str:
    """Kind of a software adapter, from its name."""
    if "hyper-v" in label or "vethernet" in label:
        return "vswitch"
    if any(word in label for word in ("vpn", "tap", "wireguard", "tunnel", "wintun")):
        return "tunnel"
    if "loopback" in label:
        return "loopback"
    return "other"


def _extend_unique(target: list[str], values: Any) -> None:
    for value in values or []:
        if value not in target:
            target.append(value)
