"""Polars, DuckDB and Arrow-stream inputs give the same reports as the pandas path."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import driftkl
from driftkl.errors import InputError
from driftkl.sources import open_source


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(11)
    n = 6_000

    def frame(shift: float, m: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "amount": rng.lognormal(3 + shift, 1, m),
                "country": rng.choice(["DE", "FR", "GB", "IT"] + ["XX"] * bool(shift), m),
                "items": rng.integers(0, 7, m),
                "ts": pd.Timestamp("2026-01-01")
                + pd.to_timedelta(rng.integers(0, 86_400, m), unit="s"),
            }
        )

    ref, cur = frame(0.0, n), frame(0.3, n // 2)
    ref.loc[::50, "amount"] = np.nan
    return ref, cur


def _values(report: driftkl.DriftReport) -> dict:
    out = report.to_dict()
    for key in ("created_at", "duration_seconds", "current", "reference"):
        out.pop(key)
    return out


@pytest.fixture(scope="module")
def frames():
    return _frames()


@pytest.fixture(scope="module")
def expected(frames):
    ref, cur = frames
    return _values(driftkl.compare(ref, cur))


def test_polars_dataframes_match_pandas(frames, expected):
    """Polars DataFrames (read through __arrow_c_stream__) give the pandas report."""
    ref, cur = (pl.from_pandas(f) for f in frames)
    assert _values(driftkl.compare(ref, cur)) == expected


def test_polars_lazy_frames_match_pandas(frames, expected, tmp_path):
    """LazyFrames over Parquet (columns collected pass by pass) give the pandas report."""
    ref, cur = frames
    for name, f in (("ref", ref), ("cur", cur)):
        pq.write_table(pa.Table.from_pandas(f, preserve_index=False), tmp_path / f"{name}.pq")
    lazy_ref = pl.scan_parquet(tmp_path / "ref.pq")
    lazy_cur = pl.scan_parquet(tmp_path / "cur.pq")
    assert _values(driftkl.compare(lazy_ref, lazy_cur)) == expected
    source = open_source(lazy_cur, side="current")
    assert source.description == "the current LazyFrame"
    assert source.schema.names == ["amount", "country", "items", "ts"]


def test_duckdb_relations_match_pandas(frames, expected):
    """DuckDB query results (Arrow C stream) give the pandas report."""
    ref_df, cur_df = frames
    con = duckdb.connect()
    con.register("ref_df", ref_df)
    con.register("cur_df", cur_df)
    ref = con.sql("select * from ref_df")
    cur = con.sql("select * from cur_df")
    assert _values(driftkl.compare(ref, cur)) == expected


def test_arrow_record_batch_reader_matches_pandas(frames, expected):
    """A one-shot pyarrow RecordBatchReader is read once and gives the pandas report."""
    ref, cur = (pa.Table.from_pandas(f, preserve_index=False) for f in frames)
    reader = pa.RecordBatchReader.from_batches(cur.schema, cur.to_batches(max_chunksize=1000))
    assert _values(driftkl.compare(ref, reader)) == expected


def test_a_profile_built_from_polars_checks_pandas_data(frames):
    """Profiles are input-agnostic: bins fitted on Polars count pandas data identically."""
    ref, cur = frames
    from_polars = driftkl.profile(pl.from_pandas(ref))
    from_pandas = driftkl.profile(ref)
    assert from_polars.fingerprint == from_pandas.fingerprint
    assert _values(driftkl.compare(from_polars, cur)) == _values(driftkl.compare(from_pandas, cur))


def test_a_broken_stream_is_a_driftkl_error():
    """An object whose __arrow_c_stream__ fails gives an InputError naming the input."""

    class Broken:
        def __arrow_c_stream__(self, requested_schema=None):
            raise TypeError("no stream today")

    with pytest.raises(InputError, match="the current Broken through the Arrow stream"):
        driftkl.compare(pd.DataFrame({"a": [1.0, 2.0]}), Broken())
