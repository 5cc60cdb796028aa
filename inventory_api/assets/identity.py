"""Normalised forms of the identities an asset is found by: serial, hostname, MAC address."""

from __future__ import annotations

import ipaddress
import re

from collector.junk import clean_serial

_NOT_HEX = re.compile(r"[\s:.\-]")
_HEX12 = re.compile(r"^[0-9a-f]{12}$")


def normalise_serial(serial: str | None) -> str | None:
    """Upper-case serial without spaces; None for empty or well-known placeholder values."""
    cleaned = clean_serial(serial)
    if cleaned is None:
        return None
    key = "".join(cleaned.split()).upper()
    return key or None


def normalise_hostname(hostname: str | None) -> str | None:
    """Lower-case short host name ("PC-042.corp.example." → "pc-042"); an IP address stays whole."""
    if hostname is None:
        return None
    name = hostname.strip().rstrip(".").lower()
    if not name:
        return None
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return name.split(".", 1)[0] or None
    return name


def normalise_mac(mac: str | None) -> str | None:
    """A MAC address in any notation as "aa:bb:cc:dd:ee:ff", or None when it is not one."""
    if mac is None:
        return None
    digits = _NOT_HEX.sub("", mac.strip().lower())
    if not _HEX12.match(digits):
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))
