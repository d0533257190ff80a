"""The dask engine gives the same counts and reports as the local engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import modules_loaded_by

import driftkl

pytestmark = pytest.mark.dask

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


def _frame(n: int, seed: int, shift: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(shift, 1.0, n)
    x[rng.random(n) < 0.05] = np.nan
    cats = np.array(["a", "b", "c", "d", None], dtype=object)
    return pd.DataFrame(
        {
            "x": x,
            "y": rng.exponential(1.0 + shift, n),
            "n": rng.integers(0, 5, n),
            "s": cats[rng.integers(0, 5, n)],
        }
    )


def _write(tmp_path, name: str, df: pd.DataFrame) -> str:
    path = tmp_path / f"{name}.parquet"
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path, row_group_size=700)
    return str(path)


def _same(a: driftkl.DriftReport, b: driftkl.DriftReport) -> None:
    da, db = a.to_dict(), b.to_dict()
    for key in ("created_at", "duration_seconds"):
        da.pop(key), db.pop(key)
    for d in (da, db):
        d["current"].pop("source")  # "the current DataFrame" vs "the current dask DataFrame"
        d["reference"].pop("profile_hash")  # hashes the profile's created_at (seconds) too
    assert da == db


@pytest.fixture(scope="module")
def cluster():
    """A two-worker in-process distributed cluster (threads, no subprocesses)."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
        ) as lc,
        distributed.Client(lc, set_as_default=False) as client,
    ):
        yield lc.scheduler_address, client


def test_dask_engine_on_parquet_matches_local(tmp_path, cluster):
    """engine='dask' with a scheduler address gives the local engine's report, counts included."""
    address, _ = cluster
    ref = _write(tmp_path, "ref", _frame(5_000, 1, 0.0))
    cur = _write(tmp_path, "cur", _frame(4_000, 2, 0.4))
    local = driftkl.compare(ref, cur)
    remote = driftkl.compare(ref, cur, engine="dask", scheduler=address)
    _same(local, remote)
    assert remote.current["rows"] == 4_000
    assert any(f.status == "drift" for f in remote.features)


def test_dask_engine_profile_matches_local(tmp_path, cluster):
    """A reference profile fitted by the dask engine equals the local one (exact quantiles)."""
    address, _ = cluster
    ref = _write(tmp_path, "ref", _frame(6_000, 3, 0.0))
    local = driftkl.profile(ref)
    remote = driftkl.profile(ref, engine="dask", scheduler=address)
    assert [f.to_dict() for f in local.features] == [f.to_dict() for f in remote.features]


def test_dask_dataframe_reference_fits_exact_quantiles_on_the_cluster(cluster):
    """A dask DataFrame reference (length unknown) is fitted in streaming passes on the
    workers; its profile equals the pandas frame's, edges and counts included."""
    address, _ = cluster
    ref = _frame(9_000, 6, 0.0)
    local = driftkl.profile(ref)
    remote = driftkl.profile(dd.from_pandas(ref, npartitions=5), scheduler=address)
    assert [f.to_dict() for f in remote.features] == [f.to_dict() for f in local.features]
    assert remote.feature("n").kind == "categorical"  # few distinct integers, tracked per task
    assert remote.rows == 9_000


def test_dask_engine_streams_a_large_parquet_reference(tmp_path, cluster):
    """Over ``binning.reference_memory_mib`` the dask engine streams too, with the same result."""
    address, _ = cluster
    path = tmp_path / "big.parquet"
    df = _frame(200_000, 7, 0.0)
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path, row_group_size=50_000)
    small_budget = {"reference_memory_mib": 1}  # 200 000 rows x 8 bytes > 1 MiB
    local = driftkl.profile(str(path))
    remote = driftkl.profile(str(path), engine="dask", scheduler=address, binning=small_budget)
    assert [f.to_dict() for f in remote.features] == [f.to_dict() for f in local.features]


def test_dask_dataframe_input_matches_pandas(cluster):
    """A dask DataFrame (several partitions) as current data counts like the pandas frame."""
    address, _ = cluster
    ref = _frame(3_000, 4, 0.0)
    cur = _frame(3_000, 5, 0.3)
    prof = driftkl.profile(ref)
    ddf = dd.from_pandas(cur, npartitions=4)
    _same(driftkl.compare(prof, cur), driftkl.compare(prof, ddf, scheduler=address))


def test_importing_driftkl_does_not_import_dask():
    """`import driftkl` and a local compare leave dask and distributed unimported."""
    code = (
        "import driftkl, pandas as pd\n"
        "driftkl.compare(pd.DataFrame({'a': [1.0, 2.0]}), pd.DataFrame({'a': [1.0, 3.0]}))"
    )
    assert "dask" not in modules_loaded_by(code)
    assert "distributed" not in modules_loaded_by(code)
