"""The catalog's rule table, on names as Windows, macOS and Linux package databases report them."""

import pytest

from inventory_api.software.normalize import (
    catalog_key,
    normalize_architecture,
    normalize_publisher,
    normalize_title,
)

TITLES = [
    ("Mozilla Firefox 128.0.3 (x64 en-US)", "Mozilla Firefox"),
    ("Mozilla Firefox (x64 de)", "Mozilla Firefox"),
    ("7-Zip 23.01 (x64)", "7-Zip"),
    (
        "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33130",
        "Microsoft Visual C++ 2015-2022 Redistributable",
    ),
    ("Notepad++ (64-bit x64)", "Notepad++"),
    ("Zoom - en-us", "Zoom"),
    ("Google Chrome", "Google Chrome"),
    ("Java 8 Update 401 (64-bit)", "Java 8 Update 401"),
    ("python3.12", "python3.12"),  # a Debian package name keeps its version-like suffix
    ("libc6", "libc6"),
    ("  VLC   media player ", "VLC media player"),
    ("1.2.3", "1.2.3"),  # never normalised to nothing
]


@pytest.mark.parametrize(("raw", "title"), TITLES)
def test_titles(raw, title):
    assert normalize_title(raw) == title


@pytest.mark.parametrize(
    ("raw", "publisher"),
    [
        ("Microsoft Corporation", "Microsoft"),
        ("Google LLC", "Google"),
        ("Mozilla", "Mozilla"),
        ("Adobe Systems Incorporated", "Adobe"),
        ("Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>", "Ubuntu Developers"),
        ("Acme Widgets, Inc.", "Acme Widgets"),
        ("Contoso GmbH", "Contoso"),
        ("", None),
        (None, None),
    ],
)
def test_publishers(raw, publisher):
    assert normalize_publisher(raw) == publisher


@pytest.mark.parametrize(
    ("raw", "arch"),
    [
        ("amd64", "x86_64"),
        ("x64", "x86_64"),
        ("aarch64", "arm64"),
        ("noarch", "all"),
        (None, ""),
        ("riscv64", "riscv64"),
    ],
)
def test_architectures(raw, arch):
    assert normalize_architecture(raw) == arch


def test_one_catalog_row_for_every_spelling_of_one_browser_version():
    keys = {
        catalog_key("Mozilla Firefox 128.0 (x64 en-US)", "128.0", "Mozilla").version_key,
        catalog_key("Mozilla Firefox (x86 en-US)", "v128.0", "Mozilla Corporation").version_key,
        catalog_key("mozilla firefox", " 128.0 ", None).version_key,
    }
    assert len(keys) == 1
    assert catalog_key("Mozilla Firefox", "128.1", None).version_key not in keys
