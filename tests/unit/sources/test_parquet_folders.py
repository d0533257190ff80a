"""Parquet folders whose files differ, change or vanish: unified, or an error naming the file."""

from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import driftkl
from driftkl.errors import InputError
from driftkl.sources import open_source
from driftkl.sources.parquet_files import read_error

if TYPE_CHECKING:
    from pathlib import Path


def _folder(tmp_path: Path, *tables: pa.Table) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for i, table in enumerate(tables):
        pq.write_table(table, folder / f"part{i}.parquet")
    return folder


def _read(source, column: str) -> list:
    return [v for batch in source.batches([column]) for v in batch.column(0).to_pylist()]


def test_a_column_added_later_is_checked_with_nulls_before(tmp_path):
    """A column only the second file has is in the schema, null in the first file's rows."""
    folder = _folder(
        tmp_path,
        pa.table({"a": [1.0, 2.0, 3.0]}),
        pa.table({"a": [4.0, 5.0], "b": ["x", "y"]}),
    )
    source = open_source(str(folder), side="current")
    assert source.schema.names == ["a", "b"]
    assert _read(source, "b") == [None, None, None, "x", "y"]
    prof = driftkl.profile(str(folder))
    assert prof.feature("b").counts[-1] == 3  # the first file's rows, missing


@pytest.mark.parametrize(
    ("first", "second", "unified"),
    [
        (pa.int32(), pa.int64(), "int64"),
        (pa.string(), pa.large_string(), "string"),
        (pa.dictionary(pa.int8(), pa.string()), pa.string(), "string"),
        (pa.timestamp("ms"), pa.timestamp("ns"), "timestamp[ns]"),
    ],
    ids=["int32+int64", "string+large_string", "dictionary+string", "ms+ns"],
)
def test_unifiable_types_are_unified(first, second, unified, tmp_path):
    """int32/int64, string/large_string/dictionary and timestamp units unify across files."""
    values = [1, 2] if not pa.types.is_string(second) else ["x", "y"]
    folder = _folder(
        tmp_path,
        pa.table({"c": pa.array(values).cast(first)}),
        pa.table({"c": pa.array(values).cast(second)}),
    )
    prof = driftkl.profile(str(folder))
    assert prof.features[0].dtype == unified
    assert prof.rows == 4
    report = driftkl.compare(prof, str(folder))
    assert report.features[0].current_counts == prof.features[0].counts


def test_types_that_cannot_be_unified_name_the_file_and_column(tmp_path):
    """A number in one file and text in the next: the error names the second file and column."""
    folder = _folder(
        tmp_path, pa.table({"c": pa.array([1, 2], pa.int32())}), pa.table({"c": ["x", "y"]})
    )
    with pytest.raises(InputError, match=r"column 'c' is string in file '.*part1\.parquet'"):
        driftkl.profile(str(folder))


def test_values_that_do_not_fit_the_unified_type_name_the_file(tmp_path):
    """uint64 values beyond int64 in the second file: the error names it, the column, the types."""
    folder = _folder(
        tmp_path,
        pa.table({"h": pa.array([1, 2], pa.int64())}),
        pa.table({"h": pa.array([2**63 + 5, 3], pa.uint64())}),
    )
    with pytest.raises(InputError, match=r"column 'h' of file '.*part1\.parquet' is uint64.*int64"):
        driftkl.profile(str(folder))


def test_a_file_deleted_after_listing_is_named(tmp_path):
    """A file removed between listing and reading: an InputError naming it, and why."""
    folder = _folder(tmp_path, pa.table({"a": [1.0, 2.0]}), pa.table({"a": [3.0]}))
    source = open_source(str(folder), side="current")
    (folder / "part1.parquet").unlink()
    with pytest.raises(InputError, match=r"part1\.parquet.*deleted or renamed.*Hint"):
        _read(source, "a")


def test_a_file_replaced_after_listing_is_refused(tmp_path):
    """A file rewritten with other columns after listing is refused by name, not misread."""
    folder = _folder(tmp_path, pa.table({"a": [1.0, 2.0]}), pa.table({"a": [3.0]}))
    source = open_source(str(folder), side="current")
    pq.write_table(pa.table({"z": ["new"]}), folder / "part1.parquet")
    with pytest.raises(InputError, match=r"part1\.parquet.*was replaced after the folder"):
        _read(source, "a")


def test_a_truncated_file_in_a_folder_is_named(tmp_path):
    """A half-written file in a folder: the error names that file and says it is truncated."""
    folder = _folder(tmp_path, pa.table({"a": [1.0, 2.0]}), pa.table({"a": [3.0]}))
    path = folder / "part1.parquet"
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(InputError, match=r"part1\.parquet.*truncated, empty or not Parquet"):
        driftkl.profile(str(folder))


def test_read_errors_say_what_went_wrong():
    """Permission, deletion, folders and cast failures get their own message and fix."""
    denied = read_error("file 'x.parquet'", PermissionError(errno.EACCES, "Permission denied"))
    assert "permission denied reading file 'x.parquet'" in str(denied)
    assert "truncated" not in str(denied)
    gone = read_error("file 'x.parquet'", OSError(errno.ENOENT, "No such file"))
    assert "deleted or renamed" in str(gone)
    cast = read_error("file 'x.parquet'", pa.ArrowInvalid("Failed to parse string: 'z'"))
    assert "Failed to parse string" in str(cast)
    assert "truncated" not in str(cast)


def test_an_unreadable_file_is_named_with_permission_denied(tmp_path, monkeypatch):
    """A file the process may not read: the error names it and says permission denied."""
    folder = _folder(tmp_path, pa.table({"a": [1.0]}), pa.table({"a": [2.0]}))
    denied = folder / "part1.parquet"
    if os.geteuid() != 0:  # a real permission bit where it is enforced
        denied.chmod(0)
    else:  # root reads whatever the mode: the operating system's answer, simulated
        real = pq.ParquetFile

        def parquet_file(source, *args, **kwargs):
            if str(source) == str(denied):
                raise PermissionError(errno.EACCES, "Permission denied", str(source))
            return real(source, *args, **kwargs)

        monkeypatch.setattr(pq, "ParquetFile", parquet_file)
    with pytest.raises(InputError, match=r"permission denied reading file '.*part1\.parquet'"):
        driftkl.profile(str(folder))


def test_hive_partitions_with_differing_files_are_unified(tmp_path):
    """Hive key=value folders whose files differ keep the key column and the later column."""
    for key, table in (
        ("1", pa.table({"a": pa.array([1, 2], pa.int32())})),
        ("2", pa.table({"a": pa.array([3, 4], pa.int64()), "b": ["x", "y"]})),
    ):
        part = tmp_path / "hive" / f"k={key}"
        part.mkdir(parents=True)
        pq.write_table(table, part / "f.parquet")
    prof = driftkl.profile(str(tmp_path / "hive"))
    assert prof.names == ("a", "b", "k")
    assert prof.feature("b").counts[-1] == 2


def test_row_group_partitions_are_conformed_to_the_unified_schema(tmp_path):
    """Partitions (for distributed engines) come back in the unified schema, file by file."""
    folder = _folder(
        tmp_path,
        pa.table({"a": pa.array([1, 2], pa.int32())}),
        pa.table({"a": pa.array([3], pa.int64()), "b": ["x"]}),
    )
    source = open_source(str(folder), side="current")
    tables = [p.read(p.arg) for p in source.partitions(["a", "b"])]
    assert [t.column("a").type for t in tables] == [pa.int64(), pa.int64()]
    assert [v for t in tables for v in t.column("b").to_pylist()] == [None, None, "x"]


def test_a_filtered_scan_that_fails_a_cast_names_the_differing_file(tmp_path):
    """Through the dataset scanner (a filter), a failed cast names the file whose type differs."""
    folder = _folder(
        tmp_path,
        pa.table({"h": pa.array([1, 2], pa.int64())}),
        pa.table({"h": pa.array([2**63 + 5, 3], pa.uint64())}),
    )
    with pytest.raises(InputError, match=r"files whose column types differ: \['.*part1\.parquet'"):
        driftkl.profile(str(folder), filter=[["h", ">", 0]])
