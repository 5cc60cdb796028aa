import pytest

from inventory_api.assets.identity import normalise_hostname, normalise_mac, normalise_serial


@pytest.mark.parametrize(
    ("raw", "mac"),
    [
        ("aa:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:ff"),
        ("AA-BB-CC-DD-EE-FF", "aa:bb:cc:dd:ee:ff"),
        ("aabb.ccdd.eeff", "aa:bb:cc:dd:ee:ff"),
        ("AABBCCDDEEFF", "aa:bb:cc:dd:ee:ff"),
        ("aa:bb:cc:dd:ee", None),
        ("pc-042", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_mac(raw, mac):
    assert normalise_mac(raw) == mac


@pytest.mark.parametrize(
    ("raw", "key"),
    [("PC-042.corp.example.com.", "pc-042"), (" pc-042 ", "pc-042"), ("10.0.0.5", "10.0.0.5"), ("", None)],
)
def test_normalise_hostname(raw, key):
    assert normalise_hostname(raw) == key


@pytest.mark.parametrize(
    ("raw", "key"),
    [("abc 123", "ABC123"), ("5cg1234xyz", "5CG1234XYZ"), ("To Be Filled By O.E.M.", None), ("", None)],
)
def test_normalise_serial(raw, key):
    assert normalise_serial(raw) == key
