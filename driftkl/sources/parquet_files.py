"""The files of a Parquet input: their schemas unified, and read errors that name the file.

A folder written over time rarely has one schema: a column is added, an ``int32`` becomes an
``int64``, a string column is written as ``large_string`` or as a dictionary. Every file's
footer is read when the folder is opened; the schemas are unified (``int32`` + ``int64`` →
``int64``, ``string`` + ``large_string`` + dictionary → ``large_string``, a column missing from a
file → nulls there), and a file whose column cannot be unified is named in the error. Each
batch read from a file is then conformed to the unified schema (:func:`conform`).
"""

from __future__ import annotations

import errno
import glob
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from driftkl.columns import type_name
from driftkl.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "conform",
    "differing_files",
    "expand",
    "file_schema",
    "is_text",
    "read_error",
    "same_columns",
    "streaming_dataset",
    "string_columns",
    "unify",
]

_TRUNCATED = ("magic bytes", "file size is 0", "deserialize thrift", "end of file", "eof")
_REWRITE = "Hint: do not rewrite or delete files while driftkl reads them: write new files "
_REWRITE += "under a temporary name (or in another folder) and rename them into place."


def read_error(where: str, exc: BaseException) -> InputError:
    """The :class:`InputError` for a failed read of ``where`` (a file): the problem and the fix."""
    code = getattr(exc, "errno", None)
    if isinstance(exc, FileNotFoundError) or code == errno.ENOENT:
        return InputError(
            f"{where} is gone: it was deleted or renamed while driftkl read it. {_REWRITE}"
        )
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return InputError(
            f"permission denied reading {where}. Hint: give the user running driftkl read "
            "access to it (and to its folder)."
        )
    if isinstance(exc, IsADirectoryError) or code == errno.EISDIR:
        return InputError(f"{where} is a folder where a Parquet file was expected. {_REWRITE}")
    if isinstance(exc, UnicodeDecodeError):
        return InputError(
            f"{where} has a column name or metadata that is not valid UTF-8 ({exc}). Hint: "
            "rewrite the file with UTF-8 column names."
        )
    text = str(exc)
    if any(marker in text.lower() for marker in _TRUNCATED):
        return InputError(
            f"cannot read Parquet data from {where}: {text}. Hint: the file is truncated, "
            "empty or not Parquet (still being written?); re-export it or remove it."
        )
    return InputError(
        f"cannot read Parquet data from {where}: {text}. Hint: check that the file is "
        "complete and that its columns have the same types as in the other files."
    )


def file_schema(path: str) -> pa.Schema:
    """The Arrow schema in one file's footer (metadata dropped); errors name the file."""
    import pyarrow.parquet as pq  # noqa: PLC0415 - pyarrow submodule, loaded on first read

    try:
        return pq.read_schema(path).remove_metadata()
    except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
        raise read_error(f"file {path!r}", exc) from exc


def is_text(t: pa.DataType) -> bool:
    """Whether ``t`` is a string type (any width or layout)."""
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))


def string_columns(schema: pa.Schema) -> list[str]:
    """Columns read as dictionaries (codes plus distinct values), never as per-row strings."""
    return [f.name for f in schema if is_text(f.type)]


def _plain(t: pa.DataType) -> pa.DataType:
    """A type as unification sees it: dictionaries as their values, string views as strings."""
    if pa.types.is_dictionary(t):
        t = t.value_type
    return pa.large_string() if pa.types.is_string_view(t) else t


def _normalised(schema: pa.Schema) -> pa.Schema:
    return pa.schema([pa.field(f.name, _plain(f.type)) for f in schema])


def _loose(t: pa.DataType) -> pa.DataType:
    t = _plain(t)
    return pa.large_string() if is_text(t) else t


def same_columns(a: pa.Schema, b: pa.Schema) -> bool:
    """Whether two schemas have the same columns and types (text encodings aside)."""
    return bool(a.names == b.names) and all(
        _loose(x.type) == _loose(y.type) for x, y in zip(a, b, strict=True)
    )


def differing_files(
    schemas: dict[str, pa.Schema], schema: pa.Schema, columns: Sequence[str]
) -> list[str]:
    """The files in which one of ``columns`` has another type than in ``schema``."""
    return [
        path
        for path, own in schemas.items()
        if any(
            c in own.names and _loose(own.field(c).type) != _loose(schema.field(c).type)
            for c in columns
        )
    ]


def _merge(a: pa.Schema, b: pa.Schema) -> pa.Schema:
    return pa.unify_schemas([a, b], promote_options="permissive")


def unify(schemas: dict[str, pa.Schema], where: str) -> pa.Schema:
    """One schema for all files: the first file's if all agree, else the unified one.

    Raises:
        InputError: naming the first file with a column whose type cannot be unified with
            the same column in the files before it (a number and a string, a timestamp with
            and without a time zone, ...).
    """
    items = list(schemas.items())
    for path, schema in items:  # one file with a name twice cannot be matched column by column
        names = schema.names
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise InputError(
                f"file {path!r} of {where} has duplicate column names {dupes}. Hint: rewrite "
                "it with unique column names."
            )
    first = items[0][1]
    if all(s.equals(first) for _, s in items[1:]):
        return first
    try:
        return pa.unify_schemas([_normalised(s) for _, s in items], promote_options="permissive")
    except (pa.ArrowTypeError, pa.ArrowInvalid) as exc:
        raise _conflict(items, where) from exc


def _unifiable(a: pa.Schema, b: pa.Schema) -> bool:
    try:
        _merge(a, b)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return False
    return True


def _conflict(items: list[tuple[str, pa.Schema]], where: str) -> InputError:
    """The error naming the first file, and column, that the files before it do not unify with."""
    merged = _normalised(items[0][1])
    for path, schema in items[1:]:
        plain = _normalised(schema)
        if _unifiable(merged, plain):
            merged = _merge(merged, plain)
            continue
        for f in plain:
            if f.name not in merged.names:
                continue
            before = merged.field(f.name)
            if not _unifiable(pa.schema([before]), pa.schema([f])):
                return InputError(
                    f"column {f.name!r} is {type_name(schema.field(f.name).type)} in file "
                    f"{path!r} but {type_name(before.type)} in the files of {where} before it "
                    f"(from {items[0][0]!r}), and the two types cannot be unified. Hint: "
                    "rewrite that file with the column cast to one type, or read the files "
                    "separately."
                )
    return InputError(f"the files of {where} have schemas that cannot be unified.")


def _keeps(got: pa.DataType, want: pa.DataType) -> bool:
    """Whether a column read as ``got`` can be used as ``want`` without a cast."""
    if got == want:
        return True
    value = got.value_type if pa.types.is_dictionary(got) else got
    return is_text(want) and is_text(value)


def conform(data: Any, schema: pa.Schema, columns: Sequence[str], where: str) -> Any:
    """A batch or table of one file as the unified ``schema`` expects ``columns``.

    A column the file lacks becomes nulls; one of another type is cast (``int32`` →
    ``int64``); text stays as read (dictionary codes). Data already in shape is returned
    unchanged, so a folder of identical files pays one type comparison per column.
    """
    names = data.schema.names
    if names == list(columns) and all(
        _keeps(data.schema.field(c).type, schema.field(c).type) for c in columns
    ):
        return data
    arrays = []
    for c in columns:
        want = schema.field(c).type
        if c not in names:
            arrays.append(pa.nulls(data.num_rows, want))
            continue
        col = data.column(c)
        if _keeps(col.type, want):
            arrays.append(col)
            continue
        try:
            arrays.append(col.cast(want))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
            raise InputError(
                f"column {c!r} of {where} is {type_name(col.type)} and its values do not fit "
                f"{type_name(want)}, the type it has in the other files ({exc}). Hint: rewrite "
                "the file with the column in one type for all files, or read it separately."
            ) from exc
    return type(data).from_arrays(arrays, names=list(columns))


def expand(path: str) -> list[str] | str:
    """A glob's matching files (sorted), else ``path`` itself, which must exist."""
    if any(ch in path for ch in "*?["):
        files = sorted(glob.glob(path, recursive=True))  # noqa: PTH207 - glob patterns
        if not files:
            raise InputError(f"no files match {path!r}. Hint: check the pattern and the folder.")
        return files
    if not Path(path).exists():
        raise InputError(f"{path!r} does not exist. Hint: check the path (and templating).")
    return path


def streaming_dataset(target: Any, schema: pa.Schema, *, dictionary: bool) -> Any:
    """The same files, set up for streaming: strings as dictionary arrays, no pre-buffering.

    Dictionary reading keeps string columns as codes plus each chunk's distinct values (no
    per-row strings); without pre-buffering, only the column chunks being decoded are in
    memory (pre-buffering loads whole row groups, which costs both memory and time here).
    Returns ``None`` (read plainly) if the files do not come back with the same columns.
    """
    import pyarrow.dataset as ds  # noqa: PLC0415 - imports pandas: only for datasets

    strings = string_columns(schema) if dictionary else []  # a filter may compare strings
    fmt = ds.ParquetFileFormat(
        read_options=ds.ParquetReadOptions(dictionary_columns=strings),
        default_fragment_scan_options=ds.ParquetFragmentScanOptions(pre_buffer=False),
    )
    try:
        scan = ds.dataset(target, format=fmt, partitioning="hive")
    except (pa.ArrowException, OSError, UnicodeDecodeError):
        return None
    for f in schema:
        if f.name not in scan.schema.names:
            return None
        got = scan.schema.field(f.name).type
        want_dict = f.name in strings
        if (want_dict and not pa.types.is_dictionary(got)) or (not want_dict and got != f.type):
            return None
    return scan
