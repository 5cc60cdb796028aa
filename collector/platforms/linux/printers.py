"""Printer queues from CUPS's /etc/cups/printers.conf (readable by root and the lp group)."""

from __future__ import annotations

import re
from pathlib import Path

from collector.report import Printer

PRINTERS_CONF = Path("/etc/cups/printers.conf")
NETWORK_SCHEMES = {"ipp", "ipps", "http", "https", "socket", "lpd", "smb", "dnssd", "mdns"}
_SECTION = re.compile(r"^<(DefaultPrinter|Printer)\s+(.+)>$")


def strip_credentials(uri: str) -> str:
    """A device URI without user:password@ (smb:// queues often carry them)."""
    return re.sub(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", r"\1", uri)


def parse_printers_conf(text: str) -> list[Printer]:
    """Queues of a printers.conf; raises ValueError on an unterminated or nested section."""
    printers: list[Printer] = []
    current: Printer | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        start = _SECTION.match(line)
        if start:
            if current is not None:
                raise ValueError(f"nested printer section: {line!r}")
            current = Printer(name=start.group(2), is_default=start.group(1) == "DefaultPrinter")
            continue
        if line in ("</Printer>", "</DefaultPrinter>"):
            if current is None:
                raise ValueError("printer section closed twice")
            printers.append(current)
            current = None
            continue
        if current is None:
            continue  # file-level settings such as NextPrinterId
        key, _, value = line.partition(" ")
        if key == "MakeModel":
            current.driver = value or None
        elif key == "DeviceURI":
            current.port = strip_credentials(value)
            current.is_network = value.split(":", 1)[0].lower() in NETWORK_SCHEMES
        elif key == "Location":
            current.location = value or None
        elif key == "Info":
            current.description = value or None
        elif key == "Shared":
            current.is_shared = value.lower() in ("yes", "true", "on")
    if current is not None:
        raise ValueError(f"printer section {current.name!r} is not closed")
    return printers


def read_printers(conf: Path = PRINTERS_CONF) -> list[Printer]:
    """CUPS queues of this machine; none when CUPS is not installed."""
    try:
        text = conf.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    return parse_printers_conf(text)
