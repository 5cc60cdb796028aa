"""The network section: interfaces, addresses, gateways, DNS, LLDP neighbours."""

from __future__ import annotations

from collector.gather.boundary import gather_from_platform
from collector.report import NetworkSection, ReportError


def gather_network(errors: list[ReportError]) -> NetworkSection:
    """Gather the network section; a failing source becomes an entry in errors."""
    return gather_from_platform("network", NetworkSection, errors)
