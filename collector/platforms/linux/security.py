"""Security posture from configuration state: firewall, Secure Boot, TPM, automatic updates, antivirus."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from collector.platforms.linux.files import list_dir, read_raw, read_text
from collector.report import Antivirus

SECURE_BOOT_VAR = Path("/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c")
EFI_DIR = Path("/sys/firmware/efi")
SYSTEMD_WANTS = (Path("/etc/systemd/system"), Path("/usr/lib/systemd/system"), Path("/lib/systemd/system"))
APT_CONF_D = Path("/etc/apt/apt.conf.d")
UNATTENDED_UPGRADE = Path("/usr/bin/unattended-upgrade")
UPDATES_AVAILABLE = Path("/var/lib/update-notifier/updates-available")
# (product, executable or directory that shows it is installed, systemd unit that runs it)
ANTIVIRUS_PRODUCTS = (
    ("ClamAV", Path("/usr/sbin/clamd"), "clamav-daemon.service"),
    ("Microsoft Defender for Endpoint", Path("/opt/microsoft/mdatp"), "mdatp.service"),
    ("CrowdStrike Falcon", Path("/opt/CrowdStrike"), "falcon-sensor.service"),
    ("SentinelOne", Path("/opt/sentinelone"), "sentinelone.service"),
    ("Sophos Protection", Path("/opt/sophos-spl"), "sophos-spl.service"),
)
_APT_PERIODIC = re.compile(r'APT::Periodic::(Unattended-Upgrade|Update-Package-Lists)\s+"?(\d+)"?\s*;')


def parse_secure_boot_var(data: bytes) -> bool:
    """The SecureBoot EFI variable: 4 attribute bytes, then 1 = enabled."""
    if len(data) < 5:
        raise ValueError("SecureBoot variable too short")
    return data[4] == 1


def parse_ufw_conf(text: str) -> bool | None:
    """ENABLED=yes|no of /etc/ufw/ufw.conf."""
    for line in text.splitlines():
        key, _, value = line.strip().partition("=")
        if key == "ENABLED":
            return value.strip().strip("\"'").lower() == "yes"
    return None


def parse_apt_periodic(texts: list[str]) -> dict[str, int]:
    """APT::Periodic settings across apt.conf.d files in lexical order; the last one wins."""
    settings: dict[str, int] = {}
    for text in texts:
        for key, value in _APT_PERIODIC.findall(text):
            settings[key] = int(value)
    return settings


def parse_updates_available(text: str) -> int | None:
    """Pending updates from Ubuntu's update-notifier summary ("12 updates can be applied immediately.")."""
    match = re.search(r"(\d+) (?:updates?|packages?) can be (?:applied|installed|upgraded)", text)
    if match:
        return int(match.group(1))
    return 0 if "0 updates" in text or "No updates" in text else None


@functools.lru_cache(maxsize=8)
def enabled_units(roots: tuple[Path, ...] = SYSTEMD_WANTS) -> frozenset[str]:
    """Units linked into any *.wants directory (enabled), without calling systemctl."""
    units: set[str] = set()
    for root in roots:
        try:
            entries = list(os.scandir(root))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.name.endswith(".wants") and entry.is_dir():
                units.update(os.listdir(entry.path))
    return frozenset(units)


def unit_enabled(unit: str, roots: tuple[Path, ...] = SYSTEMD_WANTS) -> bool:
    """Whether a systemd unit is enabled in any of the unit directories."""
    return unit in enabled_units(roots)


def read_firewall() -> tuple[bool | None, str | None]:
    """(enabled, product) from ufw's config and the enabled firewalld/nftables/iptables units."""
    ufw = parse_ufw_conf(read_raw(Path("/etc/ufw/ufw.conf")) or "")
    if ufw:
        return True, "ufw"
    for unit, product in (
        ("firewalld.service", "firewalld"),
        ("nftables.service", "nftables"),
        ("netfilter-persistent.service", "iptables"),
        ("iptables.service", "iptables"),
    ):
        if unit_enabled(unit):
            return True, product
    return False, ("ufw" if ufw is False else None)


def read_secure_boot() -> bool | None:
    """Secure Boot state; False on BIOS (non-UEFI) boots, which cannot have it."""
    if not EFI_DIR.exists():
        return False
    try:
        return parse_secure_boot_var(SECURE_BOOT_VAR.read_bytes())
    except FileNotFoundError:
        return False  # UEFI without the variable: firmware without Secure Boot support
    except PermissionError:
        return None


def read_tpm_version() -> str | None:
    """ "2.0" or "1.2" from the kernel's TPM driver, None without a TPM."""
    major = read_text(Path("/sys/class/tpm/tpm0/tpm_version_major"))
    if major is None:
        return None
    return "2.0" if major == "2" else "1.2"


def read_auto_updates() -> bool | None:
    """unattended-upgrades (apt) or dnf-automatic enabled; None on systems with neither tool."""
    if APT_CONF_D.exists():
        texts = [read_raw(path) or "" for path in list_dir(APT_CONF_D)]
        settings = parse_apt_periodic(texts)
        return UNATTENDED_UPGRADE.exists() and settings.get("Unattended-Upgrade", 0) > 0
    if Path("/usr/bin/dnf").exists():
        return any(unit_enabled(t) for t in ("dnf-automatic.timer", "dnf-automatic-install.timer"))
    return None


def read_pending_updates() -> int | None:
    """Pending OS updates where a summary is already on disk (Ubuntu); else None (not cheap)."""
    text = read_raw(UPDATES_AVAILABLE)
    return parse_updates_available(text) if text is not None else None


def read_antivirus() -> list[Antivirus]:
    """Installed endpoint protection products, enabled when their service is."""
    return [
        Antivirus(name=name, enabled=unit_enabled(unit))
        for name, marker, unit in ANTIVIRUS_PRODUCTS
        if marker.exists()
    ]
