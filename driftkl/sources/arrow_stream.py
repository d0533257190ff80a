"""Anything that speaks the Arrow C stream interface, and Polars frames, without importing them.

* Objects with ``__arrow_c_stream__`` (the Arrow PyCapsule interface): Polars and pandas ≥ 2.2
  DataFrames, DuckDB relations, ``pyarrow`` tables and record-batch readers, nanoarrow, ...
  The stream is read once into an Arrow table (zero-copy where the producer allows), since a
  stream can be consumed only once and drift checks read column subsets several times.
* Polars ``LazyFrame``: each reading pass collects only that pass's columns, so a
  ``pl.scan_parquet(...)`` pushes the projection down to the file reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from driftkl.errors import InputError
from driftkl.sources.base import DEFAULT_BATCH_SIZE, Partition
from driftkl.sources.table import TableSource

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

__all__ = ["LazyFrameSource", "is_arrow_stream", "is_lazy_frame", "open_arrow_stream"]


def is_arrow_stream(data: Any) -> bool:
    """Whether ``data`` exports the Arrow C stream interface."""
    return hasattr(data, "__arrow_c_stream__")


def is_lazy_frame(data: Any) -> bool:
    """Whether ``data`` is a Polars ``LazyFrame`` (duck-typed: ``collect_schema`` + ``collect``)."""
    return hasattr(data, "collect_schema") and hasattr(data, "collect") and hasattr(data, "select")


def _read_stream(data: Any, where: str) -> pa.Table:
    try:
        return pa.RecordBatchReader.from_stream(data).read_all()
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise InputError(
            f"cannot read {where} through the Arrow stream interface: {exc}. "
            "Hint: pass a DataFrame or table, or convert it with .to_arrow()."
        ) from exc


def open_arrow_stream(data: Any, *, side: str, batch_size: int) -> TableSource:
    """An Arrow-stream object read once into a :class:`TableSource`."""
    where = f"the {side} {type(data).__name__}"
    return TableSource(where, _read_stream(data, where), batch_size)


@dataclass(frozen=True)
class LazyFrameSource:
    """A Polars ``LazyFrame``: each pass collects only its columns (projection pushdown)."""

    description: str
    schema: pa.Schema
    frame: Any
    batch_size: int = DEFAULT_BATCH_SIZE
    engine_hint: str | None = None

    @classmethod
    def of(cls, frame: Any, *, side: str, batch_size: int) -> LazyFrameSource:
        """A source over ``frame``; the schema comes from a zero-row collect."""
        where = f"the {side} LazyFrame"
        return cls(where, _read_stream(frame.head(0).collect(), where).schema, frame, batch_size)

    def _table(self, columns: Sequence[str]) -> pa.Table:
        return _read_stream(self.frame.select(list(columns)).collect(), self.description)

    def count_rows(self) -> None:
        """Unknown without running the query."""
        return

    def batches(self, columns: Sequence[str]) -> Iterator[pa.RecordBatch]:
        """The pass's columns, collected, in slices of ``batch_size`` rows."""
        yield from self._table(columns).to_batches(max_chunksize=self.batch_size)

    def partitions(self, columns: Sequence[str]) -> list[Partition]:
        """The collected columns, cut like a :class:`TableSource`."""
        return TableSource(self.description, self._table(columns), self.batch_size).partitions(
            columns
        )
