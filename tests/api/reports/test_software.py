"""Software by installations and the change log, from the `fleet` data set."""

from inventory_api.history.models import ChangeEvent
from tests.api.reports.conftest import NOVEMBER, at


def rows(client, headers, path, **params):
    answer = client.get(f"/api/v1/reports/{path}", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["rows"]


def test_titles_and_versions_by_machines(client, admin, make_user, fleet):
    titles = rows(client, admin, "software")
    assert [(r["title"], r["machines"], r["new_in_period"]) for r in titles] == [
        ("Acme VPN", 2, 2),
        ("Firefox", 2, 2),
    ]
    november = rows(client, admin, "software", **NOVEMBER)  # installed (first seen) today, not in November
    assert [(r["title"], r["new_in_period"]) for r in november] == [("Acme VPN", 0), ("Firefox", 0)]
    versions = rows(client, admin, "software", group_by="version", title="FIRE")
    assert [(r["title"], r["version"], r["machines"]) for r in versions] == [("Firefox", "1.0", 2)]
    hq = rows(client, make_user("viewer", site_ids=[fleet.hq]), "software")
    assert [(r["title"], r["machines"]) for r in hq] == [("Firefox", 2), ("Acme VPN", 1)]
    assert client.get("/api/v1/reports/software", params={"title": ""}, headers=admin).status_code == 422


def test_change_log_by_kind_and_its_events(client, admin, make_user, session, fleet):
    a1, a3 = fleet.orders["asset:a1"], fleet.orders["asset:a3"]
    for subject_type, subject, action, day, summary in [
        ("asset", a1, "updated", "11-05 10:00", "name changed"), ("asset", a1, "updated", "11-06 10:00", "moved"),
        ("asset", a3, "disk_full", "11-07 10:00", "disk / 93 % full"),
        ("model", fleet.orders["optiplex"], "created", "11-08 10:00", "=1+1"),
        ("work_order", fleet.orders["R0"], "created", "10-01 10:00", "before the period"),
    ]:  # fmt: skip
        session.add(ChangeEvent(subject_type=subject_type, subject_id=subject, action=action, summary=summary,
                                actor_type="system", occurred_at=at(day)))  # fmt: skip
    session.commit()
    kinds = rows(client, admin, "changes", **NOVEMBER)
    assert [(r["subject_type"], r["action"], r["changes"], r["subjects"]) for r in kinds] == [
        ("asset", "updated", 2, 1), ("asset", "disk_full", 1, 1), ("model", "created", 1, 1)
    ]  # fmt: skip
    hq_user = make_user("viewer", site_ids=[fleet.hq])
    assert [(r["action"], r["changes"]) for r in rows(client, hq_user, "changes", **NOVEMBER)] == [
        ("updated", 2)
    ]
    events = rows(client, hq_user, "changes/events", **NOVEMBER)
    assert [(e["occurred_at"], e["summary"]) for e in events] == [
        ("2026-11-05T10:00:00Z", "name changed"), ("2026-11-06T10:00:00Z", "moved")
    ]  # fmt: skip
    only = rows(
        client, admin, "changes/events", **NOVEMBER, action=["disk_full", "created"], subject_type="asset"
    )
    assert [e["summary"] for e in only] == ["disk / 93 % full"]
    csv = client.get("/api/v1/reports/changes/events", params={**NOVEMBER, "subject_type": "model", "format": "csv"},
                     headers=admin).text.splitlines()  # fmt: skip
    assert csv[0] == "occurred_at,subject_type,subject_id,action,summary,actor_name,cause_type"
    assert csv[1] == f"2026-11-08T10:00:00Z,model,{fleet.orders['optiplex']},created,'=1+1,,"
    chart = client.get("/api/v1/reports/changes/chart.svg", params=NOVEMBER, headers=admin)
    assert chart.status_code == 200 and "asset updated" in chart.text
