"""Input sources behind one protocol (:class:`~driftkl.sources.base.Source`).

:func:`open_source` recognises the data given (duck-typed: no optional library is
imported); adding an input is one module implementing the protocol. Inputs: pandas
DataFrames, ``pyarrow`` tables, Parquet paths (file, folder, glob, hive-partitioned dataset),
dask and Spark DataFrames, Polars ``LazyFrame`` and anything exporting the Arrow C stream interface
(Polars DataFrames, DuckDB relations, Arrow readers).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from driftkl.errors import InputError
from driftkl.sources.arrow_stream import (
    LazyFrameSource,
    is_arrow_stream,
    is_lazy_frame,
    open_arrow_stream,
)
from driftkl.sources.base import (
    COLUMNS_PER_PASS,
    DEFAULT_BATCH_SIZE,
    Partition,
    Source,
    check_names,
    column_passes,
    path_columns,
)
from driftkl.sources.dask_frame import DaskFrameSource, is_dask_frame
from driftkl.sources.pandas import is_pandas, table_from_pandas
from driftkl.sources.parquet import open_parquet
from driftkl.sources.spark_frame import SparkFrameSource, is_spark_frame
from driftkl.sources.table import TableSource

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "COLUMNS_PER_PASS",
    "DEFAULT_BATCH_SIZE",
    "Partition",
    "Source",
    "column_passes",
    "open_source",
    "path_columns",
]


def open_source(
    data: Any,
    *,
    side: str,
    row_filter: Sequence[tuple[str, str, Any]] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Source:
    """Open the data given for ``side`` (``"reference"`` or ``"current"``) as a source.

    Args:
        data: a ``pandas.DataFrame``, ``pyarrow.Table``, Polars ``DataFrame`` / ``LazyFrame``,
            DuckDB relation or any object with ``__arrow_c_stream__``, a dask DataFrame, or a
            path to a Parquet file, folder (hive-style ``key=value`` folders become columns)
            or glob.
        side: used in descriptions and error messages.
        row_filter: ``[column, op, value]`` conditions, applied to Parquet datasets.
        batch_size: rows per streamed batch.

    Raises:
        InputError: for data that cannot be read, and for duplicate column names (whatever
            the input: columns are read by name).
    """
    source = _open(data, side=side, row_filter=row_filter, batch_size=batch_size)
    check_names(source.schema.names, source.description)
    return source


def _open(
    data: Any, *, side: str, row_filter: Sequence[tuple[str, str, Any]], batch_size: int
) -> Source:
    if isinstance(data, pa.Table):
        return TableSource(f"the {side} table", data, batch_size)
    if is_dask_frame(data):
        return DaskFrameSource.of(data, side=side, batch_size=batch_size)
    if is_spark_frame(data):
        return SparkFrameSource.of(data, side=side, batch_size=batch_size)
    if is_lazy_frame(data):  # before pandas: a LazyFrame's .columns would run its query plan
        return LazyFrameSource.of(data, side=side, batch_size=batch_size)
    if is_pandas(data):
        where = f"the {side} DataFrame"
        return TableSource(where, table_from_pandas(data, where), batch_size)
    if is_arrow_stream(data):
        return open_arrow_stream(data, side=side, batch_size=batch_size)
    if isinstance(data, (str, os.PathLike)):
        return open_parquet(data, side=side, row_filter=row_filter, batch_size=batch_size)
    raise InputError(
        f"the {side} data must be a pandas DataFrame, a Polars DataFrame or LazyFrame, a pyarrow "
        f"Table, an object with __arrow_c_stream__, a dask or Spark DataFrame or a Parquet path, "
        f"got {type(data).__name__}"
    )
