"""Switch port names: every vendor spelling of one port becomes one short name (Gi1/0/14)."""

from __future__ import annotations

import re

#: Long interface prefixes (lower case) and their short form, longest first so that prefixes do not shadow.
_PREFIXES = (
    ("hundredgigabitethernet", "Hu"),
    ("hundredgige", "Hu"),
    ("fortygigabitethernet", "Fo"),
    ("twentyfivegige", "Twe"),
    ("twentyfivegigabitethernet", "Twe"),
    ("tengigabitethernet", "Te"),
    ("twogigabitethernet", "Tw"),
    ("fivegigabitethernet", "Fi"),
    ("gigabitethernet", "Gi"),
    ("fastethernet", "Fa"),
    ("port-channel", "Po"),
    ("ethernet", "Eth"),
    ("twe", "Twe"),
    ("eth", "Eth"),
    ("hu", "Hu"),
    ("fo", "Fo"),
    ("te", "Te"),
    ("tw", "Tw"),
    ("fi", "Fi"),
    ("gi", "Gi"),
    ("ge", "Gi"),
    ("fa", "Fa"),
    ("po", "Po"),
    ("et", "Eth"),
)
_NAME = re.compile(r"^([A-Za-z-]+)\s*(\d[\d/.:]*)$")


def normalise_port_name(name: str) -> str:
    """Gi1/0/14, gi1/0/14 and GigabitEthernet1/0/14 are all Gi1/0/14; an unknown form is kept, trimmed."""
    name = name.strip()
    match = _NAME.match(name)
    if not match:
        return name
    prefix, rest = match.group(1).lower(), match.group(2)
    for long, short in _PREFIXES:
        if prefix == long:
            return short + rest
    return name
