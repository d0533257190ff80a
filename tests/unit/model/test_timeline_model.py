"""The Timeline value: built from windowed reports, serialised, framed and rendered."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

import driftkl
from driftkl.errors import InputError
from driftkl.model.timeline import Timeline, window_of, with_window

UTC = dt.timezone.utc
DAY = dt.timedelta(days=1)
START = dt.datetime(2026, 11, 1, tzinfo=UTC)


def _reports(days: int = 3) -> list[driftkl.DriftReport]:
    rng = np.random.default_rng(1)
    ref = pd.DataFrame({"x": rng.normal(size=2000), "c": rng.choice(list("ab"), 2000)})
    out = []
    for d in range(days):
        shift = 1.0 if d == days - 1 else 0.0
        cur = pd.DataFrame({"x": rng.normal(shift, size=1000), "c": rng.choice(list("ab"), 1000)})
        r = driftkl.compare(ref, cur)
        start = START + d * DAY
        out.append(with_window(r, start, start + DAY, every="1d", timezone="UTC", time_column="ts"))
    return out


@pytest.fixture(scope="module")
def reports() -> list[driftkl.DriftReport]:
    """Three daily reports; the last one shifted."""
    return _reports()


def test_from_reports_orders_windows_and_reads_their_bounds(reports):
    """Reports in any order (and as dicts) come back as windows in time order, bounds in UTC."""
    shuffled = [reports[2].to_dict(), reports[0], reports[1]]
    tl = Timeline.from_reports(shuffled)
    assert [w.start for w in tl.windows] == [START, START + DAY, START + 2 * DAY]
    assert all(w.end - w.start == DAY for w in tl.windows)
    assert tl.every == "1d"
    assert tl.time_column == "ts"
    assert tl.status_of("x") == ("ok", "ok", "drift")
    assert tl.status == "drift"
    assert tl.latest is not None
    assert window_of(tl.latest) == (START + 2 * DAY, START + 3 * DAY)


def test_json_round_trip_keeps_windows_and_statuses(reports):
    """to_json / from_dict give the same windows, statuses and row counts."""
    tl = Timeline.from_reports(reports)
    back = Timeline.from_dict(json.loads(tl.to_json()))
    assert [(w.start, w.end, w.rows, w.status) for w in back.windows] == [
        (w.start, w.end, w.rows, w.status) for w in tl.windows
    ]
    assert back.features == tl.features


def test_to_frame_has_a_row_per_window_and_feature(reports):
    """to_frame: windows × features rows, with UTC bounds, rows, status, reason, the deciding
    metric with its unit; full=True: every metric with units in the names and p-values."""
    tl = Timeline.from_reports(reports)
    compact = tl.to_frame()
    assert set(compact["unit"]) == {"bits"}
    assert compact["reason"].str.endswith("→ ok").sum() == 5
    frame = tl.to_frame(full=True)
    assert len(frame) == 3 * 2
    assert {"window_start", "window_end", "window_rows", "feature", "status", "reason"} <= set(
        frame.columns
    )
    assert any("[bits]" in c for c in frame.columns)
    assert "p_value_adjusted" in frame.columns
    assert str(frame["window_start"].dt.tz) == "UTC"
    last = frame[frame["window_start"] == pd.Timestamp(START + 2 * DAY)]
    assert last.set_index("feature").loc["x", "status"] == "drift"


def test_a_report_without_window_is_refused(reports):
    """A whole-batch report has no window: a clear InputError, not a KeyError."""
    plain = driftkl.DriftReport.from_dict(
        {**reports[0].to_dict(), "current": {"source": "x", "rows": 1}}
    )
    with pytest.raises(InputError, match="no time window"):
        Timeline.from_reports([plain])


def test_a_rerun_window_keeps_the_latest_report(reports):
    """Two reports of one window (a re-run): the one created last is kept."""
    rerun = reports[0].to_dict()
    rerun["created_at"] = "2999-01-01T00:00:00+00:00"
    tl = Timeline.from_reports([*reports, rerun])
    assert len(tl.windows) == 3
    assert tl.windows[0].report.created_at.startswith("2999")


def test_html_has_a_coloured_cell_per_feature_and_window(reports):
    """_repr_html_: a grid cell per feature × window with the reason, and an SVG per feature."""
    html = Timeline.from_reports(reports)._repr_html_()
    assert html.count('<td style="background:') == 6
    assert html.count("<svg") == 2
    assert "#c62828" in html  # the drifted cell's colour
