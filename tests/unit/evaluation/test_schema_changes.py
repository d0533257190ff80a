"""Schema changes are findings: missing, added and retyped columns, on_schema_change."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from helpers import run_cli

import driftkl
from driftkl.errors import ConfigError, SchemaChangeError, SchemaMismatchError
from driftkl.model.schema import SchemaChange

RNG = np.random.default_rng(7)
REF = pd.DataFrame(
    {
        "amount": RNG.normal(100, 10, 2000),
        "age": RNG.integers(18, 90, 2000),
        "country": RNG.choice(["de", "fr", "it"], 2000),
        "score": RNG.normal(0, 1, 2000),
    }
)
# lost 'score', 'age' became text, gained 'channel'; 'amount' and 'country' unchanged
CUR = REF.drop(columns=["score"]).assign(
    age=REF["age"].astype(str), channel=RNG.choice(["web", "app"], 2000)
)


def test_missing_retyped_and_added_columns_are_reported_and_the_rest_checked():
    """Each change is one SchemaChange with both types; the unchanged columns are checked."""
    report = driftkl.compare(REF, CUR)
    assert [
        (c.column, c.change, c.reference_type, c.current_type) for c in report.schema_changes
    ] == [
        ("score", "missing", "double", None),
        ("age", "type_changed", "int64", "string"),
        ("channel", "added", None, "string"),
    ]
    assert [f.name for f in report.features] == ["amount", "country"]
    assert {f.status for f in report.features} == {"ok"}
    assert report.status == "drift"  # the default: a missing or retyped column is drift
    assert [c.status for c in report.schema_changes] == ["drift", "drift", "warn"]
    assert report.schema_changes[0].reason.startswith("schema change: 'score' missing")
    assert "on_schema_change: drift" in report.schema_changes[0].reason
    assert report.summary()["schema_changes"] == 3


def test_warn_mode_makes_every_change_a_warning():
    """on_schema_change: warn keeps the dataset at warn when the columns themselves are ok."""
    report = driftkl.compare(REF, CUR, on_schema_change="warn")
    assert [c.status for c in report.schema_changes] == ["warn", "warn", "warn"]
    assert report.status == "warn"


def test_fail_mode_raises_naming_every_changed_column():
    """on_schema_change: fail raises a SchemaChangeError with the columns and a hint."""
    with pytest.raises(SchemaChangeError, match=r"'score' missing.*'age' type changed.*Hint:") as e:
        driftkl.compare(REF, CUR, on_schema_change="fail")
    assert e.value.columns == ("score", "age", "channel")
    assert isinstance(e.value, SchemaMismatchError)


def test_no_changes_means_no_findings_and_same_kind_retype_is_a_note():
    """int64 → double on a numeric feature fits the bins: counted, noted, not a change."""
    ref = pd.DataFrame({"x": np.arange(500), "y": RNG.normal(size=500)})
    report = driftkl.compare(ref, ref.assign(x=ref["x"].astype("float64")))
    assert report.schema_changes == ()
    assert report.status == "ok"
    assert any("int64 in the reference, double" in n for n in report["x"].notes)


def test_include_and_exclude_limit_what_counts():
    """Excluded columns are never reported; with include, added columns are not looked for."""
    report = driftkl.compare(REF, CUR, exclude=["score"])
    assert [c.column for c in report.schema_changes] == ["age", "channel"]
    report = driftkl.compare(REF, CUR, include=["amount", "age"])
    assert [c.column for c in report.schema_changes] == ["age"]


def test_nothing_left_to_check_is_an_error():
    """When every reference column changed, the check says so instead of an empty report."""
    with pytest.raises(SchemaChangeError, match=r"none of the reference's columns"):
        driftkl.compare(REF[["amount"]], pd.DataFrame({"amount": ["a", "b"]}))


def test_schema_changes_round_trip_and_old_reports_still_load():
    """to_dict/from_dict keep the changes; a report dict without the key loads with none."""
    report = driftkl.compare(REF, CUR)
    d = json.loads(report.to_json())
    assert d["schema_changes"][1] == report.schema_changes[1].to_dict()
    assert driftkl.DriftReport.from_dict(d) == report
    del d["schema_changes"]
    assert driftkl.DriftReport.from_dict(d).schema_changes == ()
    with pytest.raises(ValueError, match="renamed"):
        SchemaChange.from_dict({"column": "a", "change": "renamed"})
    d["schema_changes"] = [{"column": "a", "change": "missing", "status": "bad"}]
    with pytest.raises(driftkl.InputError, match="status 'bad'"):
        driftkl.DriftReport.from_dict(d)


def test_every_rendering_shows_the_changes():
    """Text, Markdown, HTML and the frame name each changed column and the rule."""
    report = driftkl.compare(REF, CUR)
    text, md, html = repr(report), report_markdown(report), report.to_html()
    for out in (text, md, html):
        assert "'score' missing from the current data (was double)" in out.replace("&#x27;", "'")
        assert "'age' type changed: int64 → string" in out.replace("&#x27;", "'")
    assert "3 schema changes" in text
    assert "| score | missing | drift |" in md
    assert "<h3>Schema changes</h3>" in html
    frame = report.to_frame()
    assert list(frame.index) == ["amount", "country", "score", "age", "channel"]
    assert frame.loc["age", "rule"] == "schema_change"
    assert frame.loc["age", "status"] == "drift"


def report_markdown(report):
    from driftkl.render.text import render_markdown  # noqa: PLC0415

    return render_markdown(report)


def test_config_value_is_checked():
    """An unknown on_schema_change value is a config error listing the choices."""
    with pytest.raises(ConfigError, match=r"on_schema_change must be one of \('warn', 'drift'"):
        driftkl.load_config(on_schema_change="ignore")


def test_cli_fail_exits_2_naming_the_columns(tmp_path):
    """A file that lost one column and retyped another: reported; with fail, exit 2 names both."""
    REF.to_parquet(tmp_path / "ref.parquet")
    CUR.drop(columns=["channel"]).to_parquet(tmp_path / "cur.parquet")
    ok = run_cli("compare", tmp_path / "ref.parquet", tmp_path / "cur.parquet", "--format", "json")
    assert ok.returncode == 0, ok.stderr
    changes = json.loads(ok.stdout)["schema_changes"]
    assert [(c["column"], c["change"]) for c in changes] == [
        ("score", "missing"),
        ("age", "type_changed"),
    ]
    (tmp_path / "fail.yaml").write_text("on_schema_change: fail\n")
    failed = run_cli(
        "compare",
        tmp_path / "ref.parquet",
        tmp_path / "cur.parquet",
        "--config",
        tmp_path / "fail.yaml",
    )
    assert failed.returncode == 2
    assert "'score' missing" in failed.stderr and "'age' type changed" in failed.stderr


def test_hive_partition_keys_are_not_added_columns(tmp_path):
    """A ``key=value`` folder name of a partitioned current dataset is not an added column;
    a column that the files themselves gained still is."""
    ref = REF[["amount", "country"]]
    for day in ("2026-11-01", "2026-11-02"):
        folder = tmp_path / "cur" / f"day={day}"
        folder.mkdir(parents=True)
        ref.assign(channel="web").to_parquet(folder / "part.parquet")
    report = driftkl.compare(ref, tmp_path / "cur")
    assert [(c.column, c.change) for c in report.schema_changes] == [("channel", "added")]
    assert report.status == "warn"  # the added column alone; the distributions are the same


def test_hive_partition_keys_are_layout_not_added_columns(tmp_path):
    """A current hive dataset's partition key (dt=...) is not an added column."""
    for day in ("2026-11-01", "2026-11-02"):
        (tmp_path / "cur" / f"dt={day}").mkdir(parents=True)
        REF.to_parquet(tmp_path / "cur" / f"dt={day}" / "part-0.parquet")
    report = driftkl.compare(REF, tmp_path / "cur")
    assert report.schema_changes == ()
    assert report.status == "ok"
