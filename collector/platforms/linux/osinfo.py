"""The operating system: /etc/os-release, uname, boot time, time zone, install date, last user."""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from pathlib import Path

from collector.platforms.common import iso_utc
from collector.platforms.linux.files import read_raw, read_text
from collector.report import OperatingSystem

# Files written once by the installer of each family; their mtime is the install date.
INSTALL_MARKERS = (
    Path("/var/log/installer"),  # Debian, Ubuntu (d-i, subiquity)
    Path("/root/anaconda-ks.cfg"),  # RHEL, Fedora, Rocky (Anaconda)
    Path("/var/log/anaconda"),
    Path("/etc/machine-id"),  # first boot, on images without an installer log
)

# The collector's application id for app-specific machine ids (`systemd-id128 machine-id --app-specific=…`).
COLLECTOR_APP_ID = "2b7c0170aafb4ea7a8ce48411bc8986e"
_UTMP = struct.Struct("<hhi32s4s32s256shhiii4i20s")  # struct utmp on 64-bit Linux, 384 bytes
USER_PROCESS = 7


def app_specific_machine_id(machine_id: str, app_id: str = COLLECTOR_APP_ID) -> str:
    """The machine id as systemd's sd_id128_get_machine_app_specific() derives it: machine-id(5) asks
    applications never to send the raw id, so the report carries HMAC-SHA256(machine id, app id) as a v4 id."""
    key = bytes.fromhex(machine_id.strip())
    if len(key) != 16:
        raise ValueError("a machine id is 32 hex digits")
    digest = bytearray(hmac.new(key, bytes.fromhex(app_id), hashlib.sha256).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x40
    digest[8] = (digest[8] & 0x3F) | 0x80
    return digest.hex()


def read_machine_id(path: Path = Path("/etc/machine-id")) -> str | None:
    """This machine's collector-specific id, or None without /etc/machine-id (or an empty one, first boot)."""
    text = read_text(path)
    return app_specific_machine_id(text) if text else None


def parse_os_release(text: str) -> dict[str, str]:
    """KEY=value pairs of an os-release file, unquoted; raises ValueError on a line that is not one."""
    fields: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.replace("_", "").isalnum() or not key.isupper():
            raise ValueError(f"not an os-release line: {raw!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = _unescape(value[1:-1])
        fields[key] = value
    return fields


def _unescape(value: str) -> str:
    for escaped in ('\\"', "\\$", "\\`", "\\\\"):
        value = value.replace(escaped, escaped[1])
    return value


def parse_boot_time(proc_stat: str) -> int | None:
    """The boot time in epoch seconds from /proc/stat's btime line."""
    for line in proc_stat.splitlines():
        if line.startswith("btime "):
            return int(line.split()[1])
    return None


def parse_last_user(wtmp: bytes) -> str | None:
    """The user of the last login recorded in a wtmp tail (struct utmp records)."""
    size = _UTMP.size
    usable = len(wtmp) - len(wtmp) % size
    for offset in range(usable - size, -1, -size):
        record = _UTMP.unpack_from(wtmp, offset)
        if record[0] == USER_PROCESS:
            user = record[5].split(b"\x00", 1)[0].decode("utf-8", errors="replace")
            if user:
                return user
    return None


def parse_utmp_sessions(utmp: bytes) -> list[tuple[str, str]]:
    """(user, terminal line) of each user session in a utmp file; nothing about hosts or times."""
    size = _UTMP.size
    sessions = []
    for offset in range(0, len(utmp) - len(utmp) % size, size):
        record = _UTMP.unpack_from(utmp, offset)
        user = record[5].split(b"\x00", 1)[0].decode("utf-8", errors="replace")
        if record[0] == USER_PROCESS and user:
            sessions.append((user, record[3].split(b"\x00", 1)[0].decode("utf-8", errors="replace")))
    return sessions


def read_sessions(utmp: Path = Path("/run/utmp")) -> list[tuple[str, str]]:
    """Current user sessions; none when utmp does not exist (containers, minimal systems)."""
    try:
        return parse_utmp_sessions(utmp.read_bytes())
    except FileNotFoundError:
        return []


def timezone_name(
    localtime: Path = Path("/etc/localtime"), etc_timezone: Path = Path("/etc/timezone")
) -> str | None:
    """The IANA time zone: the /etc/localtime link target, else /etc/timezone."""
    try:
        target = os.readlink(localtime)
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        return target.split("zoneinfo/", 1)[1]
    return read_text(etc_timezone) or None


def read_install_date(markers: tuple[Path, ...] = INSTALL_MARKERS) -> str | None:
    """The install date from the oldest installer marker that exists."""
    times = []
    for marker in markers:
        try:
            times.append(marker.stat().st_mtime)
        except OSError:
            continue
    return iso_utc(min(times)) if times else None


def read_last_user(wtmp: Path = Path("/var/log/wtmp"), tail_records: int = 512) -> str | None:
    """The last user to log in, from the tail of wtmp."""
    try:
        with wtmp.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - size % _UTMP.size - tail_records * _UTMP.size))
            return parse_last_user(handle.read())
    except FileNotFoundError:
        return None


def read_operating_system(etc: Path = Path("/etc"), proc: Path = Path("/proc")) -> OperatingSystem:
    """The OS facts of this machine (os-release, uname, /proc/stat)."""
    text = read_raw(etc / "os-release") or read_raw(Path("/usr/lib/os-release")) or ""
    release = parse_os_release(text)
    uname = os.uname()
    stat = read_raw(proc / "stat") or ""
    return OperatingSystem(
        family="linux",
        name=release.get("NAME"),
        distribution_id=release.get("ID"),
        version=release.get("VERSION_ID"),
        build=release.get("BUILD_ID"),
        kernel_name=uname.sysname,
        kernel_version=uname.release,
        architecture=uname.machine,
        boot_time=iso_utc(parse_boot_time(stat)),
        timezone=timezone_name(),
    )
