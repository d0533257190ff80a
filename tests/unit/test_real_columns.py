"""Real-world columns give a report or a driftkl error that names the column, never a traceback.

Ids and hashes beyond 2**53, nanosecond timestamps with nulls, duplicate or non-Unicode names,
invalid UTF-8 text, time zones on one side only, edges closer than six digits, and millions of
distinct strings.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import driftkl
from driftkl.columns import as_float_seconds, exact_integers, timezone_note
from driftkl.errors import InputError
from driftkl.fitting.accumulate import PYTHON_CATEGORIES_MAX, Accumulator, CategoryCounts
from driftkl.fitting.categorical import fit_categorical

RNG = np.random.default_rng(12)


def _ref_vs_itself(data) -> driftkl.DriftReport:
    return driftkl.compare(data, data)


@pytest.mark.parametrize("dtype", [np.int64, np.uint64])
def test_ids_beyond_2_53_are_binned_and_stay_in_range(dtype):
    """int64/uint64 hashes beyond 2**53 are binned; the reference min and max are in range."""
    top = np.iinfo(dtype).max
    ids = RNG.integers(top // 2, top, 20_000, dtype=dtype, endpoint=True)
    table = pa.table({"h": pa.array(ids)})
    prof = driftkl.profile(table)
    f = prof.features[0]
    assert f.kind == "numeric"
    assert f.counts[0] == f.counts[-2] == f.counts[-1] == 0  # nothing below, above, missing
    assert driftkl.compare(prof, table).features[0].current_counts == f.counts


def test_big_integer_ids_keep_their_own_exact_category():
    """Five ids one apart near 2**60 are five categories labelled exactly, none unseen."""
    ids = pa.table({"id": pa.array(np.repeat(np.arange(5, dtype=np.int64) + 2**60, 30))})
    report = _ref_vs_itself(ids)
    f = report.features[0]
    assert f.labels[:5] == tuple(str(2**60 + i) for i in range(5))
    assert f.current_counts[:5] == (30,) * 5
    assert f.unseen_share == 0.0


def test_int64_sentinels_are_exact_categories():
    """INT64_MIN and INT64_MAX sentinels keep their exact text and are not unseen."""
    values = [-(2**63), 2**63 - 1, 0, 7] * 10
    report = _ref_vs_itself(pa.table({"s": pa.array(values, pa.int64())}))
    f = report.features[0]
    assert "9223372036854775807" in f.labels
    assert "-9223372036854775808" in f.labels
    assert f.unseen_share == 0.0


def test_exact_integers_keep_every_bit_and_count_nulls():
    """exact_integers returns the non-null values unchanged, with the number of nulls."""
    arr = pa.array([2**63 + 1, None, 2**64 - 1], pa.uint64())
    values, nulls = exact_integers(arr)
    assert values.tolist() == [2**63 + 1, 2**64 - 1]
    assert nulls == 1
    assert exact_integers(pa.array([1.5])) is None


@pytest.mark.parametrize("unit", ["ns", "us"])
def test_timestamps_with_nulls_are_counted(unit, tmp_path):
    """timestamp[ns] and [us] with nulls (Arrow and Parquet) count the nulls as missing."""
    base = 1_700_000_000_123_456_789 // (1000 if unit == "us" else 1)
    values = [base + i * 997 for i in range(999)] + [None]
    table = pa.table({"t": pa.array(values, pa.timestamp(unit))})
    path = tmp_path / "t.parquet"
    pq.write_table(table, path)
    for data in (table, str(path)):
        f = _ref_vs_itself(data).features[0]
        assert f.kind == "datetime"
        assert f.current_counts[-1] == 1  # the null
        assert f.reference_counts == f.current_counts


def test_float_seconds_of_nanosecond_timestamps_round_instead_of_failing():
    """as_float_seconds converts ns timestamps with nulls to float seconds, nulls as NaN."""
    arr = pa.array([1_700_000_000_123_456_789, None], pa.timestamp("ns"))
    out = as_float_seconds(arr)
    assert out[0] == pytest.approx(1_700_000_000.123456789, abs=1e-6)
    assert np.isnan(out[1])


@pytest.mark.parametrize("side", ["reference", "current"])
@pytest.mark.parametrize("form", ["pandas", "arrow", "parquet"])
def test_duplicate_column_names_are_refused_naming_them(side, form, tmp_path):
    """Duplicate column names on either side are an InputError naming the duplicates."""
    good = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    if form == "pandas":
        bad = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], columns=["a", "a"])
    else:
        bad = pa.Table.from_arrays([pa.array([1.0, 2.0]), pa.array([3.0, 4.0])], names=["a", "a"])
        if form == "parquet":
            pq.write_table(bad, tmp_path / "dup.parquet")
            bad = str(tmp_path / "dup.parquet")
    args = (bad, good) if side == "reference" else (good, bad)
    with pytest.raises(InputError, match=rf"{side}.*duplicate column names \['a'\].*Hint"):
        driftkl.compare(*args)


def _invalid_utf8_table() -> pa.Table:
    raw = pa.array([b"ok", b"caf\xe9", b"ok", None], pa.binary()).view(pa.string())
    return pa.table({"s": raw})


def test_invalid_utf8_text_becomes_escaped_categories(tmp_path):
    """Invalid UTF-8 values in Parquet are kept as \\xNN-escaped categories on both sides."""
    path = tmp_path / "bad.parquet"
    pq.write_table(_invalid_utf8_table(), path)
    f = _ref_vs_itself(str(path)).features[0]
    assert "caf\\xe9" in f.labels
    assert f.unseen_share == 0.0
    assert f.reference_counts == f.current_counts


def test_invalid_utf8_column_name_in_parquet_names_the_file(tmp_path):
    """A Parquet column name that is not UTF-8 is an InputError naming the file."""
    path = tmp_path / "name.parquet"
    pq.write_table(pa.table({"abcq": [1.0, 2.0]}), path, store_schema=False)
    path.write_bytes(path.read_bytes().replace(b"abcq", b"a\xffcq"))
    with pytest.raises(InputError, match=r"name\.parquet.*not valid UTF-8.*Hint"):
        driftkl.profile(str(path))


def test_lone_surrogates_in_pandas_are_refused_naming_the_column():
    """A lone surrogate in a pandas value or column name is an InputError naming the column."""
    values = pd.DataFrame({"s": pd.Series(["a", "b\ud800"] * 5, dtype=object)})
    with pytest.raises(InputError, match=r"column 's'.*not valid Unicode.*Hint"):
        driftkl.profile(values)
    names = pd.DataFrame([[1.0], [2.0]], columns=pd.Index(["x\ud800"], dtype=object))
    with pytest.raises(InputError, match=r"column named 'x\\ud800'.*not valid Unicode"):
        driftkl.profile(names)


def test_timezone_note_names_the_naive_side():
    """A naive vs aware timestamp pair gets a note naming both sides; same awareness, none."""
    note = timezone_note("timestamp[us, tz=UTC]", pa.timestamp("ns"))
    assert note is not None
    assert "no time zone in the current data" in note
    assert "UTC in the reference" in note
    assert timezone_note("timestamp[us, tz=UTC]", pa.timestamp("ns", tz="Europe/Paris")) is None
    assert timezone_note("double", pa.timestamp("ns", tz="UTC")) is None


def test_edges_closer_than_six_digits_get_distinct_labels():
    """Numeric edges a billionth apart print distinctly; so do datetime edges 1 ns apart."""
    close = pd.DataFrame({"x": [1.0 + i * 1e-9 for i in range(100)]})
    labels = driftkl.profile(close).features[0].bins.labels
    assert len(set(labels)) == len(labels)
    stamps = pd.DataFrame(
        {"t": pd.Timestamp("2026-01-01") + pd.to_timedelta(np.arange(100) * 10, unit="ns")}
    )
    labels = driftkl.profile(stamps).features[0].bins.labels
    assert len(set(labels)) == len(labels)
    assert labels[0] == "< 2026-01-01T00:00:00.000000000Z"  # nanoseconds, as the gaps need


def _distinct_strings(n: int, offset: int = 0) -> pa.Array:
    return pa.array(np.char.add("user-", np.arange(offset, offset + n).astype(str)).tolist())


def test_many_distinct_strings_are_counted_in_arrow_with_bounded_python_memory():
    """300 000 distinct strings are counted in Arrow: few Python objects, exact counts."""
    values = _distinct_strings(300_000)
    tracemalloc.start()
    try:
        prof = driftkl.profile(pa.table({"u": values}), batch_size=20_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    f = prof.features[0]
    assert peak < 40 * 2**20  # a Python string and dict entry each would be about 40 MiB
    assert f.rows == 300_000
    assert f.bins.vocabulary_truncated
    assert len(f.bins.other) == 10_000


def test_arrow_and_dict_category_counts_fit_the_same_bins():
    """The Arrow path (many categories) and the dict path give identical bins and counts."""
    rng = np.random.default_rng(5)
    words = [f"w{int(i)}" for i in rng.zipf(1.3, 50_000) % 5_000]
    counts: dict[str, int] = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    binning = driftkl.load_config({"binning": {"top_k": 20, "max_vocabulary": 300}}).binning_for(
        "w"
    )
    arrow = CategoryCounts.of(dict(list(counts.items())[:1000]))
    arrow.add(pa.array(list(counts)[1000:]), np.array(list(counts.values())[1000:]))
    a = fit_categorical("w", counts, 3, binning)
    b = fit_categorical("w", arrow, 3, binning)
    assert a.bins == b.bins
    assert a.counts.tolist() == b.counts.tolist()
    assert a.notes == b.notes


def test_accumulators_move_to_arrow_and_merge_in_any_order():
    """Accumulators past the dict limit switch to Arrow; any merge order gives one fit."""
    step = PYTHON_CATEGORIES_MAX // 5  # six overlapping batches, about 1.4 limits distinct
    batches = [_distinct_strings(3 * step, offset=i * step) for i in range(6)]
    parts = []
    for arr in batches:
        acc = Accumulator("categorical")
        acc.update(arr)
        parts.append(acc)
    binning = driftkl.load_config().binning_for("u")
    fits = []
    for order in ([0, 1, 2, 3, 4, 5], [5, 3, 1, 0, 4, 2]):
        total = Accumulator("categorical")
        for i in order:
            total.merge(Accumulator("categorical", category_counts=_copy(parts[i])))
        fits.append(fit_categorical("u", total.category_counts, 0, binning))
    assert isinstance(total.category_counts, CategoryCounts)
    assert fits[0].bins == fits[1].bins
    assert fits[0].counts.tolist() == fits[1].counts.tolist()
    assert int(fits[0].counts.sum()) == sum(len(b) for b in batches)


def _copy(acc: Accumulator) -> dict[str, int] | CategoryCounts:
    counts = acc.category_counts
    if isinstance(counts, dict):
        return dict(counts)
    return CategoryCounts(list(counts.values), list(counts.counts), counts.summed)


def test_values_beyond_the_vocabulary_count_as_other_with_a_note():
    """Current values the truncated vocabulary forgot count as (other), and a note says so."""
    ref = pa.table({"u": [f"id{i}" for i in range(3_000)] + ["common"] * 1_000})
    cur = pa.table({"u": [f"id{i}" for i in range(1_500, 4_500)] + ["common"] * 1_000})
    report = driftkl.compare(ref, cur, binning={"top_k": 5, "max_vocabulary": 100})
    f = report.features[0]
    assert f.unseen_share == 0.0
    assert f.current_counts[f.labels.index("(other)")] == 3_000
    assert any("vocabulary truncated" in n and "max_vocabulary" in n for n in f.notes)


def test_null_dictionary_entries_count_as_missing_on_both_sides():
    """Codes pointing at a null dictionary entry are missing in the fit and in counting."""
    values = pa.DictionaryArray.from_arrays(
        pa.array([0, 1, 1, 2, None], pa.int32()), pa.array(["a", None, "b"])
    )
    table = pa.table({"c": values})
    prof = driftkl.profile(table)
    assert prof.features[0].bins.categories == ("a", "b")
    assert prof.features[0].counts == (1, 1, 0, 0, 3)
    assert driftkl.compare(prof, table).features[0].current_counts == prof.features[0].counts


def test_integers_beyond_64_bits_in_pandas_are_refused_naming_the_column():
    """A pandas object column holding a 70-bit integer is an InputError naming the column."""
    frame = pd.DataFrame({"x": pd.Series([2**70, 1, 2], dtype=object)})
    with pytest.raises(InputError, match=r"column 'x'.*beyond 64 bits.*Hint"):
        driftkl.profile(frame)
