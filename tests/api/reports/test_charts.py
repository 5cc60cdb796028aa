"""Each report's chart is an SVG of the same numbers, labelled in text, without script, within the caller's sites."""

import pytest

from tests.api.reports.conftest import NOVEMBER


def svg(client, headers, path, **params):
    answer = client.get(f"/api/v1/reports/{path}/chart.svg", params={**NOVEMBER, **params}, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "image/svg+xml"
    assert answer.text.startswith("<?xml") and "<svg" in answer.text and "<script" not in answer.text
    return answer.text


def test_sla_chart_labels_each_bar_with_its_series(client, admin, orders):
    text = svg(client, admin, "sla", group_by="kind")
    assert "install" in text and "repair" in text and "2026-11-01 – 2026-11-30" in text
    for label in ("met", "breached", "at risk"):
        assert f">{label}<" in text


@pytest.mark.parametrize(
    ("path", "params", "words"),
    [
        ("security", {}, ["Branch", "HQ", "encryption off", "not seen"]),
        ("upgrade-candidates", {"memory_below_gib": 8}, ["low memory", "machines"]),
        ("recurring", {"subject": "model"}, ["OptiPlex 3000", "Latitude 5400"]),
        ("repairs-per-model", {}, ["Latitude 5400", "200"]),
        ("backlog", {}, ["in_progress", "under 3 days"]),
        ("workload", {}, ["2026-11-02", "2026-11-16", "(none)"]),
    ],
)
def test_every_report_has_a_chart(client, admin, fleet, path, params, words):
    text = svg(client, admin, path, **params)
    for word in words:
        assert word in text, word


def test_chart_keeps_to_the_callers_sites_and_parameters(client, make_user, fleet):
    hq_user = make_user("viewer", site_ids=[fleet.hq])
    text = svg(client, hq_user, "security")
    assert "HQ" in text and "Branch" not in text
    assert (
        client.get("/api/v1/reports/security/chart.svg", params={"bogus": 1}, headers=hq_user).status_code
        == 422
    )
    assert client.get("/api/v1/reports/upgrade-candidates/chart.svg", headers=hq_user).status_code == 422
