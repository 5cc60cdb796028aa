"""Normalising reported package names, publishers and versions into catalog keys, by a rule table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

#: Publisher spellings seen in Windows Uninstall keys, Info.plist and package metadata → one name.
PUBLISHER_ALIASES: dict[str, str] = {
    "microsoft": "Microsoft",
    "microsoft corporation": "Microsoft",
    "microsoft corp": "Microsoft",
    "mozilla": "Mozilla",
    "mozilla corporation": "Mozilla",
    "mozilla foundation": "Mozilla",
    "google": "Google",
    "google llc": "Google",
    "google inc": "Google",
    "adobe": "Adobe",
    "adobe systems incorporated": "Adobe",
    "adobe inc": "Adobe",
    "oracle": "Oracle",
    "oracle corporation": "Oracle",
    "oracle america inc": "Oracle",
    "apple": "Apple",
    "apple inc": "Apple",
    "the document foundation": "The Document Foundation",
    "videolan": "VideoLAN",
    "zoom video communications inc": "Zoom",
    "python software foundation": "Python Software Foundation",
    "igor pavlov": "Igor Pavlov",
    "notepad++ team": "Notepad++ Team",
}
#: Legal-form suffixes dropped from a publisher that is not in the alias table.
_LEGAL_SUFFIX = re.compile(
    r"[,.]?\s+(inc|incorporated|llc|ltd|limited|corp|corporation|gmbh|ag|s\.?a|b\.?v|co|plc)\.?$", re.I
)
#: Trailing decorations of Windows display names: "(x64 en-US)", "(64-bit)", "- en-us", an embedded version.
_TITLE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\s*\((?:(?:x64|x86|arm64|64-bit|32-bit|64 bit|32 bit)\s*)+(?:[a-z]{2}(?:-[A-Za-z]{2})?)?\)\s*$", re.I), ""),
    (re.compile(r"\s*\([a-z]{2}-[A-Za-z]{2}\)\s*$"), ""),
    (re.compile(r"\s+-\s+[a-z]{2}(?:-[A-Za-z]{2})?$"), ""),
    (re.compile(r"\s+(?:x64|x86|64-bit|32-bit)$", re.I), ""),
    (re.compile(r"\s+(?:-\s+)?v?\d+(?:\.\d+){1,3}(?:\s*\(?(?:x64|x86|64-bit|32-bit)\)?)?$", re.I), ""),
)  # fmt: skip
_SPACES = re.compile(r"\s+")
_EMAIL = re.compile(r"\s*<[^>]*>\s*")
_ARCH_ALIASES = {
    "x86_64": "x86_64", "amd64": "x86_64", "x64": "x86_64", "64-bit": "x86_64",
    "i386": "x86", "i686": "x86", "x86": "x86", "32-bit": "x86",
    "aarch64": "arm64", "arm64": "arm64", "armhf": "armhf", "all": "all", "noarch": "all", "universal": "universal",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class CatalogKey:
    """A package as the catalog sees it."""

    title_key: str
    name: str
    publisher: str | None
    version: str
    #: The catalog's lookup key of this title and version (computed once: the hot path reads it per package).
    version_key: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "version_key", f"{self.title_key}\x1f{self.version}")


def normalize_publisher(value: str | None) -> str | None:
    """ "Microsoft Corporation" → "Microsoft"; a maintainer e-mail address is dropped."""
    if not value:
        return None
    text = _SPACES.sub(" ", _EMAIL.sub(" ", value)).strip().strip(",")
    if not text:
        return None
    folded = text.casefold().rstrip(".")
    if folded in PUBLISHER_ALIASES:
        return PUBLISHER_ALIASES[folded]
    stripped = _LEGAL_SUFFIX.sub("", text).strip()
    return PUBLISHER_ALIASES.get(stripped.casefold(), stripped or text)[:200]


def normalize_title(name: str) -> str:
    """ "Mozilla Firefox 128.0.3 (x64 en-US)" → "Mozilla Firefox": architecture, language and version dropped."""
    text = _SPACES.sub(" ", name).strip()
    previous = None
    while previous != text:  # "(x64) - 14.38" needs the version rule, then the architecture rule
        previous = text
        for pattern, replacement in _TITLE_RULES:
            candidate = pattern.sub(replacement, text).strip()
            if candidate:
                text = candidate
    return text[:300]


def normalize_version(value: str | None) -> str:
    """A version as reported, trimmed; a leading "v"/"version" dropped; "" when unknown."""
    if not value:
        return ""
    text = value.strip()
    text = re.sub(r"^(?:version\s*|v(?=\d))", "", text, flags=re.I)
    return text[:100]


@lru_cache(maxsize=1024)
def normalize_architecture(value: str | None) -> str:
    """ "amd64"/"x64" → "x86_64", "aarch64" → "arm64"; "" when unknown."""
    if not value:
        return ""
    text = value.strip().lower()
    return _ARCH_ALIASES.get(text, text)[:30]


@lru_cache(maxsize=200_000)  # a fleet reports the same few thousand packages over and over
def catalog_key(name: str, version: str | None, publisher: str | None) -> CatalogKey:
    """The catalog identity of a reported package."""
    title = normalize_title(name)
    return CatalogKey(
        title_key=title.casefold(), name=title, publisher=normalize_publisher(publisher),
        version=normalize_version(version),
    )  # fmt: skip
