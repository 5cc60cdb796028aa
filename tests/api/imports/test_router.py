import json

from inventory_api.assets.models import Asset
from inventory_api.cabling.models import Jack, PatchPanel
from inventory_api.history.models import ChangeEvent
from inventory_api.people.models import Person
from inventory_api.services.models import Service

LOCATIONS = """kind,code,name,parent,time_zone,address,city,country,port_count,label,room,jack_type,panel,panel_port,location
site,HQ,Headquarters,,America/Chicago,1 Main Street,Springfield,US,,,,,,,
building,HQ-M,Main,HQ,,,,,,,,,,,
floor,HQ-M-3,3,HQ-M,,,,,,,,,,,
room,3-114,3-114,HQ-M-3,,,,,,,,,,,
closet,IDF-3,IDF-3,HQ-M-3,,,,,,,,,,,
panel,,P3,,,,,,24,,,,,,IDF-3
jack,,,,,,,,,3-114-B,3-114,combo,P3,14,
"""
PEOPLE = "employee_id,name,email,department,site,location\nE100,Pat Doe,PAT@example.com,Sales,HQ,3-114\nE101,Sam Roe,,IT,HQ,\n"
ASSETS = """asset_tag,serial,kind,status,name,site,location,manufacturer,model,assigned_to,warranty_end,cost,currency
PH-1,FCH1234,ip_phone,deployed,phone-4021,HQ,3-114,Cisco,CP-8841,E100,2027-01-31,120.50,USD
PC-1,ABC999,desktop,deployed,pc-pat,HQ,3-114,Dell Inc.,OptiPlex 7090,E100,,,
"""
SERVICES = """type,status,employee_id,site,location,number,extension,mailbox,jack,vlan,asset_tags,cost_centre
extension,active,E100,HQ,3-114,4021,,,,,PH-1,CC-10
did,active,E100,HQ,,+15551234021,4021,,,,,CC-10
voicemail,active,E100,HQ,,,,4021,,,,
data_port,active,E100,HQ,,,,,3-114-B,20,,
"""


def _upload(client, headers, kind, body, *, dry_run=False, media="text/csv"):
    answer = client.post(f"/api/v1/imports?kind={kind}&dry_run={str(dry_run).lower()}", content=body,
                         headers={**headers, "Content-Type": media})  # fmt: skip
    assert answer.status_code == 202, answer.text
    job = client.get(f"/api/v1/imports/{answer.json()['id']}", headers=headers).json()
    assert job["status"] in ("succeeded", "failed"), job
    return job


def _counts(job):
    return job["created"], job["updated"], job["unchanged"], job["error_count"]


def test_import_everything_then_reimport_changes_nothing(client, db, admin):
    for kind, body, created in (("locations", LOCATIONS, 7), ("people", PEOPLE, 2), ("assets", ASSETS, 2),
                                ("services", SERVICES, 4)):  # fmt: skip
        job = _upload(client, admin, kind, body)
        assert job["status"] == "succeeded" and _counts(job) == (created, 0, 0, 0), (kind, job)
    with db.transaction() as session:
        history = session.query(ChangeEvent).count()
        jack = session.query(Jack).one()
        assert jack.panel_port_id is not None and session.query(PatchPanel).one().port_count == 24
        pat = session.query(Person).filter_by(employee_id="E100").one()
        assert pat.email == "pat@example.com"
        phone = session.query(Asset).filter_by(asset_tag="PH-1").one()
        assert (
            phone.assigned_person_id == pat.id
            and phone.change_seq is not None
            and str(phone.cost) == "120.50"
        )
        assert {s.number for s in session.query(Service)} == {"4021", "+15551234021", None}
    for kind, body, rows in (("locations", LOCATIONS, 7), ("people", PEOPLE, 2), ("assets", ASSETS, 2),
                             ("services", SERVICES, 4)):  # fmt: skip
        job = _upload(client, admin, kind, body)
        assert _counts(job) == (0, 0, rows, 0), (kind, job)
    with db.transaction() as session:
        assert session.query(ChangeEvent).count() == history
    path = client.get("/api/v1/paths?jack=3-114-B", headers=admin).json()
    assert path[0]["summary"].startswith("jack 3-114-B → panel P3 port 14")
    changed = _upload(client, admin, "assets", ASSETS.replace("pc-pat", "pc-pat-2"))
    assert _counts(changed) == (0, 1, 1, 0)


def test_a_dry_run_reports_every_bad_row_and_changes_nothing(client, db, admin):
    _upload(client, admin, "locations", LOCATIONS)
    broken = (
        "asset_tag,serial,kind,status,site,location,warranty_end,cost,currency\n"
        "A1,S1,laptop,in_stock,HQ,,,,\n"
        "A2,S2,toaster,in_stock,HQ,,,,\n"
        "A3,S3,laptop,lost,HQ,,,,\n"
        "A4,S4,laptop,in_stock,NOPE,,,,\n"
        "A5,S5,laptop,in_stock,HQ,,31/12/2027,,\n"
        "A6,S6,laptop,in_stock,HQ,,,12,\n"
        "A1,S7,laptop,in_stock,HQ,,,,\n"
        ",S8,laptop,in_stock,HQ,,,,\n"
        "A9,S9,laptop,in_stock,HQ,nowhere,,,\n"
    )
    job = _upload(client, admin, "assets", broken, dry_run=True)
    assert job["status"] == "succeeded" and job["dry_run"] and job["created"] == 1
    assert [(e["row"], e["column"]) for e in job["errors"]] == [
        (3, "kind"), (4, "status"), (5, "site"), (6, "warranty_end"), (7, "currency"), (8, "asset_tag"),
        (9, "asset_tag"), (10, "location"),
    ]  # fmt: skip
    assert "row 2" in job["errors"][5]["reason"]
    real = _upload(client, admin, "assets", broken)
    assert (
        real["status"] == "failed" and real["error_count"] == 8 and "nothing was imported" in real["message"]
    )
    with db.transaction() as session:
        assert session.query(Asset).count() == 0


def test_broken_service_rows_name_their_column(client, db, admin):
    _upload(client, admin, "locations", LOCATIONS)
    _upload(client, admin, "people", PEOPLE)
    rows = (
        "type,employee_id,site,number,extension\n"
        "extension,E100,HQ,4021,\n"
        "extension,E101,HQ,4021,\n"
        "did,E100,HQ,5551234021,4021\n"
        "did,E100,HQ,+15551234099,4999\n"
        "extension,E999,HQ,4030,\n"
    )
    job = _upload(client, admin, "services", rows)
    assert job["status"] == "failed"
    problems = {e["row"]: (e["column"], e["reason"].split(":")[0]) for e in job["errors"]}
    assert problems == {
        3: ("number", "the same service is already on row 2"), 4: ("number", "invalid_details"),
        5: ("extension", "unknown_extension"), 6: ("employee_id", "no person with employee id 'E999'"),
    }  # fmt: skip
    with db.transaction() as session:
        assert session.query(Service).count() == 0


def test_json_and_ndjson_uploads(client, db, admin):
    _upload(client, admin, "locations", LOCATIONS)
    rows = [
        {"asset_tag": f"J{i}", "kind": "laptop", "site": "HQ", "cost": 10, "currency": "EUR"}
        for i in range(3)
    ]
    job = _upload(client, admin, "assets", json.dumps(rows), media="application/json")
    assert _counts(job) == (3, 0, 0, 0)
    lines = "\n".join(json.dumps(r) for r in rows)
    job = _upload(client, admin, "assets", lines, media="application/x-ndjson")
    assert _counts(job) == (0, 0, 3, 0)


def test_upload_limits_and_access(client, db, admin, make_user, settings):
    settings.max_import_bytes = 1024
    too_big = client.post(
        "/api/v1/imports?kind=assets", content="x" * 2000, headers={**admin, "Content-Type": "text/csv"}
    )
    assert too_big.status_code == 413
    wrong = client.post(
        "/api/v1/imports?kind=assets", content="x", headers={**admin, "Content-Type": "text/plain"}
    )
    assert wrong.status_code == 415
    viewer = make_user("viewer")
    assert (
        client.post(
            "/api/v1/imports?kind=assets", content="a", headers={**viewer, "Content-Type": "text/csv"}
        ).status_code
        == 403
    )
    job = _upload(client, admin, "people", PEOPLE)
    technician = make_user("technician")
    assert client.get(f"/api/v1/imports/{job['id']}", headers=technician).status_code == 404
    assert [j["id"] for j in client.get("/api/v1/imports", headers=admin).json()["items"]] == [job["id"]]


def test_row_by_row_imports_let_go_of_records_and_keep_going(client, db, admin, monkeypatch):
    from inventory_api.imports import service as imports

    monkeypatch.setattr(imports, "RELEASE_EVERY", 2)
    _upload(client, admin, "locations", LOCATIONS)
    rows = ["employee_id,name,site,location"] + [f"E{i},Person {i},HQ,3-114" for i in range(7)]
    rows.insert(3, "E99,,HQ,3-114")  # a bad row in the middle: its savepoint is rolled back
    job = _upload(client, admin, "people", "\n".join(rows) + "\n", dry_run=True)
    assert job["message"].startswith("dry run: 1 bad row") and job["created"] == 7
    assert job["errors"] == [{"row": 4, "column": "name", "reason": "required"}]
    good = _upload(client, admin, "people", "\n".join(r for r in rows if not r.startswith("E99")) + "\n")
    assert good["status"] == "succeeded" and good["created"] == 7


def test_a_bulk_import_leaves_fresh_statistics_on_postgresql(client, db, admin, monkeypatch):
    """Plans after a large import must not wait for autovacuum (PostgreSQL; SQLite needs no statistics)."""
    if db.is_sqlite:
        return
    monkeypatch.setattr("inventory_api.imports.service.BULK_ROWS", 2)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT pg_stat_reset()")
    _upload(client, admin, "locations", LOCATIONS)
    job = _upload(client, admin, "people", PEOPLE)
    assert job["status"] == "succeeded"
    with db.engine.connect() as conn:
        analysed = conn.exec_driver_sql(
            "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'people'"
        ).scalar_one()
    assert analysed
