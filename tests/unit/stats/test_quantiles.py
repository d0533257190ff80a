"""Exact quantiles in bounded memory: the streaming search equals numpy.quantile bit for bit."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import run_python
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import driftkl
from driftkl.errors import InputError
from driftkl.stats import quantiles
from driftkl.stats.quantiles import StreamingQuantiles, count_windows, linear_quantiles

QS = np.linspace(0.0, 1.0, 11)


def _search(
    x: np.ndarray, qs: np.ndarray = QS, chunks: int = 7, every: int = 1
) -> StreamingQuantiles:
    """Drive a search over ``x`` split into batches, as the streaming fit does."""
    parts = [p[np.isfinite(p)] for p in np.array_split(x, chunks)]
    sq = StreamingQuantiles(np.asarray(qs))
    for p in parts:
        lo, hi = (float(p.min()), float(p.max())) if p.size else (np.inf, -np.inf)
        sq.add_stats(p.size, lo, hi, sq.batch_sketch(p, every))
    sq.start()
    while True:
        if (windows := sq.windows()) is not None:
            for p in parts:
                sq.add_counts(count_windows(windows, p))
            sq.end_count()
        elif (cells := sq.cells()) is not None:
            for p in parts:
                sq.add_gathered(sq.gather_batch(p, cells))
            sq.end_gather()
        else:
            return sq


def _datasets() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    n = 60_000
    return {
        "normal": rng.normal(size=n),
        "few ties": rng.integers(0, 4, n).astype(float),
        "heavy tail": np.exp(3 * rng.normal(size=n)),
        "half zeros": np.where(rng.random(n) < 0.5, 0.0, rng.normal(size=n)),
        "outliers": np.append(rng.normal(size=n), [1e300, -1e300]),
        "tiny steps": 1.0 + np.arange(n) * np.finfo(float).eps,
        "constant": np.full(n, 2.5),
    }


@pytest.mark.parametrize("name", list(_datasets()))
def test_streaming_quantiles_equal_numpy_bit_for_bit(name):
    x = _datasets()[name]
    sq = _search(x)
    assert np.array_equal(sq.quantiles(), np.quantile(x, QS))


@pytest.mark.parametrize("n", [1, 2, 3, 10, 1001])
def test_streaming_quantiles_small_inputs(n):
    x = np.random.default_rng(n).normal(size=n)
    assert np.array_equal(_search(x, chunks=min(n, 3)).quantiles(), np.quantile(x, QS))


def test_refine_pass_when_cells_are_too_big_to_gather(monkeypatch):
    """A cell larger than the gather limit is split and counted again, still exactly."""
    monkeypatch.setattr(quantiles, "GATHER_MAX_VALUES", 50)
    x = np.random.default_rng(5).normal(size=200_000)
    sq = _search(x)
    assert np.array_equal(sq.quantiles(), np.quantile(x, QS))
    assert sq.passes >= 4  # sketch, count, at least one refine count, gather


def test_sketch_miss_widens_the_windows(monkeypatch):
    """Windows too narrow to hold a rank are widened until they do; the answer is exact."""
    monkeypatch.setattr(quantiles, "WINDOW_RANK_ERRORS", 1e-5)
    monkeypatch.setattr(quantiles, "BOUNDARIES_PER_RANK", 2)
    x = np.random.default_rng(6).normal(size=50_000)
    sq = _search(x)
    assert np.array_equal(sq.quantiles(), np.quantile(x, QS))
    assert sq.widening > 1


def test_quantiles_of_refuses_quantiles_not_searched_for():
    sq = _search(np.arange(100.0))
    with pytest.raises(ValueError, match="not searched for"):
        sq.quantiles_of(np.array([0.5]))


@settings(max_examples=200, deadline=None)
@given(
    x=arrays(
        np.float64,
        st.integers(1, 300),
        elements=st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    ),
    qs=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=12),
)
def test_linear_quantiles_equal_numpy(x, qs):
    """The shared interpolation repeats numpy's ``method="linear"`` exactly."""
    s = np.sort(x)
    q = np.asarray(qs)
    assert np.array_equal(linear_quantiles(s.__getitem__, s.size, q), np.quantile(x, q))


@settings(max_examples=60, deadline=None)
@given(
    x=arrays(
        np.float64,
        st.integers(2, 3_000),
        elements=st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=16),
    ),
    chunks=st.integers(1, 9),
)
def test_streaming_quantiles_property(x, chunks):
    """Any data (many ties with half-precision values), any batching: numpy's answer."""
    assert np.array_equal(_search(x, chunks=chunks).quantiles(), np.quantile(x, QS))


# --- the streaming fit inside profile() ------------------------------------------------------


def _table(n: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    x[rng.random(n) < 0.02] = np.nan
    x[:5] = np.inf
    x[5:8] = -np.inf
    return pa.table(
        {
            "x": x,
            "ties": rng.integers(0, 4, n).astype(float),
            "few_ints": pa.array(
                np.where(rng.random(n) < 0.01, None, rng.integers(0, 5, n)), type=pa.int64()
            ),
            "many_ints": rng.integers(0, 10**6, n),
            "heavy": np.exp(3 * rng.normal(size=n)),
            "ts": pa.array(
                (1_700_000_000 + rng.integers(0, 86_400 * 30, n)) * 1_000_000,
                type=pa.timestamp("us"),
            ),
            "s": pa.array(rng.choice(["a", "b", "c"], n)),
        }
    )


@pytest.fixture(scope="module")
def big_reference(tmp_path_factory):
    """300k rows: 2.3 MiB per numeric column, over a 1 MiB budget."""
    path = tmp_path_factory.mktemp("stream") / "ref.parquet"
    pq.write_table(_table(300_000, 11), path, row_group_size=70_000)
    return str(path)


def _features(prof: driftkl.Profile) -> list[dict]:
    return [f.to_dict() for f in prof.features]


@pytest.mark.parametrize(("threads", "batch_size"), [(1, 131_072), (2, 9_999), (3, 50_000)])
def test_streamed_profile_equals_in_memory_profile(big_reference, threads, batch_size):
    """Edges and counts of every column are identical on both paths."""
    in_memory = driftkl.profile(big_reference)
    streamed = driftkl.profile(
        big_reference,
        binning={"reference_memory_mib": 1},
        threads=threads,
        batch_size=batch_size,
    )
    assert _features(streamed) == _features(in_memory)
    kinds = {f.name: f.kind for f in streamed.features}
    assert kinds == {
        "x": "numeric",
        "ties": "numeric",
        "few_ints": "categorical",
        "many_ints": "numeric",
        "heavy": "numeric",
        "ts": "datetime",
        "s": "categorical",
    }


@pytest.mark.parametrize(
    "binning",
    [
        {"method": "uniform", "bins": 7},
        {"bins": 40, "min_count": 20_000},
    ],
)
def test_streamed_profile_equals_in_memory_with_other_binning(big_reference, binning):
    in_memory = driftkl.profile(big_reference, binning=binning)
    streamed = driftkl.profile(big_reference, binning={**binning, "reference_memory_mib": 1})
    assert _features(streamed) == _features(in_memory)


def test_streamed_profile_with_explicit_edges(big_reference):
    columns = {"x": {"edges": [-1.0, 0.0, 1.0]}}
    in_memory = driftkl.profile(big_reference, columns=columns)
    streamed = driftkl.profile(big_reference, columns=columns, binning={"reference_memory_mib": 1})
    assert _features(streamed) == _features(in_memory)
    assert streamed.feature("x").bins.edges == (-1.0, 0.0, 1.0)


def test_streamed_all_missing_column_is_the_same_clear_error(tmp_path):
    n = 200_000
    path = tmp_path / "nan.parquet"
    pq.write_table(pa.table({"empty": np.full(n, np.nan), "ok": np.arange(n, dtype=float)}), path)
    with pytest.raises(InputError, match=r"column 'empty' .* has no finite values"):
        driftkl.profile(str(path), binning={"reference_memory_mib": 1})


def test_streamed_compare_gives_the_same_report(big_reference, tmp_path):
    cur = tmp_path / "cur.parquet"
    pq.write_table(_table(100_000, 12), cur)
    a = driftkl.compare(big_reference, str(cur)).to_dict(bins=True)
    b = driftkl.compare(big_reference, str(cur), binning={"reference_memory_mib": 1}).to_dict(
        bins=True
    )
    for d in (a, b):
        d.pop("created_at", None)
        d.pop("duration_seconds", None)
    assert a["features"] == b["features"]


def test_streamed_fit_memory_does_not_grow_with_the_column(tmp_path):
    """Peak memory while streaming a 92 MiB column stays near that of merely decoding it.

    Measured in a fresh process with ``VmHWM`` (``ru_maxrss`` would carry the test runner's
    peak across ``exec``): warm up, decode the file once, then fit it in streaming passes.
    """
    path = tmp_path / "long.parquet"
    n = 12_000_000
    x = np.random.default_rng(9).normal(size=n)
    pq.write_table(pa.table({"x": x}), path, row_group_size=1_000_000)
    del x
    code = """
import re, sys
import numpy as np, pyarrow as pa, pyarrow.parquet as pq
import driftkl

def peak_mib():
    status = open("/proc/self/status").read()
    return int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1)) // 1024

small = pa.table({"x": np.random.default_rng(1).normal(size=200_000)})
driftkl.profile(small, binning={"reference_memory_mib": 1}, threads=2)  # warm-up, 1.6 MB
start = peak_mib()
for _ in pq.ParquetFile(sys.argv[1], pre_buffer=False).iter_batches(batch_size=131_072):
    pass
decoded = peak_mib()
prof = driftkl.profile(sys.argv[1], binning={"reference_memory_mib": 1}, threads=2)
assert prof.rows == 12_000_000
print(decoded - start, peak_mib() - start)
"""
    out = run_python(code, path)
    assert out.returncode == 0, out.stderr
    decode_growth, fit_growth = (int(v) for v in out.stdout.split())
    # holding the column would add at least 92 MiB over decoding it
    assert fit_growth < decode_growth + 32, (decode_growth, fit_growth)


def test_batch_sketch_takes_read_only_and_strided_arrays():
    """Arrow hands out read-only views; the sketch binding needs writable contiguous data."""
    x = np.arange(20.0)
    x.flags.writeable = False
    blob = StreamingQuantiles.batch_sketch(x[::2])
    sq = StreamingQuantiles(QS)
    sq.add_stats(10, 0.0, 18.0, blob)
    sq.start()
    assert sq.sketched_values == 10


def test_sampled_sketch_gives_the_same_profile(big_reference, monkeypatch):
    """Past SKETCH_SAMPLE values the sketch sees a sample; edges and counts do not change."""
    monkeypatch.setattr(quantiles, "SKETCH_SAMPLE", 10_000)  # 300 000 rows: one value in 30
    assert quantiles.sketch_every(300_000) == 30
    in_memory = driftkl.profile(big_reference)
    streamed = driftkl.profile(big_reference, binning={"reference_memory_mib": 1})
    assert _features(streamed) == _features(in_memory)


def test_sampled_sketch_on_periodic_rows_is_still_exact():
    """Rows that repeat with the sampling period cannot fool the search (positions are
    pseudo-random, and a missed window is widened)."""
    n = 240_000
    x = np.tile(np.arange(30.0), n // 30) + np.repeat(np.linspace(0, 1, n // 30), 30)
    sq = _search(x, chunks=6, every=30)
    assert np.array_equal(sq.quantiles(), np.quantile(x, QS))
