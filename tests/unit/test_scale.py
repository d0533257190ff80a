"""Streaming core: identical counts whatever the batch size, thread count or column grouping."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

import driftkl
import driftkl.sources
from driftkl import progress
from driftkl.fitting.plan import fit_passes
from driftkl.model.bins import CategoricalBins, NumericBins


def _table(n: int, seed: int, shift: float = 0.0) -> pa.Table:
    rng = np.random.default_rng(seed)
    x = rng.normal(shift, 1.0, n)
    x[rng.random(n) < 0.03] = np.nan
    x[rng.random(n) < 0.005] = np.inf
    x[rng.random(n) < 0.005] = -np.inf
    words = np.array(["alpha", "beta", "gamma", "delta", "eps"] + [f"w{i}" for i in range(60)])
    s = words[rng.zipf(1.5, n) % len(words)].astype(object)
    s[rng.random(n) < 0.02] = None
    return pa.table(
        {
            "x": x,
            "ties": np.round(rng.normal(0, 1, n), 1),  # many tied quantiles
            "few": rng.integers(0, 6, n),  # integer -> categorical
            "many": rng.integers(0, 10_000, n),  # integer -> numeric
            "s": pa.array(s, type=pa.string()),
            "t": pa.array(
                (1_700_000_000 + rng.integers(0, 86_400 * 30, n)) * 1_000_000,
                type=pa.timestamp("us"),
            ),
        }
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A reference and a drifted current Parquet file with several row groups."""
    root = tmp_path_factory.mktemp("scale")
    ref, cur = root / "ref.parquet", root / "cur.parquet"
    pq.write_table(_table(20_000, 1), ref, row_group_size=3_000)
    pq.write_table(_table(15_000, 2, shift=0.3), cur, row_group_size=4_000)
    return str(ref), str(cur)


def _features(prof: driftkl.Profile) -> list[dict]:
    return [f.to_dict() for f in prof.features]


def _counts(report: driftkl.DriftReport) -> list:
    return [(f.name, f.to_dict()["bins"]) for f in report.features]


@pytest.mark.parametrize("threads", [1, 2, 5])
@pytest.mark.parametrize("batch_size", [1_000, 4_099, 131_072])
def test_profile_identical_for_any_batch_size_and_threads(files, batch_size, threads):
    """Profiles (edges and counts) do not depend on batch size or thread count."""
    ref, _ = files
    base = _features(driftkl.profile(ref, threads=1, batch_size=131_072))
    assert _features(driftkl.profile(ref, threads=threads, batch_size=batch_size)) == base


@pytest.mark.parametrize("threads", [1, 3])
@pytest.mark.parametrize("batch_size", [777, 131_072])
def test_compare_counts_identical_for_any_batch_size_and_threads(files, batch_size, threads):
    """Current counts are bit-for-bit the same for any batch size and thread count."""
    ref, cur = files
    prof = driftkl.profile(ref)
    base = _counts(driftkl.compare(prof, cur, threads=1))
    got = _counts(driftkl.compare(prof, cur, threads=threads, batch_size=batch_size))
    assert got == base


def test_parquet_and_in_memory_table_give_the_same_profile(files):
    """Dictionary-coded Parquet reading counts exactly like the in-memory Arrow table."""
    ref, _ = files
    assert _features(driftkl.profile(ref)) == _features(driftkl.profile(pq.read_table(ref)))


def test_column_groups_under_a_tiny_memory_budget_give_the_same_profile(files):
    """Fitting one numeric column per pass (small memory budget) changes nothing."""
    ref, _ = files
    base = _features(driftkl.profile(ref))
    assert fit_passes(
        ["x", "ties", "s"], {"x": "numeric", "ties": "numeric", "s": "categorical"}, 10, 1
    ) == [["x"], ["ties"], ["s"]]
    # 20 000 rows: 160 kB per numeric column, so a 1 MiB budget holds 6 columns per pass
    assert fit_passes(
        [f"c{i}" for i in range(8)],
        dict.fromkeys([f"c{i}" for i in range(8)], "numeric"),
        20_000,
        2**20,
    ) == [
        [f"c{i}" for i in range(6)],
        ["c6", "c7"],
    ]
    assert _features(driftkl.profile(ref, binning={"reference_memory_mib": 1})) == base


def _searchsorted_counts(edges: tuple[float, ...], x: np.ndarray) -> np.ndarray:
    """The straightforward reference implementation of numeric counting."""
    e = np.asarray(edges)
    k = max(len(e) - 1, 1)
    nan = np.isnan(x)
    v = x[~nan]
    if len(e) == 1:
        pos = np.where(v == e[0], 1, np.where(v < e[0], 0, 2))
    else:
        pos = np.searchsorted(e, v, side="right")
        pos[v == e[-1]] = k
    return np.append(np.bincount(pos, minlength=k + 2), nan.sum())


values = st.lists(
    st.one_of(
        st.floats(-5, 5, allow_nan=False),
        st.sampled_from([0.0, 1.0, -1.0, np.nan, np.inf, -np.inf]),
    ),
    max_size=300,
)


@settings(max_examples=150, deadline=None)
@given(
    values,
    st.lists(st.floats(-4, 4, allow_nan=False), min_size=1, max_size=40, unique=True),
)
def test_numeric_counting_paths_agree(xs, raw_edges):
    """Compare-per-edge, searchsorted and sorted counting give the same integers."""
    edges = tuple(sorted(raw_edges))
    spec = NumericBins(edges=edges)
    x = np.asarray(xs, dtype=np.float64)
    expected = _searchsorted_counts(edges, x)
    assert spec.count_values(x).tolist() == expected.tolist()
    sorted_counts = spec.count_sorted(np.sort(x[~np.isnan(x)]))
    assert sorted_counts[:-1].tolist() == expected[:-1].tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "zz", "new", None]), max_size=200))
def test_categorical_counting_on_dictionary_codes(xs):
    """Dictionary-coded counting puts each value in its category, other, unseen or missing."""
    spec = CategoricalBins(categories=("a", "b"), other=("c",))
    got = spec.count(pa.array(xs, type=pa.string()).dictionary_encode())
    expected = [
        xs.count("a"),
        xs.count("b"),
        xs.count("c"),
        xs.count("zz") + xs.count("new"),
        xs.count(None),
    ]
    assert got.tolist() == expected
    assert spec.count(pa.array(xs, type=pa.string())).tolist() == expected


def test_dictionary_with_a_null_value_counts_as_missing():
    """A null inside an Arrow dictionary (not just a null code) lands in the missing bin."""
    arr = pa.DictionaryArray.from_arrays(pa.array([0, 1, 1, 0]), pa.array(["a", None]))
    assert CategoricalBins(categories=("a",)).count(arr).tolist() == [2, 0, 0, 2]


def test_progress_bar_is_off_when_stderr_is_not_a_tty(monkeypatch):
    """should_show is False for a pipe or file and True only for a terminal."""
    for var in progress.AIRFLOW_ENV:  # Airflow's dag.test() leaves these in os.environ
        monkeypatch.delenv(var, raising=False)

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert progress.should_show(io.StringIO()) is False
    assert progress.should_show(Tty()) is True


def test_progress_bar_is_off_in_airflow_tasks(monkeypatch):
    """Inside an Airflow task (AIRFLOW_CTX_* set) no bar is drawn even on a terminal."""

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("AIRFLOW_CTX_DAG_ID", "daily")
    assert progress.should_show(Tty()) is False


def test_progress_bar_draws_rows_and_percent():
    """An active bar receives every row processed and shows the percentage done."""
    out = io.StringIO()
    with progress.reporting(progress.ProgressBar(out, min_interval=0.0)):
        driftkl.profile(pd.DataFrame({"x": np.arange(1000.0)}), batch_size=100, threads=2)
    text = out.getvalue()
    assert "100%" in text
    assert "1,000/1,000 rows" in text


def test_cli_writes_no_progress_to_a_pipe(files):
    """The CLI's stderr, when piped, holds no progress bar (no carriage returns)."""
    ref, cur = files
    proc = run_cli("compare", ref, cur, "--threads", "2")
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr
    assert "rows/s" not in proc.stderr


def test_folder_of_files_counts_like_one_file(files, tmp_path):
    """A folder of Parquet parts (streamed file by file) counts exactly like the whole file."""
    ref, cur = files
    table = pq.read_table(cur)
    folder = tmp_path / "parts"
    folder.mkdir()
    for i, start in enumerate(range(0, table.num_rows, 4_000)):
        pq.write_table(table.slice(start, 4_000), folder / f"part-{i}.parquet")
    prof = driftkl.profile(ref)
    source = driftkl.sources.open_source(str(folder), side="current")
    assert source.files is not None and len(source.files) == 4
    assert _counts(driftkl.compare(prof, str(folder))) == _counts(driftkl.compare(prof, cur))
