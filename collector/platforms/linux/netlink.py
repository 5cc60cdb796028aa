"""IPv4 addresses with prefix lengths from the kernel's rtnetlink (RTM_GETADDR), without psutil."""

from __future__ import annotations

import socket
import struct

from collector.report import IpAddress

NETLINK_ROUTE = 0
RTM_NEWADDR = 20
RTM_GETADDR = 22
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 0x1
NLM_F_DUMP = 0x300
IFA_ADDRESS = 1
IFA_LOCAL = 2
_HEADER = struct.Struct("=IHHII")  # struct nlmsghdr
_IFADDRMSG = struct.Struct("=BBBBI")  # struct ifaddrmsg
_RTATTR = struct.Struct("=HH")  # struct rtattr


def _align(length: int) -> int:
    return (length + 3) & ~3


def parse_address_messages(data: bytes) -> tuple[list[tuple[int, IpAddress]], bool]:
    """(interface index, address) of the RTM_NEWADDR messages in a netlink reply, and whether it ended
    (NLMSG_DONE); raises ValueError on a truncated message or a netlink error."""
    found: list[tuple[int, IpAddress]] = []
    offset = 0
    while offset + _HEADER.size <= len(data):
        length, kind, _, _, _ = _HEADER.unpack_from(data, offset)
        if length < _HEADER.size or offset + length > len(data):
            raise ValueError(f"netlink message at {offset} overruns the reply")
        if kind == NLMSG_DONE:
            return found, True
        if kind == NLMSG_ERROR:
            code = struct.unpack_from("=i", data, offset + _HEADER.size)[0]
            raise ValueError(f"netlink error {code}")
        if kind == RTM_NEWADDR:
            found.append(_parse_address(data[offset + _HEADER.size : offset + length]))
        offset += _align(length)
    if offset != len(data):
        raise ValueError("netlink reply ends inside a message header")
    return found, False


def _parse_address(body: bytes) -> tuple[int, IpAddress]:
    family, prefix, _, _, index = _IFADDRMSG.unpack_from(body, 0)
    attributes: dict[int, bytes] = {}
    offset = _IFADDRMSG.size
    while offset + _RTATTR.size <= len(body):
        length, kind = _RTATTR.unpack_from(body, offset)
        if length < _RTATTR.size or offset + length > len(body):
            raise ValueError("netlink attribute overruns its message")
        attributes[kind] = body[offset + _RTATTR.size : offset + length]
        offset += _align(length)
    raw = attributes.get(IFA_LOCAL) or attributes.get(
        IFA_ADDRESS
    )  # IFA_ADDRESS is the peer on point-to-point
    if raw is None:
        raise ValueError("netlink address message without an address")
    name = "ipv4" if family == socket.AF_INET else "ipv6"
    return index, IpAddress(address=socket.inet_ntop(family, raw), prefix_length=prefix, family=name)


def read_ipv4_addresses() -> dict[str, list[IpAddress]]:
    """Every IPv4 address per interface name, secondary addresses included."""
    names = dict(socket.if_nameindex())
    request = _HEADER.pack(_HEADER.size + _IFADDRMSG.size, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 1, 0)
    request += _IFADDRMSG.pack(socket.AF_INET, 0, 0, 0, 0)
    result: dict[str, list[IpAddress]] = {}
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE) as sock:
        sock.settimeout(2)
        sock.sendto(request, (0, 0))
        done = False
        while not done:
            found, done = parse_address_messages(sock.recv(65536))
            for index, address in found:
                result.setdefault(names.get(index, str(index)), []).append(address)
    return result
