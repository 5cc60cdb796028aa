"""The software delta: packages compared whole, as multisets; sent only when it is small."""

import pytest

from collector.report import Package, SoftwareSection, section_hash, to_dict
from collector.software_delta import build_software_delta, delta_limit, diff_packages


def _wire(*packages: Package) -> list[dict[str, object]]:
    return [to_dict(package) for package in packages]


BASH = Package(name="bash", version="5.2.15-2", source="dpkg", install_date="2026-10-01T08:00:00Z")
CURL = Package(name="curl", version="7.88.1-10", source="dpkg")
ZSH = Package(name="zsh", version="5.9-4", source="dpkg")
APP = Package(name="Teams", version="24.1", source="msi", scope="user")


def test_unchanged_packages_in_another_order_make_an_empty_delta() -> None:
    assert diff_packages(_wire(BASH, CURL), _wire(CURL, BASH)) == ([], [])


def test_added_and_removed_packages() -> None:
    added, removed = diff_packages(_wire(BASH, CURL), _wire(ZSH, BASH))
    assert (added, removed) == (_wire(ZSH), _wire(CURL))


def test_a_package_changed_in_one_field_is_removed_as_it_was_and_added_as_it_is() -> None:
    reinstalled = Package(name="bash", version="5.2.15-2", source="dpkg", install_date="2026-12-01T09:30:00Z")
    added, removed = diff_packages(_wire(BASH, CURL), _wire(reinstalled, CURL))
    assert (added, removed) == (_wire(reinstalled), _wire(BASH))


def test_identical_packages_count_twice() -> None:
    # e.g. one app installed for two users: the same record twice in the section
    assert diff_packages(_wire(APP, BASH), _wire(APP, APP, BASH)) == (_wire(APP), [])
    assert diff_packages(_wire(APP, APP, APP), _wire(APP)) == ([], _wire(APP, APP))


def test_key_order_and_new_fields_count_as_a_change_only_when_the_json_differs() -> None:
    reordered = dict(reversed(list(to_dict(CURL).items())))
    assert diff_packages(_wire(CURL), [reordered]) == ([], [])
    older = {key: value for key, value in to_dict(CURL).items() if key != "is_update"}  # an older collector
    assert diff_packages([older], _wire(CURL)) == (_wire(CURL), [older])


@pytest.mark.parametrize(
    ("package_count", "limit"),
    [(0, -1), (1, 0), (30, 29), (51, 50), (200, 50), (203, 50), (204, 51), (1500, 375)],
)
def test_delta_limit_is_a_quarter_at_least_50_and_below_the_section_size(
    package_count: int, limit: int
) -> None:
    assert delta_limit(package_count) == limit


def test_build_sends_a_small_delta_and_nothing_beyond_the_limit() -> None:
    base = [Package(name=f"pkg-{number:03}", version="1.0") for number in range(200)]
    base_hash = section_hash(SoftwareSection(packages=base))
    upgraded = [Package(name=package.name, version="2.0") for package in base[:25]]
    delta = build_software_delta(base_hash, _wire(*base), _wire(*upgraded, *base[25:]))
    assert delta == {"base": base_hash, "added": _wire(*upgraded), "removed": _wire(*base[:25])}  # 50 named
    one_more = [*upgraded, Package(name="zsh")]
    assert build_software_delta(base_hash, _wire(*base), _wire(*one_more, *base[25:])) is None  # 51 named
