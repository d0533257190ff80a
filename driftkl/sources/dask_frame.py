"""A ``dask.dataframe.DataFrame`` as a source, without importing dask.

Its partitions are the frame's own (``dask.delayed`` objects the dask engine computes on the
workers); it always runs on the dask engine (:attr:`engine_hint`). Its length is unknown
without computing it, so numeric reference columns are fitted in streaming passes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from driftkl.sources.base import DEFAULT_BATCH_SIZE, Partition
from driftkl.sources.pandas import table_from_pandas

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    import pyarrow as pa

__all__ = ["DaskFrameSource", "is_dask_frame"]


def is_dask_frame(data: Any) -> bool:
    """Whether ``data`` is a dask collection with partitions (duck-typed)."""
    return hasattr(data, "__dask_graph__") and hasattr(data, "npartitions")


@dataclass(frozen=True)
class DaskFrameSource:
    """The partitions of a dask DataFrame, converted to Arrow on the worker that computes them."""

    description: str
    schema: pa.Schema
    frame: Any
    batch_size: int = DEFAULT_BATCH_SIZE
    engine_hint: str | None = "dask"

    @classmethod
    def of(cls, frame: Any, *, side: str, batch_size: int) -> DaskFrameSource:
        """A source over ``frame``; its schema comes from the frame's metadata (no compute)."""
        where = f"the {side} dask DataFrame"
        meta = frame._meta  # noqa: SLF001 - dask's documented empty-frame metadata
        return cls(where, table_from_pandas(meta, where).schema, frame, batch_size)

    def count_rows(self) -> None:
        """Unknown without computing the frame."""
        return

    def partitions(self, columns: Sequence[str]) -> list[Partition]:
        """The frame's partitions (``dask.delayed``), each converted to Arrow when computed."""
        read = functools.partial(table_from_pandas, where=self.description)
        return [Partition(read, part) for part in self.frame[list(columns)].to_delayed()]

    def batches(self, columns: Sequence[str]) -> Iterator[pa.RecordBatch]:
        """Partitions computed one by one in this process (engines other than dask)."""
        for part in self.frame[list(columns)].to_delayed():
            table = table_from_pandas(part.compute(), self.description)
            yield from table.to_batches(max_chunksize=self.batch_size)
