"""BitLocker, firewall, Security Center antivirus, Secure Boot and TPM."""

from __future__ import annotations

import pytest

from collector.platforms.windows.security import decode_product_state, parse_security
from collector.report import Antivirus, VolumeEncryption

from .loaders import cim


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (397568, (True, True)),  # 0x061100 Defender on, signatures current
        (393472, (False, True)),  # 0x060100 Defender off
        (397584, (True, False)),  # 0x061110 on, signatures out of date
        (266240, (True, True)),  # 0x041000 third-party product on
        (262144, (False, True)),  # 0x040000 off
        (401664, (False, True)),  # 0x062100 snoozed
    ],
)
def test_decode_product_state(state: int, expected: tuple[bool, bool]) -> None:
    assert decode_product_state(state) == expected


# machine → (firewall on, antivirus, secure boot, TPM, disk encryption)
CASES = {
    "dell-optiplex-7090": (
        True,
        [Antivirus(name="Windows Defender", enabled=True, up_to_date=True)],
        True,
        "2.0",
        [
            VolumeEncryption(
                volume="C:\\", encrypted=True, method="bitlocker", status="fully_encrypted, protection_on"
            ),
            VolumeEncryption(
                volume="D:\\", encrypted=False, method="bitlocker", status="fully_decrypted, protection_off"
            ),
        ],
    ),
    "lenovo-thinkpad-t14": (
        False,  # the public profile is off
        [
            Antivirus(name="Windows Defender", enabled=False, up_to_date=True),
            Antivirus(name="CrowdStrike Falcon Sensor", enabled=True, up_to_date=True),
        ],
        True,
        "2.0",
        [
            VolumeEncryption(
                volume="C:\\", encrypted=True, method="bitlocker", status="fully_encrypted, protection_off"
            )
        ],
    ),
    "hyperv-server-2022": (True, [], True, None, []),
    "vmware-win10-32bit": (None, [], False, None, []),  # legacy BIOS: Secure Boot off, not unknown
}


@pytest.mark.parametrize(("machine", "expected"), CASES.items())
def test_parse_security(machine: str, expected: tuple) -> None:
    section = parse_security(cim(machine))
    found = (
        section.firewall_enabled,
        section.antivirus,
        section.secure_boot,
        section.tpm_version,
        section.disk_encryption,
    )
    assert found == expected


def test_enabled_third_party_firewall_wins() -> None:
    snapshot = {
        "FirewallProduct": [{"displayName": "ESET Firewall", "productState": 266240}],
        "NetFirewallProfile": [{"Name": "Public", "Enabled": 0}],
    }
    section = parse_security(snapshot)
    assert (section.firewall_enabled, section.firewall_product) == (True, "ESET Firewall")


def test_secure_boot_unknown_when_access_is_denied() -> None:
    assert parse_security({"_errors": {"SecureBoot": "Access was denied"}}).secure_boot is None
