"""An import changes only what its caller may change: another site's records are neither updated nor named."""

import json
import uuid

from tests.api.imports.test_router import _upload

SITES = "kind,code,name,time_zone\nsite,A,Site A,UTC\nsite,B,Site B,UTC\n"
B_RECORDS = {
    "people": "employee_id,name,site\nEB1,Bea Victim,B\n",
    "assets": "asset_tag,serial,kind,status,name,site,manufacturer\nB-1,SERB1,desktop,deployed,victim-pc,B,Dell Inc.\n",
}
# Rows that name site B's records by their natural key, without a site column (the severe hole of #12).
ATTACKS = {
    "people": "employee_id,name,department\nEB1,Owned,Pwned\n",
    "assets": "asset_tag,kind,name,notes,serial,status\nB-1,desktop,owned,pwned,EVIL,retired\n",
    "assets-by-serial": "serial,manufacturer,kind,name\nSERB1,Dell Inc.,desktop,owned\n",
}


def test_a_site_a_technician_cannot_change_site_b_records_by_import(client, admin, make_user):
    assert _upload(client, admin, "locations", SITES)["error_count"] == 0
    for kind, body in B_RECORDS.items():
        assert _upload(client, admin, kind, body)["created"] == 1
    site_a = next(s for s in client.get("/api/v1/locations?kind=site", headers=admin).json()["items"]
                  if s["name"] == "Site A")  # fmt: skip
    technician = make_user("technician", site_ids=[uuid.UUID(site_a["id"])])
    before = {path: client.get(path, headers=admin).json() for path in ("/api/v1/assets", "/api/v1/people")}

    for attack, body in ATTACKS.items():
        for dry_run in (True, False):
            job = _upload(client, technician, attack.split("-")[0], body, dry_run=dry_run)
            assert (job["updated"], job["created"], job["error_count"]) == (0, 0, 1), (attack, job)
            assert job["errors"][0]["column"] in ("asset_tag", "serial", "employee_id"), job["errors"]
            detail = json.dumps(job["errors"])
            assert "Site B" not in detail and all(
                str(r["id"]) not in detail for r in before["/api/v1/assets"]["items"]
            )

    after = {path: client.get(path, headers=admin).json() for path in ("/api/v1/assets", "/api/v1/people")}
    assert after == before
