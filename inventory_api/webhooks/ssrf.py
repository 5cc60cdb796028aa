"""Refusing webhook URLs that point into the server's own network (checked after DNS resolution)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Cloud metadata endpoints (AWS/GCP/Azure/OpenStack, AWS IPv6, Alibaba): always refused.
METADATA = (
    ipaddress.ip_network("169.254.169.254/32"),
    ipaddress.ip_network("fd00:ec2::254/128"),
    ipaddress.ip_network("100.100.100.200/32"),
)


class UnsafeUrl(ValueError):
    """A webhook URL the server will not call."""


def check_address(address: IPAddress, allowed: Sequence[Network]) -> None:
    """Raise UnsafeUrl for link-local and metadata always, loopback/private/reserved unless allowlisted."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address in net for net in METADATA) or address.is_link_local:
        raise UnsafeUrl(f"{address} is link-local or a cloud metadata address")
    internal = (
        address.is_loopback or address.is_private or address.is_reserved or address.is_multicast
        or address.is_unspecified or not address.is_global
    )  # fmt: skip
    if internal and not any(address in net for net in allowed):
        raise UnsafeUrl(
            f"{address} is an internal address; an admin can allow its network (webhook_allowed_networks)"
        )


def resolve(url: str, allowed: Sequence[Network]) -> list[IPAddress]:
    """The addresses a URL's host resolves to, every one of them checked; raises UnsafeUrl."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl("a webhook URL is http(s)://host[:port]/path")
    if parts.username or parts.password:
        raise UnsafeUrl("credentials in a webhook URL are not allowed; use the signing secret")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   proto=socket.IPPROTO_TCP)  # fmt: skip
    except socket.gaierror as exc:
        raise UnsafeUrl(f"cannot resolve {parts.hostname}: {exc.strerror}") from exc
    addresses = sorted({ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}, key=str)
    for address in addresses:
        check_address(address, allowed)
    return addresses
