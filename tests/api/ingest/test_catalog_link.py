"""Reported makers and models become catalog links on machine and peripheral assets (docs/ingest.md)."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import event, func, select

from collector.report import to_dict
from inventory_api.assets.models import Asset, AssetFlag
from inventory_api.catalog.models import Manufacturer, Model
from tests.api.ingest.reports import again, enroll, gz, machine, payload, post
from tests.api.ingest.server import serve


def with_maker(report, manufacturer, product):
    """The report of a machine whose SMBIOS names this maker and product (identity and system alike)."""
    report.identity.manufacturer, report.identity.product = manufacturer, product
    report.system.manufacturer, report.system.product = manufacturer, product
    return report


def pc(i, manufacturer="Dell Inc.", product="OptiPlex 7090", **kwargs):
    report = machine(
        hostname=f"pc-{i:03d}", uuid_=f"4c4c4544-0000-4000-8000-{i:012d}", serial=f"SN{i:05d}",
        machine_id=f"{i:032x}", macs=(f"3c:52:82:00:{i // 256:02x}:{i % 256:02x}",), **kwargs,
    )  # fmt: skip
    return with_maker(report, manufacturer, product)


def report_first(client, secret, report):
    """Enroll and send the first full report; (node key, asset id, acknowledged hashes)."""
    enrolled = enroll(client, secret, report)
    response = post(client, enrolled["node_key"], payload(report))
    assert response.status_code == 200, response.text
    return enrolled["node_key"], uuid.UUID(enrolled["asset_id"]), response.json()["acknowledged"]


def asset_row(db, asset_id):
    with db.sessions() as s:
        return s.get(Asset, asset_id)


def count(db, model):
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_first_report_links_every_spelling_of_a_maker_to_one_manufacturer(client, db, secret):
    _, a, _ = report_first(client, secret, pc(1, "Dell Inc.", "OptiPlex 7090", chassis="Desktop"))
    _, b, _ = report_first(client, secret, pc(2, "DELL", "OptiPlex  7090", chassis="Desktop"))
    first, second = asset_row(db, a), asset_row(db, b)
    assert first.manufacturer_id is not None and first.model_id is not None
    assert (first.manufacturer_id, first.model_id) == (second.manufacturer_id, second.model_id)
    with db.sessions() as s:
        assert s.scalars(select(Manufacturer.name)).all() == ["Dell"]
        model = s.get(Model, first.model_id)
        assert (model.name, model.kind, model.manufacturer_id) == (
            "OptiPlex 7090",
            "desktop",
            first.manufacturer_id,
        )
    assert first.attributes["manufacturer"] == "Dell Inc."  # the reported text stays as it was


def test_a_new_model_gets_the_kind_of_the_machine_that_reported_it(client, db, secret):
    _, asset_id, _ = report_first(client, secret, pc(1, "Lenovo", "ThinkPad T14 Gen 3", chassis="Notebook"))
    with db.sessions() as s:
        assert s.scalar(select(Model.kind)) == "laptop" == s.get(Asset, asset_id).kind


@pytest.mark.parametrize(
    ("manufacturer", "product"),
    [
        ("To Be Filled By O.E.M.", "To Be Filled By O.E.M."),
        ("System manufacturer", "System Product Name"),
        ("Default string", "Default string"),
        ("Not Specified", "Not Specified"),
        ("", ""),
        (None, None),
        ("  ", "OptiPlex 7090"),  # a model needs its maker
    ],
)
def test_placeholder_values_link_nothing(client, db, secret, manufacturer, product):
    _, asset_id, _ = report_first(client, secret, pc(1, manufacturer, product))
    asset = asset_row(db, asset_id)
    assert (asset.manufacturer_id, asset.model_id) == (None, None)
    assert count(db, Manufacturer) == count(db, Model) == 0


def test_a_real_maker_with_a_placeholder_product_links_the_maker_only(client, db, secret):
    _, asset_id, _ = report_first(client, secret, pc(1, "ASUSTeK COMPUTER INC.", "System Product Name"))
    asset = asset_row(db, asset_id)
    with db.sessions() as s:
        assert s.get(Manufacturer, asset.manufacturer_id).name == "ASUS"
    assert asset.model_id is None
    assert count(db, Model) == 0


MONITORS = [
    {
        "manufacturer": "GSM",
        "model": "LG HDR 4K",
        "serial": "205NTABC1234",
    },  # an older collector: PNP id only
    {"manufacturer": "DEL", "manufacturer_name": "Dell", "model": "DELL P2422H", "serial": "CN0ABCDE"},
    {"manufacturer": "XYZ", "model": "Mystery 24", "serial": "MY0001"},  # a PNP id nobody knows
]


def test_peripheral_assets_are_linked_to_the_catalog(client, db, secret):
    from collector import report as r

    report = pc(1, "Dell Inc.", "OptiPlex 7090", chassis="Desktop", monitors=MONITORS)
    report.peripherals.usb_devices.append(
        r.UsbDevice(vendor_id="413c", product_id="b06e", manufacturer="Dell Inc.", product="WD19 Dock",
                    serial="DOCK0001", kind="dock"),
    )  # fmt: skip
    _, host_id, _ = report_first(client, secret, report)
    with db.sessions() as s:
        host = s.get(Asset, host_id)
        linked = {
            a.serial: (s.get(Manufacturer, a.manufacturer_id).name if a.manufacturer_id else None,
                       s.get(Model, a.model_id).name if a.model_id else None,
                       s.get(Model, a.model_id).kind if a.model_id else None)
            for a in s.scalars(select(Asset).where(Asset.parent_id == host_id))
        }  # fmt: skip
        dock = s.scalar(select(Asset).where(Asset.serial == "DOCK0001"))
        assert (
            dock.manufacturer_id == host.manufacturer_id
        )  # "Dell Inc." on USB, "Dell" in EDID, "Dell Inc." in SMBIOS
    assert linked == {
        "205NTABC1234": ("LG", "LG HDR 4K", "monitor"),
        "CN0ABCDE": ("Dell", "DELL P2422H", "monitor"),
        "MY0001": (None, None, None),
        "DOCK0001": ("Dell", "WD19 Dock", "docking_station"),
    }


def test_a_known_peripheral_created_unlinked_gets_its_link_on_the_next_change(client, db, secret):
    report = pc(1, monitors=MONITORS[:1])
    key, _, ack = report_first(client, secret, report)
    with db.transaction() as s:  # as a server before the catalog links left it
        monitor = s.scalar(select(Asset).where(Asset.kind == "monitor"))
        monitor.manufacturer_id = monitor.model_id = None
    nxt = again(report)
    nxt.peripherals.usb_devices[0].serial = "4C530002"  # any change of the peripherals section
    assert post(client, key, payload(nxt, acknowledged=ack)).status_code == 200
    with db.sessions() as s:
        monitor = s.scalar(select(Asset).where(Asset.kind == "monitor"))
        assert s.get(Model, monitor.model_id).name == "LG HDR 4K"


def test_motherboard_swap_moves_the_link_and_writes_history(client, db, secret, admin):
    report = pc(1, "HP", "EliteBook 840 G8")
    key, asset_id, ack = report_first(client, secret, report)
    before = asset_row(db, asset_id)
    nxt = with_maker(again(report), "HP", "EliteBook 850 G8")
    response = post(client, key, payload(nxt, acknowledged=ack))
    assert response.status_code == 200, response.text
    after = asset_row(db, asset_id)
    assert after.manufacturer_id == before.manufacturer_id
    assert after.model_id != before.model_id
    assert after.version > before.version
    with db.sessions() as s:
        assert s.get(Model, after.model_id).name == "EliteBook 850 G8"
    history = client.get(f"/api/v1/assets/{asset_id}/history", headers=admin).json()["items"]
    moved = [e for e in history if e["action"] == "updated" and "model_id" in (e["changes"] or {})]
    assert moved[-1]["changes"]["model_id"] == [str(before.model_id), str(after.model_id)]
    assert moved[-1]["actor_type"] == "collector"


def test_a_model_set_by_hand_survives_reports_until_the_hardware_changes(client, db, secret, admin):
    report = pc(1, "HP", "EliteBook 840 G8")
    key, asset_id, ack = report_first(client, secret, report)
    maker_id = asset_row(db, asset_id).manufacturer_id
    body = {"manufacturer_id": str(maker_id), "name": "EliteBook 840 G8 (refurbished, 32 GB)"}
    mine = client.post("/api/v1/models", json=body, headers=admin).json()["id"]
    assert (
        client.patch(f"/api/v1/assets/{asset_id}", json={"model_id": mine}, headers=admin).status_code == 200
    )

    nxt = again(report)  # an identity change other than maker and product: a new NIC
    nxt.identity.physical_macs.append("3c:52:82:99:99:99")
    nxt.software.packages.pop()
    assert post(client, key, payload(nxt, acknowledged=ack)).status_code == 200
    resent = again(nxt, seconds=2)  # and every section in full again
    assert post(client, key, payload(resent)).status_code == 200
    assert str(asset_row(db, asset_id).model_id) == mine

    swapped = with_maker(again(resent, seconds=3), "HP", "EliteBook 850 G8")
    assert post(client, key, payload(swapped)).status_code == 200
    with db.sessions() as s:
        assert s.get(Model, asset_row(db, asset_id).model_id).name == "EliteBook 850 G8"


def test_placeholders_in_a_later_report_unlink_nothing(client, db, secret):
    report = pc(1, "HP", "EliteBook 840 G8")
    key, asset_id, ack = report_first(client, secret, report)
    before = asset_row(db, asset_id)
    blank = with_maker(again(report), "To Be Filled By O.E.M.", "To Be Filled By O.E.M.")
    blank.identity.serial = blank.system.serial = None  # a reflashed board: no serial either
    assert post(client, key, payload(blank, acknowledged=ack)).status_code == 200
    after = asset_row(db, asset_id)
    assert (after.manufacturer_id, after.model_id) == (before.manufacturer_id, before.model_id)


def test_asset_list_filters_by_maker_and_model_find_inventoried_machines(client, db, secret, admin):
    _, dell, _ = report_first(client, secret, pc(1, "Dell Inc.", "OptiPlex 7090"))
    _, hp, _ = report_first(client, secret, pc(2, "Hewlett-Packard", "EliteBook 840 G8"))
    maker, model = asset_row(db, dell).manufacturer_id, asset_row(db, dell).model_id
    for query in (f"manufacturer_id={maker}", f"model_id={model}"):
        items = client.get(f"/api/v1/assets?{query}", headers=admin).json()["items"]
        assert [i["id"] for i in items] == [str(dell)], query
    assert asset_row(db, hp).manufacturer_id not in (None, maker)


def test_a_serial_typed_in_by_hand_is_the_machine_and_gets_the_reported_model(
    client, db, site, secret, admin
):
    body = {"kind": "desktop", "site_id": str(site), "manufacturer": "Dell", "serial": "SN00001"}
    typed = client.post("/api/v1/assets", json=body, headers=admin)
    assert typed.status_code == 201, typed.text
    _, asset_id, _ = report_first(client, secret, pc(1, "Dell Inc.", "OptiPlex 7090"))
    assert str(asset_id) == typed.json()["id"]  # matched by the serial of a registered asset
    asset = asset_row(db, asset_id)
    assert str(asset.manufacturer_id) == typed.json()["manufacturer_id"]
    with db.sessions() as s:
        assert s.get(Model, asset.model_id).name == "OptiPlex 7090"
        assert s.scalar(select(AssetFlag).where(AssetFlag.asset_id == asset_id)) is None


def test_a_serial_typed_in_for_another_machine_leaves_the_machine_unlinked_and_flagged(
    client, db, site, secret, admin
):
    body = {"kind": "desktop", "site_id": str(site), "manufacturer": "Dell", "serial": "SN00001"}
    typed = client.post("/api/v1/assets", json=body, headers=admin)
    assert typed.status_code == 201, typed.text
    other = {"kind": "smbios_uuid", "value": "11111111-2222-4333-8444-555555555555"}  # another board's UUID
    assert (
        client.post(f"/api/v1/assets/{typed.json()['id']}/identifiers", json=other, headers=admin).status_code
        == 201
    )
    _, asset_id, _ = report_first(client, secret, pc(1, "Dell Inc.", "OptiPlex 7090"))
    assert asset_row(db, asset_id).manufacturer_id is None  # maker and serial are unique together
    with db.sessions() as s:
        flag = s.scalar(select(AssetFlag).where(AssetFlag.asset_id == asset_id))
    assert flag.kind == "duplicate_identifier"
    assert flag.detail["identifiers"] == [["serial", "SN00001", typed.json()["id"]]]


def test_an_unchanged_report_reads_no_catalog(client, db, secret):
    report = pc(1)
    key, _, ack = report_first(client, secret, report)
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert post(client, key, payload(again(report), acknowledged=ack)).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    if db.is_sqlite:
        assert statements and not [s for s in statements if "manufacturers" in s or "models" in s]
    else:  # the quiet path's one statement (assets, collectors, state) on its own connection, none here
        assert statements == [] and client.app.state.quiet_reports._idle


def test_racing_first_reports_of_a_new_model_share_its_catalog_rows(db, secret, tmp_path):
    reports = [pc(i, "Framework Computer Inc.", "Laptop 13 (AMD Ryzen 7040Series)") for i in range(8)]
    with serve(db.url, log=tmp_path / "server.log", INVENTORY_ENROLL_RATE_PER_MINUTE="100000",
               INVENTORY_REPORT_MIN_INTERVAL_SECONDS="0") as url, httpx.Client(base_url=url, timeout=60) as http:  # fmt: skip
        keys = []
        for report in reports:
            body = {"secret": secret, "identity": to_dict(report.identity), "collector_version": "1.0.0"}
            keys.append(http.post("/api/v1/collectors/enroll", json=body).json()["node_key"])

        def send(pair):
            key, report = pair
            headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json",
                       "Content-Encoding": "gzip"}  # fmt: skip
            return http.post("/api/v1/inventory", content=gz(payload(report)), headers=headers)

        with ThreadPoolExecutor(len(reports)) as pool:
            answers = list(pool.map(send, zip(keys, reports, strict=True)))
    assert [a.status_code for a in answers] == [200] * len(reports), [a.text for a in answers]
    with db.sessions() as s:
        assert s.scalars(select(Manufacturer.key)).all() == ["framework"]
        assert s.scalar(select(func.count()).select_from(Model)) == 1
        assert (
            s.scalar(select(func.count(func.distinct(Asset.model_id))).where(Asset.model_id.is_not(None)))
            == 1
        )


def test_a_reported_model_in_another_case_links_to_the_registered_one(client, db, secret, admin):
    maker = client.post("/api/v1/manufacturers", json={"name": "Dell"}, headers=admin).json()
    mine = client.post(
        "/api/v1/models", json={"manufacturer_id": maker["id"], "name": "OptiPlex 7090"}, headers=admin
    ).json()["id"]
    _, asset_id, _ = report_first(client, secret, pc(1, "Dell Inc.", "OPTIPLEX  7090"))
    assert str(asset_row(db, asset_id).model_id) == mine
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Model)) == 1
