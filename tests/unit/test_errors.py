"""The bad-input catalogue: each problem gets a clear error naming column/file and a fix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import driftkl
from driftkl import (
    ColumnNotFoundError,
    InputError,
    SchemaMismatchError,
    UnbinnableTypeError,
)

REF = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "c": ["x", "y", "x", "y"]})


def test_empty_reference():
    """An empty reference names the side and suggests checking the data."""
    with pytest.raises(InputError, match="reference DataFrame has no rows.*Hint"):
        driftkl.compare(REF.iloc[:0], REF)


def test_empty_current_parquet(tmp_path):
    """An empty current file names the file."""
    REF.iloc[:0].to_parquet(tmp_path / "empty.parquet")
    with pytest.raises(InputError, match=r"current '.*empty\.parquet' has no rows"):
        driftkl.compare(REF, tmp_path / "empty.parquet")


def test_all_nan_reference_column():
    """A reference column with no values cannot be binned; the message says how to exclude it."""
    ref = REF.assign(a=np.nan)
    with pytest.raises(InputError, match=r"column 'a'.*no finite values.*exclude: \[a\]"):
        driftkl.compare(ref, REF)


def test_all_nan_current_column_is_reported_as_drift():
    """A current column that turned all-missing is drift, with a note, not an error."""
    report = driftkl.compare(REF, REF.assign(a=np.nan))
    assert report["a"].missing_share == 1.0
    assert report["a"].status == "ok"  # 4 vs 4 rows: p = 0.029, not significant at 0.01
    report = driftkl.compare(REF, REF.assign(a=np.nan), significance={"enabled": False})
    assert report["a"].status == "drift"
    assert "every current value is missing (NaN/null)" in report["a"].notes


def test_constant_reference_column_is_noted_and_works():
    """A constant reference column gets one bin and a note; other values are out of range."""
    ref = pd.DataFrame({"a": [5.0] * 10})
    cur = pd.DataFrame({"a": [5.0] * 5 + [6.0] * 5})
    report = driftkl.compare(ref, cur, significance={"enabled": False})  # 10 rows: p = 0.03
    f = report["a"]
    assert any("constant in the reference" in n for n in f.notes)
    assert f.labels == ("< 5", "[5, 5]", "> 5", "missing")
    assert f.out_of_range_share == 0.5
    assert f.status == "drift"


def test_infinities_are_counted_in_tails_and_noted():
    """±inf never becomes a NaN/inf result: it is counted in the tail bins."""
    ref = pd.DataFrame({"a": [1.0, 2.0, np.inf, -np.inf, 3.0]})
    report = driftkl.compare(ref, ref)
    f = report["a"]
    assert f.reference_counts[0] == 1
    assert f.reference_counts[-2] == 1
    assert any("2 infinite reference value(s)" in n for n in f.notes)
    assert np.isfinite(f.metrics["kl_divergence"].value)


def test_column_missing_on_current_side():
    """A profiled column absent from the current data is a schema change; the rest is checked."""
    report = driftkl.compare(REF, REF[["a"]])
    assert [(c.column, c.change, c.status) for c in report.schema_changes] == [
        ("c", "missing", "drift")
    ]
    assert [f.name for f in report.features] == ["a"]
    with pytest.raises(ColumnNotFoundError, match=r"'c' missing from the current.*Hint:"):
        driftkl.compare(REF, REF[["a"]], on_schema_change="fail")


def test_include_unknown_column():
    """An include list naming an absent column is an error."""
    with pytest.raises(ColumnNotFoundError, match=r"\['zz'\] from include"):
        driftkl.compare(REF, REF, include=["zz"])


def test_dtype_mismatch_between_sides():
    """Numeric in the reference and text in the current is a schema mismatch."""
    cur = REF.assign(a=["1", "2", "3", "4"])
    with pytest.raises(SchemaMismatchError, match=r"'a' type changed: double → string"):
        driftkl.compare(REF, cur, on_schema_change="fail")
    cur = REF.assign(c=[1.5, 2.5, 3.5, 4.5])
    (change,) = driftkl.compare(REF, cur).schema_changes
    assert (change.change, change.reference_type, change.current_type) == (
        "type_changed",
        "string",
        "double",
    )


def test_int_vs_float_is_compatible():
    """Integers in the current data against a float reference are fine."""
    report = driftkl.compare(REF, REF.assign(a=[1, 2, 3, 4]))
    assert report["a"].status == "ok"


def test_integer_categorical_vs_float_with_nulls_is_compatible():
    """An integer column that became float64 with NaN still matches its integer categories."""
    ref = pd.DataFrame({"n": [1, 2, 3] * 50})
    cur = pd.DataFrame({"n": [1.0, 2.0, np.nan, 3.0, 2.5, 1.0] * 25})
    f = driftkl.compare(ref, cur)["n"]
    assert f.kind == "categorical"
    assert f.labels == ("1", "2", "3", "(other)", "(unseen)", "missing")
    assert f.current_counts == (50, 25, 25, 0, 25, 25)  # 2.5 is unseen, NaN is missing


def test_mixed_type_object_column():
    """An object column mixing numbers and strings names the types and the cast to use."""
    ref = pd.DataFrame({"m": pd.Series([1, "a", 2.5, None], dtype=object)})
    with pytest.raises(InputError, match=r"column 'm'.*mixes value types.*astype\(str\)"):
        driftkl.compare(ref, ref)


def test_unbinnable_type():
    """Nested types are rejected with the column, the type and the fix."""
    table = pa.table({"l": pa.array([[1, 2], [3]]), "a": [1.0, 2.0]})
    with pytest.raises(UnbinnableTypeError, match=r"column 'l'.*list<.*exclude"):
        driftkl.compare(table, table)
    assert issubclass(UnbinnableTypeError, TypeError)


def test_corrupt_parquet(tmp_path):
    """A file that is not Parquet names the file and the likely cause."""
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"this is not parquet at all" * 10)
    with pytest.raises(InputError, match=r"bad\.parquet.*truncated"):
        driftkl.compare(REF, bad)


def test_truncated_parquet(tmp_path):
    """A truncated Parquet file is reported with its name."""
    good = tmp_path / "good.parquet"
    pq.write_table(pa.Table.from_pandas(REF), good)
    data = good.read_bytes()
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"cut\.parquet"):
        driftkl.compare(REF, cut)


def test_missing_path_and_empty_glob(tmp_path):
    """Nonexistent paths and globs matching nothing are clear errors."""
    with pytest.raises(InputError, match="does not exist"):
        driftkl.compare(REF, tmp_path / "nope.parquet")
    with pytest.raises(InputError, match="no files match"):
        driftkl.compare(REF, str(tmp_path / "*.parquet"))


def test_wrong_input_type():
    """A list is not accepted as data."""
    with pytest.raises(InputError, match="must be a pandas DataFrame"):
        driftkl.compare([1, 2, 3], REF)


def test_filter_on_unknown_column(tmp_path):
    """A row filter naming an absent column is named."""
    REF.to_parquet(tmp_path / "r.parquet")
    with pytest.raises(InputError, match=r"filter names column\(s\) \['dt'\]"):
        driftkl.compare(tmp_path / "r.parquet", tmp_path / "r.parquet", filter=[["dt", "==", "x"]])


def test_missing_extra_error_names_pip_line():
    """MissingExtraError is an ImportError whose message is the pip install line."""
    err = driftkl.MissingExtraError("prometheus", "Pushing metrics")
    assert isinstance(err, ImportError)
    assert "pip install 'driftkl[prometheus]'" in str(err)
