"""Windows and segments on the dask engine: the same counts and reports as the local engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import driftkl

pytestmark = pytest.mark.dask

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def address():
    """A two-worker in-process distributed cluster's scheduler address."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as lc,
        distributed.Client(lc, set_as_default=False),
    ):
        yield lc.scheduler_address


def _frame(n: int, seed: int, shift: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "c": rng.choice(list("abcde"), n),
            "region": rng.choice(["eu", "us", "apac", "latam"], n, p=[0.4, 0.3, 0.2, 0.1]),
            "ts": pd.Timestamp("2026-11-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 5 * 86_400, n), unit="s"),
        }
    )
    frame.loc[frame.region == "eu", "x"] += shift
    return frame


def _plain(report: driftkl.DriftReport) -> dict:
    d = report.to_dict()
    for key in ("created_at", "duration_seconds"):
        d.pop(key)
    d["current"].pop("source")
    d["reference"].pop("profile_hash")
    return d


def _write(tmp_path, name: str, df: pd.DataFrame) -> str:
    path = tmp_path / f"{name}.parquet"
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path, row_group_size=900)
    return str(path)


def test_timeline_on_dask_equals_local(tmp_path, address):
    """Every window's report (bins and counts included) is identical on both engines."""
    ref = _write(tmp_path, "ref", _frame(6_000, 1, 0.0))
    cur = _write(tmp_path, "cur", _frame(8_000, 2, 0.4))
    local = driftkl.timeline(ref, cur, time_column="ts", every="1d")
    remote = driftkl.timeline(
        ref, cur, time_column="ts", every="1d", engine="dask", scheduler=address
    )
    assert len(local.windows) == 5
    assert [_plain(r) for r in remote.reports] == [_plain(r) for r in local.reports]


def test_segments_on_dask_equal_local(tmp_path, address):
    """Segment results, (other) included, are identical on both engines, from a dask frame too."""
    ref_df, cur_df = _frame(6_000, 3, 0.0), _frame(6_000, 4, 0.4)
    ref, cur = _write(tmp_path, "ref", ref_df), _write(tmp_path, "cur", cur_df)
    opts = {"segment_by": "region", "max_segments": 3, "exclude": ["ts"]}
    local = driftkl.compare(ref, cur, **opts)
    remote = driftkl.compare(ref, cur, engine="dask", scheduler=address, **opts)
    assert set(local.segments) == {"eu", "us", "apac", "(other)"}
    assert _plain(remote) == _plain(local)
    framed = driftkl.compare(
        ref_df, dd.from_pandas(cur_df, npartitions=3), scheduler=address, **opts
    )
    assert _plain(framed)["segments"] == _plain(local)["segments"]
