"""Parse BitLocker, firewall, Security Center antivirus, Secure Boot and TPM out of the CIM snapshot."""

from __future__ import annotations

from typing import Any

from collector.junk import clean_string
from collector.platforms.windows.powershell import rows
from collector.report import Antivirus, SecuritySection, VolumeEncryption

# Win32_EncryptableVolume.ConversionStatus
CONVERSION = {
    0: "fully_decrypted",
    1: "fully_encrypted",
    2: "encryption_in_progress",
    3: "decryption_in_progress",
    4: "encryption_paused",
    5: "decryption_paused",
}
DEFENDER_FIREWALL = "Windows Defender Firewall"


def decode_product_state(state: int) -> tuple[bool, bool]:
    """(enabled, up to date) from a Security Center productState.

    Bits 12-13 are the product state (0 off, 1 on, 2 snoozed, 3 expired) and bit 4 says the signatures
    are out of date; e.g. 397568 = 0x061100 is an enabled, up-to-date Windows Defender.
    """
    return (state >> 12) & 0x3 == 1, not state & 0x10


def parse_security(snapshot: dict[str, Any]) -> SecuritySection:
    """The security section; a query that failed leaves its fields null."""
    products = [
        (str(row["displayName"]), decode_product_state(row["productState"]))
        for row in rows(snapshot, "AntiVirusProduct")
        if row.get("displayName") and isinstance(row.get("productState"), int)
    ]
    firewall_enabled, firewall_product = parse_firewall(snapshot)
    return SecuritySection(
        disk_encryption=parse_bitlocker(rows(snapshot, "EncryptableVolume")),
        firewall_enabled=firewall_enabled,
        firewall_product=firewall_product,
        antivirus=[Antivirus(name=name, enabled=on, up_to_date=fresh) for name, (on, fresh) in products],
        secure_boot=parse_secure_boot(snapshot),
        tpm_version=parse_tpm_version(rows(snapshot, "Tpm")),
        auto_updates=None,
        pending_updates=None,
    )


def parse_bitlocker(volumes: list[dict[str, Any]]) -> list[VolumeEncryption]:
    """One record per drive letter; encrypted once fully converted, even while protection is suspended."""
    records = []
    for row in volumes:
        letter = row.get("DriveLetter")
        if not letter:
            continue  # hidden system and recovery partitions
        conversion = row.get("ConversionStatus")
        protection = {0: "protection_off", 1: "protection_on"}.get(row.get("ProtectionStatus"))
        status = ", ".join(part for part in (CONVERSION.get(conversion), protection) if part) or None
        records.append(
            VolumeEncryption(
                volume=f"{str(letter).upper()}\\",
                encrypted=conversion in (1, 4) if conversion in CONVERSION else None,
                method="bitlocker",
                status=status,
            )
        )
    return records


def encrypted_letters(volumes: list[dict[str, Any]]) -> dict[str, bool | None]:
    """Drive letter ("C:") → encrypted, for the hardware section's volumes."""
    return {record.volume.rstrip("\\"): record.encrypted for record in parse_bitlocker(volumes)}


def parse_firewall(snapshot: dict[str, Any]) -> tuple[bool | None, str | None]:
    """On when every profile is on or another product registered with Security Center is enabled."""
    third_party = [
        str(row["displayName"])
        for row in rows(snapshot, "FirewallProduct")
        if row.get("displayName") and isinstance(row.get("productState"), int)
        if decode_product_state(row["productState"])[0]
    ]
    if third_party:
        return True, third_party[0]
    profiles = rows(snapshot, "NetFirewallProfile")
    if not profiles:
        return None, None
    # The profile's Enabled is a GpoBoolean: 0 false, 1 true, 2 not configured (= on by default)
    return all(row.get("Enabled") in (1, 2, True) for row in profiles), DEFENDER_FIREWALL


def parse_secure_boot(snapshot: dict[str, Any]) -> bool | None:
    """Confirm-SecureBootUEFI's answer; it refuses to run on legacy BIOS, where Secure Boot is off."""
    answer = snapshot.get("SecureBoot")
    if isinstance(answer, list) and answer and isinstance(answer[0], bool):
        return answer[0]
    if isinstance(answer, bool):
        return answer
    failure = str((snapshot.get("_errors") or {}).get("SecureBoot", ""))
    return False if "not supported on this platform" in failure.lower() else None


def parse_tpm_version(tpms: list[dict[str, Any]]) -> str | None:
    """Highest spec version of Win32_Tpm.SpecVersion ("2.0, 0, 1.38")."""
    for row in tpms:
        spec = clean_string(row.get("SpecVersion"))
        if spec:
            return spec.split(",")[0].strip()
    return None
