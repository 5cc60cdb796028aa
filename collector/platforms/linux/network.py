"""Interfaces from /sys/class/net, IPv6 from /proc/net/if_inet6, gateways from /proc/net/*route, DNS."""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from pathlib import Path

from collector.platforms.common import format_mac
from collector.platforms.linux.files import list_dir, read_int, read_raw, read_text
from collector.platforms.linux.netlink import read_ipv4_addresses
from collector.report import Gateway, IpAddress, NetworkInterface

SYS_NET = Path("/sys/class/net")
IF_INET6 = Path("/proc/net/if_inet6")
RESOLV_CONF = Path("/etc/resolv.conf")
RESOLVED_UPSTREAM = Path("/run/systemd/resolve/resolv.conf")  # when resolv.conf names the 127.0.0.53 stub
IFA_F_TEMPORARY = 0x01  # RFC 4941 privacy addresses rotate daily: they are status, not inventory
RTF_GATEWAY = 0x0002
ARPHRD = {1: "ethernet", 772: "loopback", 32: "infiniband", 768: "tunnel", 776: "tunnel", 778: "tunnel"}
KNOWN_VIRTUAL_PREFIXES = (
    "veth",
    "docker",
    "virbr",
    "vnet",
    "tap",
    "tun",
    "wg",
    "ifb",
    "vxlan",
    "gre",
    "dummy",
)


def parse_if_inet6(text: str, *, temporary: bool = False) -> dict[str, list[IpAddress]]:
    """IPv6 addresses per interface, temporary ones only if asked; raises ValueError on a malformed line."""
    result: dict[str, list[IpAddress]] = {}
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 6 or len(parts[0]) != 32:
            raise ValueError(f"not an if_inet6 line: {line!r}")
        address = str(ipaddress.IPv6Address(bytes.fromhex(parts[0])))
        if int(parts[4], 16) & IFA_F_TEMPORARY and not temporary:
            continue
        entry = IpAddress(address=address, prefix_length=int(parts[2], 16), family="ipv6")
        result.setdefault(parts[5], []).append(entry)
    return result


def parse_ipv4_routes(text: str) -> list[Gateway]:
    """Default IPv4 gateways of /proc/net/route (little-endian hex)."""
    gateways = []
    for line in text.splitlines()[1:]:
        parts = line.split()
        if not parts:
            continue
        if len(parts) < 8:
            raise ValueError(f"not a route line: {line!r}")
        destination, gateway, flags, mask = parts[1], parts[2], int(parts[3], 16), parts[7]
        if destination == "00000000" and mask == "00000000" and flags & RTF_GATEWAY:
            address = socket.inet_ntoa(int(gateway, 16).to_bytes(4, "little"))
            gateways.append(Gateway(address=address, interface=parts[0], family="ipv4"))
    return gateways


def parse_ipv6_routes(text: str) -> list[Gateway]:
    """Default IPv6 gateways of /proc/net/ipv6_route."""
    gateways = []
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 10 or len(parts[0]) != 32:
            raise ValueError(f"not an ipv6_route line: {line!r}")
        if int(parts[0], 16) == 0 and int(parts[1], 16) == 0 and int(parts[4], 16) != 0:
            address = str(ipaddress.IPv6Address(bytes.fromhex(parts[4])))
            gateways.append(Gateway(address=address, interface=parts[9], family="ipv6"))
    return gateways


def parse_resolv_conf(text: str) -> tuple[list[str], list[str]]:
    """(nameservers, search domains) of a resolv.conf."""
    servers: list[str] = []
    search: list[str] = []
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split(";", 1)[0].split()
        if len(parts) >= 2 and parts[0] == "nameserver":
            servers.append(parts[1])
        elif len(parts) >= 2 and parts[0] in ("search", "domain"):
            search = parts[1:]
    return servers, search


def read_dns() -> tuple[list[str], list[str]]:
    """DNS servers and search domains; the upstream servers when systemd-resolved's stub is in use."""
    servers, search = parse_resolv_conf(read_raw(RESOLV_CONF) or "")
    if servers and all(s.startswith("127.0.0.5") for s in servers):
        upstream, upstream_search = parse_resolv_conf(read_raw(RESOLVED_UPSTREAM) or "")
        if upstream:
            return upstream, upstream_search or search
    return servers, search


def virtual_kind(name: str, net_dir: Path, devtype: str | None) -> str:
    """What a virtual interface is: DEVTYPE, the kernel's structure directories, or a well-known name."""
    if devtype:
        return devtype
    for marker, kind in (("bridge", "bridge"), ("bonding", "bond"), ("tun_flags", "tun")):
        if (net_dir / marker).exists():
            return kind
    if name == "lo":
        return "loopback"
    prefix = re.match(r"[a-z]+", name)
    return prefix.group(0) if prefix and prefix.group(0) in KNOWN_VIRTUAL_PREFIXES else "other"


def _speed_mbps(net_dir: Path) -> int | None:
    try:
        speed = read_int(net_dir / "speed")
    except OSError:
        return None  # EINVAL while the link is down, and for virtual interfaces
    return speed if speed and speed > 0 else None


def read_interface(net_dir: Path, addresses: list[IpAddress]) -> NetworkInterface:
    """One interface of /sys/class/net."""
    uevent = dict(line.partition("=")[::2] for line in (read_raw(net_dir / "uevent") or "").splitlines())
    devtype = uevent.get("DEVTYPE")
    is_physical = (net_dir / "device").exists() and "/virtual/" not in os.path.realpath(net_dir)
    kind = ARPHRD.get(read_int(net_dir / "type") or -1, "other")
    if devtype == "wlan" or (net_dir / "wireless").exists() or (net_dir / "phy80211").exists():
        kind = "wireless"
    driver = os.path.realpath(net_dir / "device" / "driver") if is_physical else ""
    return NetworkInterface(
        name=net_dir.name,
        mac=format_mac(read_text(net_dir / "address")),
        kind=kind,
        is_physical=is_physical,
        virtual_kind=None if is_physical else virtual_kind(net_dir.name, net_dir, devtype),
        state=read_text(net_dir / "operstate"),
        link_speed_mbps=_speed_mbps(net_dir) if is_physical else None,
        mtu=read_int(net_dir / "mtu"),
        driver=os.path.basename(driver) or None,
        addresses=addresses,
    )


def stable_mac(net_dir: Path) -> str | None:
    """The burned-in MAC of a physical interface: a bond slave's permanent address, and nothing for a
    randomised or user-set one (addr_assign_type 1 or 3: Wi-Fi privacy MACs change per network)."""
    permanent = format_mac(read_text(net_dir / "bonding_slave" / "perm_hwaddr"))
    if permanent:
        return permanent
    if read_int(net_dir / "addr_assign_type") in (1, 3):
        return None
    return format_mac(read_text(net_dir / "address"))


def read_physical_macs(sys_net: Path = SYS_NET) -> list[str]:
    """Stable MACs of the physical interfaces, which the server matches assets on."""
    macs = set()
    for entry in list_dir(sys_net):
        if (entry / "device").exists() and "/virtual/" not in os.path.realpath(entry):
            mac = stable_mac(entry)
            if mac:
                macs.add(mac)
    return sorted(macs)


def read_interfaces(sys_net: Path = SYS_NET) -> list[NetworkInterface]:
    """Every interface with its IPv4 (rtnetlink) and non-temporary IPv6 (/proc/net/if_inet6) addresses."""
    ipv4 = read_ipv4_addresses()
    ipv6 = parse_if_inet6(read_raw(IF_INET6) or "")
    return [
        read_interface(entry, ipv4.get(entry.name, []) + ipv6.get(entry.name, []))
        for entry in list_dir(sys_net)
    ]


def read_current_addresses() -> list[IpAddress]:
    """Every address now, IPv6 privacy addresses included (for status)."""
    ipv6 = parse_if_inet6(read_raw(IF_INET6) or "", temporary=True)
    found = [*read_ipv4_addresses().values(), *ipv6.values()]
    return [address for addresses in found for address in addresses]


def read_gateways() -> list[Gateway]:
    """Default gateways, IPv4 and IPv6."""
    ipv4 = parse_ipv4_routes(read_raw(Path("/proc/net/route")) or "")
    return ipv4 + parse_ipv6_routes(read_raw(Path("/proc/net/ipv6_route")) or "")
