# ruff: noqa: INP001 - a standalone script next to the JSON it writes, not a package
"""Build the driftkl Grafana dashboard (dashboards/driftkl.json) from typed panel descriptions.

    python configs/grafana/build_dashboard.py          # rewrite dashboards/driftkl.json
    python configs/grafana/build_dashboard.py --check  # exit 1 if the JSON is out of date

Every query filters on the ``job`` variable and keeps ``job`` and ``instance`` in its
aggregations, so two push groups (or two exporters) of one dataset are never mixed into one
row. The tests run every query below against a real Prometheus.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "dashboards" / "driftkl.json"
DS = {"type": "prometheus", "uid": "${datasource}"}
G = "job, instance, dataset"  # the identity of one check: never aggregate it away
GF = f"{G}, feature"
SEL = 'job=~"$job", dataset=~"$dataset"'
SELF = f'{SEL}, feature=~"$feature"'
METRIC = f'{SELF}, metric="$metric", unit="$unit"'
STATUS_MAPPINGS = [
    {
        "type": "value",
        "options": {
            "0": {"text": "ok", "color": "green", "index": 0},
            "1": {"text": "warn", "color": "orange", "index": 1},
            "2": {"text": "drift", "color": "red", "index": 2},
        },
    }
]
UNITS = ("bits", "nats", "hartleys")


@dataclass(frozen=True)
class Target:
    """One PromQL query of a panel; ``instant`` queries feed tables and stats."""

    expr: str
    legend: str = ""
    instant: bool = False


@dataclass(frozen=True)
class Panel:
    """A panel: kind, title, position (x, y, w, h) and its queries."""

    kind: str
    title: str
    pos: tuple[int, int, int, int]
    targets: tuple[Target, ...]
    unit: str = "none"
    description: str = ""
    defaults: dict[str, Any] = field(default_factory=dict)
    overrides: tuple[dict[str, Any], ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    transformations: tuple[dict[str, Any], ...] = ()


def _override(matcher: str, option: str, **props: Any) -> dict[str, Any]:
    return {
        "matcher": {"id": matcher, "options": option},
        "properties": [{"id": k.replace("__", "."), "value": v} for k, v in props.items()],
    }


def _line(color: str, dash: list[int] | None, width: int = 1) -> dict[str, Any]:
    style = {"fill": "solid"} if dash is None else {"fill": "dash", "dash": dash}
    return {"color": {"mode": "fixed", "fixedColor": color}, "custom.lineStyle": style,
            "custom.lineWidth": width}  # fmt: skip


def _unit_overrides() -> tuple[dict[str, Any], ...]:
    """Series whose name carries ``[bits]`` (or nats, hartleys) get that unit on the axis."""
    return tuple(
        _override("byRegexp", rf".*\[{u}\].*", unit=f"suffix: {u}") for u in UNITS
    )


def _top(expr: str) -> str:
    """``expr`` restricted to the features of the top-N divergence table."""
    top = f"topk($topn, max by ({GF}) (driftkl_feature_divergence{{{METRIC}}}))"
    return f"{expr} and on ({GF}) {top}"


def _panels() -> list[Panel]:
    stat = {"graphMode": "none", "colorMode": "value", "reduceOptions": {"calcs": ["lastNotNull"]}}
    count_thr = {"noValue": "0", "thresholds": {"mode": "absolute", "steps": [
        {"color": "green", "value": None}, {"color": "red", "value": 1}]}}  # fmt: skip
    timeline = {"showValue": "never", "mergeValues": True, "rowHeight": 0.8,
                "legend": {"showLegend": False}}  # fmt: skip
    failing = (
        f"max by ({G}) (driftkl_last_failure_timestamp_seconds{{{SEL}}}) > on ({G}) "
        f"(max by ({G}) (driftkl_last_success_timestamp_seconds{{{SEL}}}) or "
        f"max by ({G}) (driftkl_last_failure_timestamp_seconds{{{SEL}}}) * 0)"
    )
    return [
        Panel("stat", "Drifted features", (0, 0, 4, 4), (Target(
            f'sum(driftkl_dataset_features{{{SEL}, status="drift"}}) or vector(0)'),),
            defaults=count_thr, options=stat,
            description="Features whose latest check is drift, over the selected checks."),
        Panel("stat", "Warn features", (4, 0, 4, 4), (Target(
            f'sum(driftkl_dataset_features{{{SEL}, status="warn"}}) or vector(0)'),),
            defaults=count_thr, options=stat),
        Panel("stat", "Checks with drift", (8, 0, 4, 4), (Target(
            f"count(max by ({G}) (driftkl_dataset_status{{{SEL}}}) == 2) or vector(0)"),),
            defaults=count_thr, options=stat,
            description="Datasets (per job and instance) whose latest check found drift."),
        Panel("stat", "Failing checks", (12, 0, 4, 4), (Target(
            f"count({failing}) or vector(0)"),), defaults=count_thr, options=stat,
            description="Checks whose latest run failed without a report."),
        Panel("stat", "Oldest successful check", (16, 0, 4, 4), (Target(
            f"max(time() - max by ({G}) (driftkl_last_success_timestamp_seconds{{{SEL}}}))"),),
            unit="s", options=stat,
            description="Age of the least recent successful check among the selected datasets."),
        Panel("stat", "Slowest check", (20, 0, 4, 4), (Target(
            f"max(driftkl_run_duration_seconds{{{SEL}}})"),), unit="s", options=stat),
        Panel("state-timeline", "Dataset status over time", (0, 4, 24, 5), (Target(
            f"max by ({G}) (driftkl_dataset_status{{{SEL}}})", "{{dataset}} ({{job}})"),),
            defaults={"mappings": STATUS_MAPPINGS}, options=timeline,
            description="Worst feature status of each dataset's latest check: since when?"),
        Panel("state-timeline", "Feature status over time (features not ok in the time range)",
              (0, 9, 24, 8), (Target(
            f"max by ({GF}) (driftkl_feature_status{{{SELF}}}) and on ({GF}) "
            f"(max_over_time(driftkl_feature_status{{{SELF}}}[$__range]) > 0)",
            "{{dataset}}.{{feature}} ({{job}})"),),
            defaults={"mappings": STATUS_MAPPINGS}, options=timeline,
            description="Only features that were warn or drift at some point in the time range "
                        "are drawn, so wide datasets stay readable."),
        Panel("timeseries", "Deciding metric: $metric [$unit] with thresholds and noise floor",
              (0, 17, 24, 9), (
            Target(f"max by ({GF}, metric, unit) (driftkl_feature_divergence{{{METRIC}}})",
                   "{{dataset}}.{{feature}} {{metric}} [{{unit}}]"),
            Target(f'max by ({GF}, unit) (driftkl_feature_threshold{{{METRIC}, level="warn"}})',
                   "{{dataset}}.{{feature}} warn threshold [{{unit}}]"),
            Target(f'max by ({GF}, unit) (driftkl_feature_threshold{{{METRIC}, level="drift"}})',
                   "{{dataset}}.{{feature}} drift threshold [{{unit}}]"),
            Target(f"max by ({GF}, unit) (driftkl_feature_noise_floor{{{METRIC}}})",
                   "{{dataset}}.{{feature}} noise floor [{{unit}}]"),
        ), defaults={"custom": {"axisLabel": "$metric [$unit]", "lineWidth": 2,
                                "showPoints": "always", "pointSize": 4}},
            overrides=(
                _override("byFrameRefID", "B", **_line("orange", [10, 6])),
                _override("byFrameRefID", "C", **_line("red", [10, 6], 2)),
                _override("byFrameRefID", "D", **_line("text", [2, 6]),
                          custom__fillOpacity=8),
                *_unit_overrides(),
            ),
            description="The metric the decision rule thresholds, for the selected features; "
                        "dashed: warn (orange) and drift (red) thresholds; dotted: noise floor "
                        "(the value expected under no drift at these sample sizes). With the "
                        "default threshold_on: bias_corrected the rule compares value minus "
                        "noise floor with the thresholds, and also needs significance."),
        Panel("table", "Top $topn features by $metric (latest check)", (0, 26, 24, 10), (
            Target(_top(f"max by ({GF}) (driftkl_feature_status{{{SELF}}})"), instant=True),
            Target(f"topk($topn, max by ({GF}) (driftkl_feature_divergence{{{METRIC}}}))",
                   instant=True),
            Target(_top(f'max by ({GF}) (driftkl_feature_threshold{{{METRIC}, level="drift"}})'),
                   instant=True),
            Target(_top(f"max by ({GF}) (driftkl_feature_noise_floor{{{METRIC}}})"),
                   instant=True),
            Target(_top(f"max by ({GF}) (driftkl_feature_p_value{{{SELF}}})"), instant=True),
        ), transformations=(
            {"id": "merge", "options": {}},
            {"id": "organize", "options": {
                "excludeByName": {"Time": True},
                "renameByName": {"Value #A": "status", "Value #B": "$metric [$unit]",
                                 "Value #C": "drift threshold [$unit]",
                                 "Value #D": "noise floor [$unit]",
                                 "Value #E": "adjusted p-value"}}},
        ), overrides=(
            _override("byName", "status", mappings=STATUS_MAPPINGS,
                      custom__cellOptions={"type": "color-background"}),
            _override("byName", "adjusted p-value", unit="sci"),
        ), options={"sortBy": [{"displayName": "status", "desc": True}]},
            description="The features with the largest divergence, for datasets too wide for "
                        "a panel per feature; pick N with the Top N variable."),
        Panel("timeseries", "Features by status over time", (0, 36, 12, 8), (Target(
            f'sum by ({G}, status) (driftkl_dataset_features{{{SEL}, status=~"warn|drift"}})',
            "{{dataset}} {{status}} ({{job}})"),), unit="short",
            defaults={"custom": {"drawStyle": "bars", "fillOpacity": 60}}),
        Panel("timeseries", "Current rows out of range / unseen / missing (non-zero only)",
              (12, 36, 12, 8), (Target(
            f"max by ({GF}, bin) (driftkl_feature_current_share_ratio{{{SELF}}}) > 0",
            "{{dataset}}.{{feature}} {{bin}}"),), unit="percentunit"),
        Panel("timeseries", "Rows per side", (0, 44, 12, 7), (Target(
            f"max by ({G}, side) (driftkl_dataset_rows{{{SEL}}})",
            "{{dataset}} {{side}} ({{job}})"),), unit="short"),
        Panel("timeseries", "Check duration", (12, 44, 12, 7), (Target(
            f"max by ({G}) (driftkl_run_duration_seconds{{{SEL}}})",
            "{{dataset}} ({{job}})"),), unit="s"),
    ]


def _panel_json(pid: int, p: Panel) -> dict[str, Any]:
    x, y, w, h = p.pos
    targets = []
    for i, t in enumerate(p.targets):
        target: dict[str, Any] = {"datasource": DS, "refId": chr(ord("A") + i), "expr": t.expr,
                                  "legendFormat": t.legend or "__auto"}  # fmt: skip
        if t.instant:
            target |= {"instant": True, "range": False, "format": "table"}
        targets.append(target)
    return {
        "id": pid, "type": p.kind, "title": p.title, "description": p.description,
        "datasource": DS, "gridPos": {"x": x, "y": y, "w": w, "h": h}, "targets": targets,
        "fieldConfig": {"defaults": {"unit": p.unit, **p.defaults},
                        "overrides": list(p.overrides)},
        "options": p.options, "transformations": list(p.transformations),
    }  # fmt: skip


def _query_var(name: str, label: str, definition: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name, "label": label, "type": "query", "datasource": DS,
        "definition": definition,
        "query": {"query": definition, "refId": f"{name}-query", "qryType": 1},
        "refresh": 2, "sort": 1, "multi": True, "includeAll": True,
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, **extra,
    }  # fmt: skip


def _annotation(name: str, metric: str, color: str, when: str = "") -> dict[str, Any]:
    """Marks at each distinct value of a Unix-seconds timestamp ``metric`` (where ``when``)."""
    return {
        "name": name, "datasource": DS, "enable": True, "iconColor": color,
        "expr": f"max by ({G}) ({metric}{{{SEL}}}) * 1000{when}", "step": "60s",
        "useValueForTime": True, "titleFormat": name,
        "textFormat": "{{dataset}} (job {{job}})", "tagKeys": "job,dataset",
    }  # fmt: skip


def build() -> dict[str, Any]:
    """The dashboard as Grafana's classic JSON model."""
    single = {"multi": False, "includeAll": False, "current": {}}
    variables = [
        {"name": "datasource", "label": "Data source", "type": "datasource",
         "query": "prometheus", "refresh": 1, "hide": 0,
         "current": {"selected": True, "text": "Prometheus", "value": "driftkl-prometheus"}},
        _query_var("job", "Job (push group)",
                   "label_values(driftkl_last_run_timestamp_seconds, job)"),
        _query_var("dataset", "Dataset",
                   'label_values(driftkl_last_run_timestamp_seconds{job=~"$job"}, dataset)'),
        _query_var("feature", "Feature", f"label_values(driftkl_feature_status{{{SEL}}}, feature)"),
        _query_var("metric", "Deciding metric",
                   f"label_values(driftkl_feature_threshold{{{SEL}}}, metric)", **single),
        _query_var("unit", "Unit",
                   f'label_values(driftkl_feature_divergence{{{SEL}, metric="$metric"}}, unit)',
                   **single),
        {"name": "topn", "label": "Top N", "type": "custom", "query": "10,20,50,100",
         "current": {"selected": True, "text": "20", "value": "20"},
         "options": [{"text": n, "value": n, "selected": n == "20"}
                     for n in ("10", "20", "50", "100")]},
    ]  # fmt: skip
    return {
        "uid": "driftkl-overview", "title": "driftkl: data drift",
        "description": "Per-feature data drift from driftkl checks (Pushgateway, textfile or "
                       "driftkl serve). Statuses: 0 = ok, 1 = warn, 2 = drift.",
        "tags": ["driftkl", "data-drift"], "timezone": "browser", "editable": True,
        "graphTooltip": 1, "schemaVersion": 39, "version": 2, "refresh": "1m",
        "time": {"from": "now-7d", "to": "now"},
        "annotations": {"list": [
            _annotation("Check runs", "driftkl_last_run_timestamp_seconds", "blue"),
            _annotation("Check failures", "driftkl_last_failure_timestamp_seconds", "red"),
            _annotation("Schema changes", "driftkl_last_run_timestamp_seconds", "orange",
                        f" and on ({G}) (sum by ({G}) (driftkl_schema_changes{{{SEL}}}) > 0)"),
        ]},
        "links": [], "templating": {"list": variables},
        "panels": [_panel_json(i, p) for i, p in enumerate(_panels(), start=1)],
    }  # fmt: skip


def main(argv: list[str]) -> int:
    """Write the dashboard, or with ``--check`` report whether the file is up to date."""
    text = json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
    if "--check" in argv:
        if OUT.read_text() != text:
            sys.stderr.write(f"{OUT} is out of date: run python {Path(__file__).name}\n")
            return 1
        return 0
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
