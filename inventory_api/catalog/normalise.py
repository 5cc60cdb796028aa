"""Manufacturer names to one key: "Dell Inc.", "DELL" and "Dell Computer Corporation" are one maker."""

from __future__ import annotations

import re

#: Legal-form and filler words dropped from the end of a maker's name.
SUFFIX_WORDS = frozenset(
    [
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "gmbh",
        "computer",
        "computers",
        "llc",
        "plc",
        "ag",
        "sa",
        "bv",
        "kk",
        "international",
        "intl",
        "group",
    ]
)

#: Canonical name → other spellings (as normalised keys) seen in SMBIOS, EDID, USB and purchase records.
KNOWN_VENDORS: dict[str, tuple[str, ...]] = {
    "Dell": ("dell", "dell emc", "dell technologies"),
    "HP": ("hp", "hewlett packard", "hpe", "hewlett packard enterprise", "hp enterprise"),
    "Lenovo": ("lenovo", "lenovo pc"),
    "Apple": ("apple",),
    "Cisco": ("cisco", "cisco systems"),
    "Poly": ("poly", "polycom", "plantronics"),
    "Yealink": ("yealink", "yealink network technology", "xiamen yealink network technology"),
    "Microsoft": ("microsoft",),
    "ASUS": ("asus", "asustek", "asustek computer"),
    "Acer": ("acer",),
    "Samsung": ("samsung", "samsung electronics"),
    "LG": ("lg", "lg electronics", "goldstar"),
    "Intel": ("intel",),
    "VMware": ("vmware",),
    "QEMU": ("qemu",),
}
#: Every known spelling's key → the canonical name.
ALIAS_TO_CANONICAL = {alias: name for name, aliases in KNOWN_VENDORS.items() for alias in aliases}


def manufacturer_key(name: str) -> str:
    """The normalised key of a maker's name: lower case, words only, legal-form suffixes dropped."""
    words = re.sub(r"[^0-9a-z]+", " ", name.casefold()).split()
    while len(words) > 1 and words[-1] in SUFFIX_WORDS:
        words.pop()
    return " ".join(words)


def display_name(name: str) -> str:
    """The name to show for a maker seen for the first time: trimmed, single spaces."""
    return " ".join(name.split())


def model_key(name: str) -> str:
    """What makes two model names one: "OptiPlex 7090", "OPTIPLEX  7090" and "optiplex 7090" are one model."""
    return display_name(name).casefold()
