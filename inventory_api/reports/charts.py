"""Each report's chart as SVG, drawn by pygal from the same rows as the JSON and CSV answers.

Every bar carries its series name and value as text, so the chart reads without telling colours apart; no
script is embedded, so the SVG can go into a mail or a wiki page as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pygal
from pygal.style import DefaultStyle

from inventory_api.reports.common import Table

Series = list[tuple[str, list[float | None]]]


def _sla(rows: list[dict[str, Any]]) -> tuple[list[str], Series]:
    kinds = (
        ("resolution_met", "met"),
        ("resolution_breached", "breached"),
        ("resolution_at_risk", "at risk"),
    )
    return _labels(rows), [(name, [r[column] for r in rows]) for column, name in kinds]


def _backlog(rows: list[dict[str, Any]]) -> tuple[list[str], Series]:
    buckets = [c for c in rows[0] if c not in ("group", "open")] if rows else []
    return _labels(rows), [(b.replace("_", " "), [r[b] for r in rows]) for b in buckets]


def _workload(rows: list[dict[str, Any]]) -> tuple[list[str], Series]:
    weeks = sorted({r["week"] for r in rows})
    groups = sorted({r["group"] or "(none)" for r in rows})
    resolved = {(r["week"], r["group"] or "(none)"): r["resolved"] for r in rows}
    return weeks, [(g, [resolved.get((w, g), 0) for w in weeks]) for g in groups]


def _counts(
    column: str, name: str, label: str = "group"
) -> Callable[[list[dict[str, Any]]], tuple[list[str], Series]]:
    def series(rows: list[dict[str, Any]]) -> tuple[list[str], Series]:
        labels = (
            [" ".join(str(r[c]) for c in ("title", "version") if r.get(c)) for r in rows]
            if label == "title"
            else _labels(rows, label)
        )
        return labels, [(name, [r[column] for r in rows])]

    return series


def _changes(rows: list[dict[str, Any]]) -> tuple[list[str], Series]:
    return [f"{r['subject_type']} {r['action']}" for r in rows], [("changes", [r["changes"] for r in rows])]


def _hardware(rows: list[dict[str, Any]]) -> tuple[list[str], Series]:
    buckets = ("under_3_years", "3_to_5_years", "over_5_years", "age_unknown")
    return _labels(rows), [(b.replace("_", " "), [r[b] for r in rows]) for b in buckets]


def _security(rows: list[dict[str, Any]]) -> tuple[list[str], Series]:
    checks = ("encryption_off", "firewall_off", "no_endpoint_protection", "os_out_of_support", "not_seen")
    return [r["site"] for r in rows], [(c.replace("_", " "), [r[c] for r in rows]) for c in checks]


def _candidates(rows: list[dict[str, Any]]) -> tuple[list[str], Series]:
    rules = ("low_memory", "disk_full", "old_hardware", "os_out_of_support")
    return [r.replace("_", " ") for r in rules], [
        ("machines", [sum(1 for row in rows if row[r]) for r in rules])
    ]


def _labels(rows: list[dict[str, Any]], column: str = "group") -> list[str]:
    return [str(r[column]) if r[column] is not None else "(none)" for r in rows]


#: report → (chart title, horizontal bars?, rows → x labels and series)
CHARTS: dict[str, tuple[str, bool, Callable[[list[dict[str, Any]]], tuple[list[str], Series]]]] = {
    "sla": ("Resolution SLA: met, breached, at risk", False, _sla),
    "backlog": ("Open work orders by age", False, _backlog),
    "workload": ("Orders resolved per week", False, _workload),
    "recurring": ("Orders per subject", True, _counts("orders", "orders")),
    "repairs-per-model": (
        "Repairs per 100 units",
        True,
        _counts("repairs_per_100_units", "repairs per 100", "model"),
    ),
    "security": ("Machines out of standard", False, _security),
    "upgrade-candidates": ("Upgrade candidates by rule", False, _candidates),
    "hardware": ("Machines by age since purchase", False, _hardware),
    "software": ("Machines per software title", True, _counts("machines", "machines", "title")),
    "changes": ("Changes by kind", True, _changes),
}


def _without_scripts(root: Any) -> Any:
    """pygal always embeds its configuration as a script for its tooltips; a static chart needs none."""
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rpartition("}")[2] == "script":
                parent.remove(child)
    return root


def chart_svg(table: Table) -> bytes:
    """The report's chart: one bar per value, each labelled with its series and value."""
    title, horizontal, series_of = CHARTS[table.report]
    labels, series = series_of(table.rows)
    return draw(f"{title}, {table.query.start} – {table.query.end}", "horizontal_bar" if horizontal else "bar",
                labels, series)  # fmt: skip


KINDS = {"bar": pygal.Bar, "horizontal_bar": pygal.HorizontalBar, "line": pygal.Line, "pie": pygal.Pie}


def draw(title: str, kind: str, labels: list[str], series: Series) -> bytes:
    """A chart of these series over these labels, every value printed beside its series' name, without script."""
    horizontal = kind == "horizontal_bar"
    chart = KINDS[kind](
        title=title, style=DefaultStyle, js=[], width=900, height=max(400, 40 * len(labels)) if horizontal else 450,
        print_values=True, print_labels=True, print_zeroes=False, legend_at_bottom=True,
        x_label_rotation=0 if horizontal else 20, no_data_text="no data",
    )  # fmt: skip
    chart.add_xml_filter(_without_scripts)
    if kind == "pie":  # a pie has one slice per label
        for label, value in zip(labels, series[0][1] if series else [], strict=False):
            chart.add(label, [{"value": value, "label": label}])
        return chart.render()
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, [{"value": v, "label": name} for v in values])
    return chart.render()
