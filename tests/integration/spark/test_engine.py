"""The Spark engine gives the local engine's profiles and reports, bit for bit, on real Spark."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import run_cli

import driftkl

pytestmark = pytest.mark.spark


def _table(n: int, seed: int, shift: float) -> pa.Table:
    """Numeric with nulls, NaN and ±inf; strings; integers with nulls; naive and UTC times."""
    rng = np.random.default_rng(seed)
    x = rng.normal(shift, 1.0, n)
    x[rng.random(n) < 0.03] = np.nan
    x[rng.random(n) < 0.01] = np.inf
    x[rng.random(n) < 0.01] = -np.inf
    x_mask = rng.random(n) < 0.02  # nulls besides the NaNs
    cats = np.array(["a", "b", "c", "d", "é"], dtype=object)
    s = cats[rng.integers(0, 5 if shift == 0 else 4, n)]
    if shift:
        s[rng.random(n) < 0.05] = "new"
    s_mask = rng.random(n) < 0.04
    level = rng.integers(0, 6, n)
    wide = rng.integers(-(10**12), 10**12, n)
    seconds = rng.integers(0, 30 * 86_400, n) + int(shift * 86_400)
    ts = np.datetime64("2026-11-01", "us") + seconds.astype("timedelta64[s]")
    return pa.table(
        {
            "x": pa.array(x, mask=x_mask),
            "y": pa.array(rng.exponential(1.0 + shift, n)),
            "s": pa.array(s, pa.string(), mask=s_mask),
            "level": pa.array(level, mask=rng.random(n) < 0.05),
            "wide": pa.array(wide, mask=rng.random(n) < 0.05),
            "ts": pa.array(ts, pa.timestamp("us"), mask=rng.random(n) < 0.02),
            "ts_utc": pa.array(ts, pa.timestamp("us", tz="UTC")),
        }
    )


def _write(tmp_path, name: str, table: pa.Table, row_group_size: int = 1_500) -> str:
    path = tmp_path / f"{name}.parquet"
    pq.write_table(table, path, row_group_size=row_group_size)
    return str(path)


def _features(prof: driftkl.Profile) -> list[dict]:
    return [f.to_dict() for f in prof.features]


def _same_reports(a: driftkl.DriftReport, b: driftkl.DriftReport, *, sources: bool) -> None:
    da, db = a.to_dict(), b.to_dict()
    for key in ("created_at", "duration_seconds"):
        da.pop(key), db.pop(key)
    for d in (da, db):
        d["reference"].pop("profile_hash")  # hashes the profile's created_at (seconds) too
        if not sources:
            d["current"].pop("source"), d["reference"].pop("source")
    assert da == db


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A reference and a drifted current Parquet file, several row groups each."""
    tmp = tmp_path_factory.mktemp("spark-files")
    return _write(tmp, "ref", _table(6_000, 1, 0.0)), _write(tmp, "cur", _table(5_000, 2, 0.5))


def test_profile_from_parquet_is_identical_to_local_and_dask(files, spark):
    """A Spark-fitted profile equals the local and dask ones: bins, edges, counts, dtypes."""
    ref, _ = files
    local = driftkl.profile(ref)
    on_spark = driftkl.profile(ref, engine="spark", spark=spark)
    on_dask = driftkl.profile(ref, engine="dask")
    assert _features(on_spark) == _features(local) == _features(on_dask)
    assert on_spark.source == local.source  # description, dtypes and schema fingerprint
    assert on_spark.config == local.config  # execution settings are not recorded
    assert on_spark.rows == 6_000
    kinds = {f.name: f.kind for f in on_spark.features}
    assert kinds == {
        "x": "numeric",
        "y": "numeric",
        "s": "categorical",
        "level": "categorical",
        "wide": "numeric",
        "ts": "datetime",
        "ts_utc": "datetime",
    }


def test_compare_on_spark_gives_the_local_report(files, spark):
    """compare() reading both files with Spark gives the local report, statuses and counts."""
    ref, cur = files
    local = driftkl.compare(ref, cur)
    on_spark = driftkl.compare(ref, cur, engine="spark", spark=spark)
    _same_reports(local, on_spark, sources=True)
    assert on_spark.current["rows"] == 5_000
    assert on_spark["s"].status == "drift"  # the unseen category "new"


def test_partitioning_does_not_change_the_profile(files, spark):
    """One partition or seven, the profile of a Spark DataFrame is the same."""
    ref, _ = files
    frame = spark.read.parquet(ref)
    one = driftkl.profile(frame.repartition(1))
    seven = driftkl.profile(frame.repartition(7))
    assert _features(one) == _features(seven) == _features(driftkl.profile(ref))


def test_spark_dataframe_input_on_both_sides(files, spark):
    """Spark DataFrames as reference and current give the report of the Parquet files."""
    ref, cur = files
    report = driftkl.compare(spark.read.parquet(ref), spark.read.parquet(cur).repartition(3))
    _same_reports(driftkl.compare(ref, cur), report, sources=False)
    assert report.current["source"] == "the current Spark DataFrame"


def test_streaming_quantiles_forced_by_a_small_memory_budget(tmp_path, spark):
    """Over reference_memory_mib the Spark fit streams (sketch, windows, gather): same edges."""
    path = _write(tmp_path, "big", _table(150_000, 7, 0.0), row_group_size=40_000)
    budget = {"reference_memory_mib": 1}  # 150 000 rows x 8 bytes > 1 MiB
    local = driftkl.profile(path, binning=budget)
    frame = spark.read.parquet(path).repartition(4)
    on_spark = driftkl.profile(frame, binning=budget)
    assert _features(on_spark) == _features(local)
    assert _features(local) == _features(driftkl.profile(path))  # streaming is exact


def test_hive_partitioned_dataset_with_a_filter(tmp_path, spark):
    """A hive dataset filtered on its keys: Spark prunes folders, counts match the local read."""
    root = tmp_path / "orders"
    for region, shift in (("eu", 0.0), ("us", 0.0), ("apac", 2.0)):
        for part in (1, 2):
            folder = root / f"region={region}" / f"part={part}"
            folder.mkdir(parents=True)
            table = _table(1_000, hash((region, part)) % 1000, shift)
            pq.write_table(table, folder / "data.parquet", row_group_size=400)
    config = {"filter": [["region", "in", ["eu", "us"]], ["part", ">=", 1]]}
    local = driftkl.profile(str(root), config=config)
    on_spark = driftkl.profile(str(root), config=config, engine="spark", spark=spark)
    assert on_spark.rows == local.rows == 4_000  # apac filtered out
    assert _features(on_spark) == _features(local)
    assert on_spark.source == local.source
    assert {"region", "part"} <= set(on_spark.names)


@pytest.mark.usefixtures("spark")  # getOrCreate joins the running local[2] session
def test_spark_config_block_builds_the_session(files):
    """The YAML-style spark block (master, app_name, conf) is enough to run on Spark."""
    ref, cur = files
    config = {"engine": "spark", "spark": {"master": "local[2]", "app_name": "driftkl-tests"}}
    report = driftkl.compare(ref, cur, config=config)
    _same_reports(driftkl.compare(ref, cur), report, sources=True)


def test_a_failing_spark_job_names_the_columns_and_carries_sparks_message(files, spark):
    """A Spark job that fails surfaces Spark's own message and the columns being read."""
    from pyspark.sql import functions as F  # noqa: N812, PLC0415 - Spark's convention

    ref, _ = files
    frame = spark.read.parquet(ref).withColumn(
        "y", F.when(F.col("y") > 3, F.raise_error(F.lit("bad reading in y"))).otherwise(F.col("y"))
    )
    with pytest.raises(driftkl.InputError, match=r"(?s)Spark failed on .*'y'.*bad reading in y"):
        driftkl.profile(frame)


def test_a_missing_path_is_an_input_error(tmp_path, spark):
    """A path Spark cannot find is an InputError naming it, not a Java stack trace."""
    missing = str(tmp_path / "nope.parquet")
    with pytest.raises(driftkl.InputError, match=r"Spark cannot read Parquet data from .*nope"):
        driftkl.profile(missing, engine="spark", spark=spark)


def test_in_memory_data_runs_on_spark_as_shipped_partitions(files, spark):
    """A pyarrow table on engine='spark' is shipped as partitions: the local report again."""
    ref, cur = files
    ref_t, cur_t = pq.read_table(ref), pq.read_table(cur)
    local = driftkl.compare(ref_t, cur_t, batch_size=700)
    on_spark = driftkl.compare(ref_t, cur_t, batch_size=700, engine="spark", spark=spark)
    _same_reports(local, on_spark, sources=True)


def test_cli_engine_spark(files):
    """`driftkl compare --engine spark` starts its own local Spark and prints the local report."""
    ref, cur = files
    proc = run_cli("compare", ref, cur, "--engine", "spark", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    on_cli = json.loads(proc.stdout)
    local = driftkl.compare(ref, cur).to_dict()
    assert on_cli["features"] == local["features"]
    assert on_cli["current"]["rows"] == 5_000


def test_a_live_session_is_kept_in_the_config_and_never_copied(spark):
    """spark=<SparkSession> is used as is and left out of the config's plain form."""
    cfg = driftkl.load_config(None, engine="spark", spark=spark)
    assert cfg.execution.spark.session is spark
    assert cfg.to_dict()["spark"]["session"] is None
    assert "spark" not in cfg.recorded()
