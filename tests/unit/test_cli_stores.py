"""CLI: compare against a profile-store window, keep reports, and list them with history."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from helpers import run_cli

import driftkl


def _day(i: int, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(i)
    return pd.DataFrame(
        {"x": rng.normal(shift, 1, 600), "c": rng.choice(["a", "b", "c"], 600, p=[0.5, 0.3, 0.2])}
    )


@pytest.fixture
def stores(tmp_path):
    base = driftkl.profile(_day(99), dataset="orders")
    profiles = driftkl.ProfileStore(tmp_path / "profiles")
    for i in range(1, 6):
        profiles.put(driftkl.profile(_day(i), bins=base, dataset="orders"), f"2026-11-0{i}")
    _day(6).to_parquet(tmp_path / "day6.parquet")
    _day(7, shift=1.0).to_parquet(tmp_path / "day7.parquet")
    return tmp_path


def _compare(tmp, day, *extra):
    return run_cli(
        "compare",
        tmp / f"day{day}.parquet",
        "--reference-store",
        tmp / "profiles",
        "--dataset",
        "orders",
        "--report-store",
        tmp / "reports",
        "--report-at",
        f"2026-11-0{day}",
        "--format",
        "json",
        "--no-progress",
        *extra,
    )


def test_compare_on_a_window_and_history_lists_the_reports(stores):
    """The window merges the last N profiles; reports land in the store; history shows them."""
    six = _compare(stores, 6, "--reference-window", "3")
    assert six.returncode == 0, six.stderr
    report = json.loads(six.stdout)
    window = driftkl.ProfileStore(stores / "profiles").window(None, 3)
    assert report["reference"]["rows"] == 1800 == window.rows
    assert report["reference"]["profile_hash"] == window.fingerprint
    seven = _compare(stores, 7, "--reference-window", "2", "--reference-end", "2026-11-03")
    assert seven.returncode == 0, seven.stderr
    assert json.loads(seven.stdout)["summary"]["status"] == "drift"

    table = run_cli("history", stores / "reports")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split()[:4] == ["time", "(UTC)", "dataset", "status"]
    assert lines[2].startswith("2026-11-06 00:00:00  orders   ok")
    assert lines[3].startswith("2026-11-07 00:00:00  orders   drift")
    assert "(x)" in lines[3]  # the drifted feature is named
    md = run_cli("history", stores / "reports", "--since", "2026-11-07", "--format", "markdown")
    assert md.stdout.splitlines()[2].startswith("| 2026-11-07 00:00:00 | orders | drift |")
    assert len(md.stdout.splitlines()) == 3
    stored = driftkl.ReportStore(stores / "reports").reports(dataset="orders")
    assert [r.status for r in stored] == ["ok", "drift"]


def test_store_option_mistakes_exit_2_before_reading(stores):
    """Both REFERENCE and a store, a window without a store, too short a store: exit 2."""
    both = run_cli(
        "compare",
        stores / "day6.parquet",
        stores / "day6.parquet",
        "--reference-store",
        stores / "profiles",
    )
    assert both.returncode == 2
    assert "either REFERENCE or --reference-store" in both.stderr
    nostore = run_cli(
        "compare", stores / "day6.parquet", stores / "day6.parquet", "--reference-window", "3"
    )
    assert nostore.returncode == 2
    assert "need --reference-store" in nostore.stderr
    short = _compare(stores, 6, "--reference-window", "9")
    assert short.returncode == 2
    assert "window of 9 profile(s)" in short.stderr and "partial" in short.stderr
    assert _compare(stores, 6, "--reference-window", "9", "--partial-window").returncode == 0


def test_seasonal_window_from_the_cli(stores):
    """--reference-every 2 takes every second key counting back from the end key."""
    out = _compare(stores, 6, "--reference-window", "3", "--reference-every", "2")
    assert out.returncode == 0, out.stderr
    seasonal = driftkl.ProfileStore(stores / "profiles").window(None, 3, every=2)
    assert seasonal.source["window_keys"] == ["2026-11-01", "2026-11-03", "2026-11-05"]
    assert json.loads(out.stdout)["reference"]["profile_hash"] == seasonal.fingerprint


def test_history_of_an_empty_or_missing_store_is_an_empty_table(tmp_path):
    """No reports yet: the header only, exit 0; a bad --since exits 2 naming it."""
    out = run_cli("history", tmp_path / "nothing")
    assert out.returncode == 0
    assert len(out.stdout.splitlines()) == 2
    bad = run_cli("history", tmp_path, "--since", "last week")
    assert bad.returncode == 2
    assert "since 'last week' is not an ISO date" in bad.stderr
