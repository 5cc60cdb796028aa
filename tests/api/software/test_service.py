"""Installations through the catalog: side-by-side versions, architectures and scopes, upgrades paired."""

import uuid

from sqlalchemy import func, select

from collector.report import Package
from inventory_api.assets.models import Asset
from inventory_api.locations.models import Location
from inventory_api.software.models import Installation, SoftwareTitle, SoftwareVersion
from inventory_api.software.normalize import catalog_key
from inventory_api.software.service import resolve_catalog, sync_installations


def asset(session, db):
    site = Location(kind="site", name="HQ")
    session.add(site)
    session.flush()
    a = Asset(id=uuid.uuid4(), kind="desktop", status="deployed", site_id=site.id)
    session.add(a)
    session.flush()
    return a.id


def summaries(changes):
    return sorted(c.summary() for c in changes)


def test_side_by_side_versions_architectures_and_scopes(session, db):
    asset_id = asset(session, db)
    kernels = [Package(name="linux-image", version=v, architecture="amd64") for v in ("6.8.0-45", "6.8.0-47")]
    count, _ = sync_installations(session, asset_id, kernels)
    assert count == 2
    more = [*kernels, Package(name="linux-image", version="6.8.0-47", architecture="arm64"),
            Package(name="linux-image", version="6.8.0-47", architecture="amd64", scope="user")]  # fmt: skip
    count, changes = sync_installations(session, asset_id, more)
    assert count == 4
    assert summaries(changes) == ["linux-image 6.8.0-47 installed", "linux-image 6.8.0-47 installed"]
    assert session.scalar(select(func.count()).select_from(SoftwareTitle)) == 1
    assert session.scalar(select(func.count()).select_from(SoftwareVersion)) == 2


def test_upgrade_is_a_removal_paired_with_an_addition(session, db):
    asset_id = asset(session, db)
    sync_installations(session, asset_id, [Package(name="Mozilla Firefox 128.0 (x64 en-US)", version="128.0", architecture="x64"),
                                           Package(name="7-Zip", version="23.01")])  # fmt: skip
    _, changes = sync_installations(
        session,
        asset_id,
        [Package(name="Mozilla Firefox 128.1 (x64 en-US)", version="128.1", architecture="x64")],
    )
    assert summaries(changes) == ["7-Zip 23.01 removed", "Mozilla Firefox 128.0 → 128.1"]
    assert session.scalar(select(func.count()).select_from(Installation)) == 1


def test_two_machines_share_catalog_rows(session, db):
    a, b = asset(session, db), asset(session, db)
    sync_installations(session, a, [Package(name="Google Chrome", version="131.0", publisher="Google LLC")])
    sync_installations(session, b, [Package(name="Google Chrome", version="131.0", publisher="Google Inc.")])
    assert session.scalar(select(func.count()).select_from(SoftwareVersion)) == 1
    assert session.scalar(select(SoftwareTitle.publisher)) == "Google"


def test_new_catalog_rows_do_not_wait_for_the_report(session, db):
    """PostgreSQL: a report's new titles are visible to others before the report commits, so racing first
    reports of machines with the same software do not queue behind each other; SQLite: one writer, one
    transaction."""
    resolve_catalog(session, [catalog_key("Inkscape", "1.4", "Inkscape Project")])
    with db.sessions() as other:
        seen = other.scalar(
            select(func.count()).select_from(SoftwareTitle).where(SoftwareTitle.name == "Inkscape")
        )
    assert seen == (1 if db.url.startswith("postgresql") else 0)
    session.rollback()
