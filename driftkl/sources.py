"""Input sources: pandas DataFrames and Parquet (file, folder, glob, hive-partitioned dataset).

A source yields Arrow record batches of only the requested columns. Parquet is streamed batch
by batch through :mod:`pyarrow.dataset`, so memory does not grow with file size. Read errors
are re-raised as :class:`~driftkl.errors.InputError` naming the file.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from driftkl.errors import InputError

__all__ = ["Source", "open_source"]


@dataclass(frozen=True)
class Source:
    """A tabular input: its schema, where it came from, and a way to stream its batches."""

    description: str
    schema: pa.Schema
    _table: pa.Table | None = None
    _dataset: Any = None
    _filter: Any = None
    _batch_size: int = 131_072

    def batches(self, columns: Sequence[str]) -> Iterator[pa.RecordBatch]:
        """Yield record batches holding only ``columns``."""
        if self._table is not None:
            yield from self._table.select(list(columns)).to_batches(max_chunksize=self._batch_size)
            return
        scanner = self._dataset.scanner(
            columns=list(columns),
            filter=self._filter,
            batch_size=self._batch_size,
            use_threads=True,
        )
        try:
            yield from scanner.to_batches()
        except (pa.ArrowException, OSError) as exc:
            raise InputError(
                f"cannot read Parquet data from {self.description}: {exc}. "
                "Hint: the file may be truncated or not Parquet; re-export it."
            ) from exc


def _from_pandas(df: Any, where: str, batch_size: int) -> Source:
    arrays = []
    names = []
    for name in df.columns:
        series = df[name]
        try:
            arrays.append(pa.array(series, from_pandas=True))
        except (pa.ArrowException, TypeError, ValueError) as exc:
            kinds = sorted({type(v).__name__ for v in series.dropna().head(10_000)})
            raise InputError(
                f"column {name!r} in {where} mixes value types ({', '.join(kinds)}) and cannot "
                f"be binned ({exc}). Hint: cast it to one type, e.g. "
                f"df[{name!r}] = df[{name!r}].astype(str) for categories or "
                f"pd.to_numeric(df[{name!r}], errors='coerce') for numbers."
            ) from exc
        names.append(str(name))
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise InputError(f"{where} has duplicate column names {dupes}. Hint: rename them.")
    table = pa.Table.from_arrays(arrays, names=names) if arrays else pa.table({})
    return Source(description=where, schema=table.schema, _table=table, _batch_size=batch_size)


def _expand(path: str) -> list[str] | str:
    if any(ch in path for ch in "*?["):
        files = sorted(glob.glob(path, recursive=True))  # noqa: PTH207 - glob patterns
        if not files:
            raise InputError(f"no files match {path!r}. Hint: check the pattern and the folder.")
        return files
    if not Path(path).exists():
        raise InputError(f"{path!r} does not exist. Hint: check the path (and templating).")
    return path


def _to_expression(conditions: Sequence[tuple[str, str, Any]]) -> Any:
    if not conditions:
        return None
    import pyarrow.compute as pc  # noqa: PLC0415

    expr = None
    for column, op, value in conditions:
        field = pc.field(column)
        term = {
            "==": lambda f, v: f == v,
            "!=": lambda f, v: f != v,
            "<": lambda f, v: f < v,
            "<=": lambda f, v: f <= v,
            ">": lambda f, v: f > v,
            ">=": lambda f, v: f >= v,
            "in": lambda f, v: f.isin(v),
            "not in": lambda f, v: ~f.isin(v),
        }[op](field, value)
        expr = term if expr is None else expr & term
    return expr


def open_source(
    data: Any,
    *,
    side: str,
    row_filter: Sequence[tuple[str, str, Any]] = (),
    batch_size: int = 131_072,
) -> Source:
    """Open a DataFrame, Arrow table or Parquet path as a :class:`Source`.

    Args:
        data: a ``pandas.DataFrame``, ``pyarrow.Table``, or a path to a Parquet file, a folder
            of Parquet files (hive-style ``key=value`` folders become columns), or a glob.
        side: ``"reference"`` or ``"current"``, used in error messages.
        row_filter: ``[column, op, value]`` conditions, applied to Parquet datasets.
        batch_size: rows per streamed batch.
    """
    if isinstance(data, pa.Table):
        return Source(
            description=f"the {side} table", schema=data.schema, _table=data, _batch_size=batch_size
        )
    if hasattr(data, "columns") and hasattr(data, "dtypes") and hasattr(data, "iloc"):
        return _from_pandas(data, f"the {side} DataFrame", batch_size)
    if not isinstance(data, (str, os.PathLike)):
        raise InputError(
            f"the {side} data must be a pandas DataFrame, a pyarrow Table or a Parquet path, "
            f"got {type(data).__name__}"
        )
    import pyarrow.dataset as ds  # noqa: PLC0415

    path = os.fspath(data)
    target = _expand(path)
    description = f"{side} {path!r}"
    try:
        dataset = ds.dataset(target, format="parquet", partitioning="hive")
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            f"cannot open {description} as Parquet: {exc}. "
            "Hint: the file may be truncated, empty or not Parquet."
        ) from exc
    if isinstance(target, str) and Path(target).is_dir() and not dataset.files:
        raise InputError(f"folder {path!r} ({side}) holds no Parquet files.")
    expr = _to_expression(row_filter)
    if expr is not None:
        missing = [c for c, _, _ in row_filter if c not in dataset.schema.names]
        if missing:
            raise InputError(
                f"filter names column(s) {missing} not in {description} "
                f"(columns: {dataset.schema.names})."
            )
    return Source(
        description=description,
        schema=dataset.schema,
        _dataset=dataset,
        _filter=expr,
        _batch_size=batch_size,
    )
