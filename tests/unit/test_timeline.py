"""driftkl.timeline: calendar windows counted in one read, each window a full report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import threading
import tracemalloc

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

import driftkl
from driftkl.counting import count_batch_grouped, count_grouped, count_source, merge_grouped
from driftkl.engines import registry
from driftkl.engines.local import LocalEngine
from driftkl.errors import ConfigError, InputError
from driftkl.grouping import TimeWindows
from driftkl.sources import open_source

UTC = dt.timezone.utc
DAY0 = pd.Timestamp("2026-11-01", tz="UTC")
CALLS: list[tuple[str, int]] = []  # (label, rows) of every batch the counting engine read
READS: list[str] = []  # the label of every map-reduce (one read of the data) it ran
LOCK = threading.Lock()


class CountingEngine:
    """The local engine, recording every batch it reads (label and rows)."""

    name = "counting"

    def __init__(self, execution) -> None:
        self.inner = LocalEngine(dataclasses.replace(execution, engine="local"))

    def map_reduce(self, source, passes, work, merge, *, label):
        READS.append(label)

        def counted(batch):
            with LOCK:
                CALLS.append((label, batch.num_rows))
            return work(batch)

        yield from self.inner.map_reduce(source, passes, counted, merge, label=label)


class _EntryPoint:
    name = "counting"

    @staticmethod
    def load():
        return CountingEngine


@pytest.fixture
def counting(monkeypatch):
    """Register CountingEngine as a plugin engine and clear its log."""
    real = registry.entry_points

    def entry_points(*, group):
        found = list(real(group=group))
        return [*found, _EntryPoint()] if group == registry.ENTRY_POINT_GROUP else found

    monkeypatch.setattr(registry, "entry_points", entry_points)
    CALLS.clear()
    READS.clear()
    return CALLS


def _reference(n: int = 20_000, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "y": rng.exponential(size=n),
            "c": rng.choice(list("abcd"), n),
        }
    )


def _days(days: int, per_day: int, *, shift_from: int | None, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = []
    for d in range(days):
        frame = _reference(per_day, seed + 100 + d)
        if shift_from is not None and d + 1 >= shift_from:
            frame["x"] += 0.5
        seconds = rng.integers(0, 86_400, per_day)
        frame["ts"] = DAY0 + pd.Timedelta(days=d) + pd.to_timedelta(seconds, unit="s")
        frame["day"] = f"2026-11-{d + 1:02d}"
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def hive(tmp_path_factory):
    """Ten daily hive partitions (day=2026-11-01 ..); x shifts by 0.5σ from day 7."""
    root = tmp_path_factory.mktemp("hive") / "current"
    table = pa.Table.from_pandas(_days(10, 3_000, shift_from=7), preserve_index=False)
    ds.write_dataset(
        table,
        root,
        format="parquet",
        partitioning=ds.partitioning(pa.schema([("day", pa.string())]), flavor="hive"),
    )
    return str(root)


def test_ten_daily_partitions_drift_from_day_seven_in_one_read(hive, counting):
    """Hive dataset of 10 days: x ok on days 1-6 and drift from day 7, y and c ok throughout;
    the current data is read in one map-reduce (every row counted once per column pass)."""
    ref = _reference()
    tl = driftkl.timeline(ref, hive, time_column="ts", every="1d", engine="counting")
    assert len(tl.windows) == 10
    assert tl.status_of("x") == ("ok",) * 6 + ("drift",) * 4
    assert tl.status_of("y") == ("ok",) * 10
    assert tl.status_of("c") == ("ok",) * 10
    assert "ts" not in tl.features
    assert [w.start for w in tl.windows] == [
        dt.datetime(2026, 11, d, tzinfo=UTC) for d in range(1, 11)
    ]
    assert all(w.rows == 3_000 for w in tl.windows)
    current = [rows for label, rows in counting if label == "current"]
    assert sum(current) == 30_000  # x, y, c and ts fit one column pass: each row read once
    assert READS.count("current") == 1  # ten windows, one map-reduce over the current data


def test_each_window_report_is_a_compare_of_its_rows():
    """A window's report equals driftkl.compare on that window's rows (same decisions)."""
    ref = _reference()
    cur = _days(3, 2_000, shift_from=3)
    tl = driftkl.timeline(ref, cur, time_column="ts", every="1d")
    for i, w in enumerate(tl.windows):
        rows = cur[
            (cur.ts >= DAY0 + pd.Timedelta(days=i)) & (cur.ts < DAY0 + pd.Timedelta(days=i + 1))
        ]
        direct = driftkl.compare(ref, rows.drop(columns=["ts", "day"]))
        assert [f.to_dict() for f in w.report.features] == [f.to_dict() for f in direct.features]


def test_windows_follow_the_calendar_of_the_timezone():
    """every='1d' in Europe/Berlin starts windows at local midnight (23:00 UTC in winter);
    every='7d' windows are weeks starting on Monday."""
    ref = _reference(2_000)
    cur = _reference(2_000, seed=3)
    cur["ts"] = pd.Timestamp("2026-11-30 22:30", tz="UTC") + pd.to_timedelta(
        np.arange(2_000) * 60, unit="s"
    )
    berlin = driftkl.timeline(ref, cur, time_column="ts", every="1d", timezone="Europe/Berlin")
    # 22:30-23:00 UTC is 23:30-24:00 on 30 Nov in Berlin: that day's window, 29 Nov 23:00 UTC on
    assert berlin.windows[0].start == dt.datetime(2026, 11, 29, 23, tzinfo=UTC)
    assert berlin.windows[0].rows == 30
    assert berlin.windows[1].start == dt.datetime(2026, 11, 30, 23, tzinfo=UTC)
    weekly = driftkl.timeline(ref, cur, time_column="ts", every="7d")
    assert weekly.windows[0].start == dt.datetime(2026, 11, 30, tzinfo=UTC)  # a Monday
    assert weekly.windows[0].end - weekly.windows[0].start == dt.timedelta(days=7)
    hourly = driftkl.timeline(ref, cur, time_column="ts", every="6h")
    assert {w.start.hour for w in hourly.windows} <= {0, 6, 12, 18}


@pytest.mark.parametrize(
    ("every", "match"),
    [
        ("1 day", "every must be a duration"),
        ("5h", "must divide a day"),
        ("0d", "at least"),
        (7, "duration"),
    ],
)
def test_bad_every_is_a_config_error(every, match):
    """Bad durations are ConfigErrors naming the value and the accepted forms."""
    with pytest.raises(ConfigError, match=match):
        driftkl.timeline(_reference(100), _reference(100), time_column="ts", every=every)


def test_bad_time_column_and_timezone_are_named():
    """A missing or non-time column and an unknown zone are clear driftkl errors."""
    ref, cur = _reference(500), _reference(500)
    with pytest.raises(InputError, match="time column 'ts' is not in"):
        driftkl.timeline(ref, cur, time_column="ts", every="1d")
    with pytest.raises(InputError, match="not a timestamp or date"):
        driftkl.timeline(ref, cur, time_column="c", every="1d")
    with pytest.raises(ConfigError, match="not a known IANA time zone"):
        driftkl.timeline(ref, cur, time_column="ts", every="1d", timezone="Mars/Olympus")


def test_rows_without_time_are_counted_not_placed():
    """Null times fall in no window; the timeline says how many."""
    ref = _reference(2_000)
    cur = _days(2, 1_000, shift_from=None)
    cur.loc[:9, "ts"] = pd.NaT
    tl = driftkl.timeline(ref, cur, time_column="ts", every="1d")
    assert tl.unplaced_rows == 10
    assert sum(w.rows for w in tl.windows) == 1_990


def test_grouped_counts_equal_per_window_counts_in_any_merge_order():
    """Grouped counting equals counting each window alone, and merges in any tree alike."""
    cur = _days(5, 1_500, shift_from=3)
    prof = driftkl.profile(_reference())
    specs = {c: prof.feature(c).bins for c in ("x", "y", "c")}
    windows = TimeWindows("ts", "1d")
    source = open_source(cur, side="current", row_filter=(), batch_size=700)
    engine = LocalEngine(driftkl.load_config().execution)
    groups, unplaced = count_grouped(source, specs, engine, windows)
    assert unplaced == 0
    for index, g in groups.items():
        start, end = windows.bounds(index)
        rows = cur[(cur.ts >= start) & (cur.ts < end)][["x", "y", "c"]]
        alone, n, _ = count_source(open_source(rows, side="current", row_filter=()), specs, engine)
        assert g.rows == n
        assert all((g.counts[c] == alone[c]).all() for c in specs)
    parts = [
        count_batch_grouped(b, specs=specs, grouping=windows)
        for b in source.batches(["x", "y", "c", "ts"])
    ]
    rng = random.Random(4)  # noqa: S311 - a test's merge order
    rng.shuffle(parts)
    while len(parts) > 1:
        i = rng.randrange(len(parts) - 1)
        parts[i : i + 2] = [merge_grouped(parts[i], parts[i + 1])]
    assert {k: v[0] for k, v in parts[0].items()} == {k: g.rows for k, g in groups.items()}
    for k, (_, counts, _) in parts[0].items():
        assert all((counts[c] == groups[k].counts[c]).all() for c in specs)


def test_many_windows_cost_groups_times_bins_not_rows():
    """2 000 hourly windows over 400 000 rows: traced memory stays far below the rows' size."""
    rng = np.random.default_rng(5)
    n = 400_000
    cur = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "ts": pd.Timestamp("2026-01-01", tz="UTC")
            + pd.to_timedelta(np.sort(rng.integers(0, 2_000 * 3_600, n)), unit="s"),
        }
    )
    prof = driftkl.profile(_reference()[["x"]])
    specs = {"x": prof.feature("x").bins}
    source = open_source(cur, side="current", row_filter=(), batch_size=16_384)
    engine = LocalEngine(driftkl.load_config(threads=1).execution)
    tracemalloc.start()
    groups, _ = count_grouped(source, specs, engine, TimeWindows("ts", "1h"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(groups) == 2_000
    assert peak < 8 * 2**20  # the rows alone are 6.4 MB (x + ts); one batch is ~260 kB
