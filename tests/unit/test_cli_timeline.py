"""`driftkl timeline` and `driftkl compare --segment-by` as a user runs them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from helpers import run_cli

import driftkl


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A reference file and a 4-day hive dataset whose x shifts on day 3; a region column."""
    root = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(1)
    ref = pd.DataFrame({"x": rng.normal(size=8_000), "region": rng.choice(["eu", "us"], 8_000)})
    pq.write_table(pa.Table.from_pandas(ref, preserve_index=False), root / "ref.parquet")
    parts = []
    for d in range(4):
        day = pd.DataFrame({"x": rng.normal(size=3_000), "region": rng.choice(["eu", "us"], 3_000)})
        if d >= 2:
            day.loc[day.region == "eu", "x"] += 1.0
        day["ts"] = pd.Timestamp(f"2026-11-0{d + 1}", tz="UTC") + pd.to_timedelta(
            rng.integers(0, 86_400, 3_000), unit="s"
        )
        day["day"] = f"2026-11-0{d + 1}"
        parts.append(day)
    ds.write_dataset(
        pa.Table.from_pandas(pd.concat(parts), preserve_index=False),
        root / "cur",
        format="parquet",
        partitioning=ds.partitioning(pa.schema([("day", pa.string())]), flavor="hive"),
    )
    return root


def test_timeline_table_json_and_exit_code(files):
    """A row per window, drift from day 3, the hive partition key not an added column, exit 1
    with --fail-on-drift; the JSON on stdout and in --output is the Timeline's."""
    out = files / "tl.json"
    args = [files / "ref.parquet", files / "cur", "--time-column", "ts", "--every", "1d"]
    table = run_cli("timeline", *args, "--fail-on-drift", "--exclude", "region")
    assert table.returncode == 1, table.stderr
    lines = [ln for ln in table.stdout.splitlines() if ln.startswith("2026-11-0")]
    # the hive partition key `day` is dataset layout, not a column the reference lacks
    assert [ln.split()[3] for ln in lines] == ["ok", "ok", "drift", "drift"]
    assert not any("day added" in ln for ln in lines)
    got = run_cli("timeline", *args, "--format", "json", "--output", out)
    assert got.returncode == 0, got.stderr
    tl = driftkl.Timeline.from_dict(json.loads(got.stdout))
    assert tl.status_of("x") == ("ok", "ok", "drift", "drift")
    assert driftkl.Timeline.from_dict(json.loads(out.read_text())).to_dict() == tl.to_dict()


def test_timeline_html_and_markdown(files):
    """--format html prints the grid page; markdown a table with a row per window."""
    args = [files / "ref.parquet", files / "cur", "--time-column", "ts", "--every", "1d"]
    html = run_cli("timeline", *args, "--format", "html")
    assert html.returncode == 0, html.stderr
    assert html.stdout.startswith("<!DOCTYPE html>")
    assert html.stdout.count("<svg") == 2  # x and region
    md = run_cli("timeline", *args, "--format", "markdown")
    assert md.stdout.count("\n| 2026-11-0") == 4


def test_timeline_bad_every_exits_2_naming_it(files):
    """A bad --every is a usage error (exit 2) naming the value and the accepted forms."""
    got = run_cli(
        "timeline", files / "ref.parquet", files / "cur", "--time-column", "ts", "--every", "90m"
    )
    assert got.returncode == 2
    assert "every must be a duration" in got.stderr
    assert "Traceback" not in got.stderr


def test_compare_segment_by_prints_each_segment(files):
    """compare --segment-by region: eu drifts, us ok; the JSON carries both segments."""
    args = [files / "ref.parquet", files / "cur", "--segment-by", "region"]
    got = run_cli("compare", *args)
    assert got.returncode == 0, got.stderr
    assert "segments by region:" in got.stdout
    assert "eu: drift" in got.stdout
    assert "us: ok" in got.stdout
    data = json.loads(run_cli("compare", *args, "--format", "json").stdout)
    assert set(data["segments"]) == {"eu", "us"}
