"""Parquet sources: a file, a folder, a glob or a hive-partitioned dataset.

Data is streamed batch by batch through :mod:`pyarrow.parquet` / :mod:`pyarrow.dataset`, so
memory does not grow with file size; string columns are read as dictionary arrays (codes plus
the distinct values of each column chunk), so no Python string or per-row Arrow string is
materialised. The files of a folder may differ in schema (:mod:`.parquet_files` unifies them);
read errors are re-raised as :class:`~driftkl.errors.InputError` naming the file.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from driftkl.errors import InputError
from driftkl.sources.base import DEFAULT_BATCH_SIZE, Partition, filter_conjunction
from driftkl.sources.parquet_files import (
    conform,
    differing_files,
    expand,
    file_schema,
    read_error,
    same_columns,
    streaming_dataset,
    string_columns,
    unify,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

__all__ = ["ParquetSource", "open_parquet"]

_BATCH_READAHEAD = 4
_OPEN_FILES = 16
_FRAGMENT_READAHEAD = 2
_READ_ERRORS = (pa.ArrowException, OSError, UnicodeDecodeError)


def _parquet_file(path: str, strings: Sequence[str] = ()) -> Any:
    """A reader of one file, its ``strings`` columns read as dictionaries (codes + values)."""
    import pyarrow.parquet as pq  # noqa: PLC0415 - pyarrow submodule, loaded on first read

    try:
        return pq.ParquetFile(path, read_dictionary=list(strings), pre_buffer=False)
    except KeyError as exc:  # a listed string column is no longer in the file
        raise _replaced(path, "") from exc
    except _READ_ERRORS as exc:
        raise read_error(f"file {path!r}", exc) from exc


def _replaced(path: str, where: str) -> InputError:
    of = f" of {where}" if where else ""
    return InputError(
        f"file {path!r}{of} was replaced after the folder was listed: its columns or types "
        "are not the ones it had. Hint: do not rewrite files while driftkl reads them; write "
        "new files under a temporary name and rename them into place."
    )


def _read_row_group(
    arg: tuple[str, int, tuple[str, ...]], *, schema: pa.Schema, columns: list[str]
) -> pa.Table:
    path, group, strings = arg
    reader = _parquet_file(path, strings)
    present = [c for c in columns if c in reader.schema_arrow.names]
    try:
        table = reader.read_row_group(group, columns=present)
    except _READ_ERRORS as exc:
        raise read_error(f"file {path!r}", exc) from exc
    return conform(table, schema, columns, f"file {path!r}")


def _read_fragment(
    fragment: Any, *, schema: pa.Schema, columns: list[str], filt: Any, where: str
) -> pa.Table:
    try:
        return fragment.to_table(schema=schema, columns=columns, filter=filt)
    except _READ_ERRORS as exc:
        raise InputError(
            f"cannot read Parquet data from {where} ({fragment.path}): {exc}. "
            "Hint: the workers must see the same files (a shared file system or object store)."
        ) from exc


@dataclass(frozen=True)
class ParquetSource:
    """Parquet data read file by file (``files``) or through a dataset scanner (``dataset``).

    ``file_schemas`` are the schemas the files had when they were listed: a file rewritten
    since then is refused by name rather than read with other columns.
    """

    description: str
    schema: pa.Schema
    files: tuple[str, ...] | None = None
    dataset: Any = None
    scan_dataset: Any = None
    filter: Any = None
    batch_size: int = DEFAULT_BATCH_SIZE
    engine_hint: str | None = None
    file_schemas: dict[str, pa.Schema] = field(default_factory=dict, compare=False, repr=False)
    path_columns: tuple[str, ...] = ()
    opened: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def open_file(self, path: str) -> Any:
        """The file's reader, kept open for the next column pass.

        A wide file's footer is costly to parse (1 000 columns: about 6 ms a pass); the last
        :data:`_OPEN_FILES` files stay open, so a folder of many files holds few handles.
        """
        reader = self.opened.pop(path, None)
        if reader is None:
            reader = _parquet_file(path, self.strings(path))
            listed = self.file_schemas.get(path)
            if listed is not None and not same_columns(reader.schema_arrow, listed):
                raise _replaced(path, self.description)
            while len(self.opened) >= _OPEN_FILES:
                self.opened.pop(next(iter(self.opened)))
        self.opened[path] = reader  # most recently used last
        return reader

    def strings(self, path: str) -> tuple[str, ...]:
        """The string columns of ``path`` (as listed), read as dictionaries."""
        listed = self.file_schemas.get(path, self.schema)
        return tuple(c for c in string_columns(self.schema) if c in listed.names)

    def _file_batches(self, path: str, columns: list[str]) -> Iterator[pa.RecordBatch]:
        reader = self.open_file(path)
        present = [c for c in columns if c in reader.schema_arrow.names]
        where = f"file {path!r}"
        try:
            for batch in reader.iter_batches(
                batch_size=self.batch_size, columns=present, use_threads=True
            ):
                yield conform(batch, self.schema, columns, where)
        except _READ_ERRORS as exc:
            raise read_error(where, exc) from exc

    def batches(self, columns: Sequence[str]) -> Iterator[pa.RecordBatch]:
        """Record batches of ``columns``, file by file (or from the dataset scanner)."""
        if self.files is not None:
            for path in self.files:
                yield from self._file_batches(path, list(columns))
            return
        dataset = self.scan_dataset if self.scan_dataset is not None else self.dataset
        try:
            scanner = dataset.scanner(
                columns=list(columns),
                filter=self.filter,
                batch_size=self.batch_size,
                use_threads=True,
                batch_readahead=_BATCH_READAHEAD,
                fragment_readahead=_FRAGMENT_READAHEAD,
            )
            yield from scanner.to_batches()
        except _READ_ERRORS as exc:
            suspects = differing_files(self.file_schemas, self.schema, columns)
            named = f" (files whose column types differ: {suspects[:3]})" if suspects else ""
            raise read_error(f"{self.description}{named}", exc) from exc

    def count_rows(self) -> int | None:
        """Rows from the Parquet metadata (``None`` if a filtered count fails)."""
        if self.files is not None:
            return sum(int(self.open_file(f).metadata.num_rows) for f in self.files)
        try:
            return int(self.dataset.count_rows(filter=self.filter))
        except _READ_ERRORS:
            return None

    def partitions(self, columns: Sequence[str]) -> list[Partition]:
        """One partition per row group."""
        cols = list(columns)
        if self.files is not None:
            read = functools.partial(_read_row_group, schema=self.schema, columns=cols)
            return [
                Partition(read, (path, g, self.strings(path)))
                for path in self.files
                for g in range(self.open_file(path).metadata.num_row_groups)
            ]
        dataset = self.scan_dataset if self.scan_dataset is not None else self.dataset
        read = functools.partial(
            _read_fragment,
            schema=dataset.schema,
            columns=cols,
            filt=self.filter,
            where=self.description,
        )
        out: list[Partition] = []
        for fragment in dataset.get_fragments(filter=self.filter):
            pieces = (
                fragment.split_by_row_group()
                if hasattr(fragment, "split_by_row_group")
                else [fragment]
            )
            out.extend(Partition(read, piece) for piece in pieces)
        return out


def _typed(value: Any, column: str, t: pa.DataType, where: str) -> Any:
    """A filter value as the column's type (``'10'`` from the command line on a number column)."""
    if isinstance(value, (list, tuple)):
        return [_typed(v, column, t, where) for v in value]
    if pa.types.is_dictionary(t):
        t = t.value_type
    try:
        return pa.scalar(value).cast(t)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise InputError(
            f"filter value {value!r} for column {column!r} of {where} is not a "
            f"{t} ({exc}). Hint: compare the column with a value of its type."
        ) from exc


def _to_expression(
    conditions: Sequence[tuple[str, str, Any]], schema: pa.Schema, where: str
) -> Any:
    if not conditions:
        return None
    import pyarrow.compute as pc  # noqa: PLC0415 - about 80 ms, only for filters

    return filter_conjunction(
        conditions,
        schema.names,
        where,
        pc.field,
        lambda c, v: _typed(v, c, schema.field(c).type, where),
    )


def _open_dataset(target: Any, description: str, schema: pa.Schema | None = None) -> Any:
    import pyarrow.dataset as ds  # noqa: PLC0415 - imports pandas: only for datasets

    try:
        return ds.dataset(target, format="parquet", partitioning="hive", schema=schema)
    except _READ_ERRORS as exc:
        raise read_error(description, exc) from exc


def _single_file(target: str, description: str, batch_size: int) -> ParquetSource:
    """One file: pyarrow.parquet alone (pyarrow.dataset imports pandas, ~0.5 s of start-up)."""
    reader = _parquet_file(target)
    try:
        schema = reader.schema_arrow
    except _READ_ERRORS as exc:
        raise read_error(description, exc) from exc
    return ParquetSource(
        description,
        schema,
        files=(target,),
        batch_size=batch_size,
        file_schemas={target: schema.remove_metadata()},
    )


def open_parquet(
    data: str | os.PathLike[str],
    *,
    side: str,
    row_filter: Sequence[tuple[str, str, Any]] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> ParquetSource:
    """A Parquet file, folder (hive-style ``key=value`` folders become columns) or glob.

    Every file's schema is read when the folder is opened; files that differ are unified
    (:func:`~driftkl.sources.parquet_files.unify`), so a column that only later files have is
    checked too (null in the files without it).
    """
    path = os.fspath(data)
    target = expand(path)
    description = f"{side} {path!r}"
    if isinstance(target, str) and not row_filter and Path(target).is_file():
        return _single_file(target, description, batch_size)
    dataset = _open_dataset(target, description)
    if isinstance(target, str) and Path(target).is_dir() and not dataset.files:
        raise InputError(f"folder {path!r} ({side}) holds no Parquet files.")
    schemas = {f: file_schema(f) for f in dataset.files}
    in_files = set().union(*(s.names for s in schemas.values()))
    keys = [f for f in dataset.schema if f.name not in in_files]  # hive partition keys
    unified = unify(schemas, description)
    uniform = unified is next(iter(schemas.values()))
    schema = dataset.schema if uniform else pa.schema([*unified, *keys])
    if not uniform:
        dataset = _open_dataset(target, description, schema)
    expr = _to_expression(row_filter, schema, description)
    plain = expr is None and not keys and all(Path(f).is_file() for f in schemas)
    return ParquetSource(
        description,
        schema,
        files=tuple(schemas) if plain else None,
        dataset=dataset,
        scan_dataset=(
            streaming_dataset(target, schema, dictionary=expr is None) if uniform else None
        ),
        filter=expr,
        batch_size=batch_size,
        file_schemas=schemas,
        path_columns=tuple(k.name for k in keys),
    )
