"""An in-memory Arrow table as a source (pandas, Polars and Arrow-stream inputs end here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from driftkl.sources.base import DEFAULT_BATCH_SIZE, Partition

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    import pyarrow as pa

__all__ = ["TableSource"]


def _identity(table: pa.Table) -> pa.Table:
    return table


@dataclass(frozen=True)
class TableSource:
    """A ``pyarrow.Table`` read in slices of ``batch_size`` rows (zero-copy)."""

    description: str
    table: pa.Table
    batch_size: int = DEFAULT_BATCH_SIZE
    engine_hint: str | None = None

    @property
    def schema(self) -> pa.Schema:
        """The table's schema."""
        return self.table.schema

    def count_rows(self) -> int:
        """The table's row count."""
        return int(self.table.num_rows)

    def batches(self, columns: Sequence[str]) -> Iterator[pa.RecordBatch]:
        """Zero-copy slices of the selected columns."""
        yield from self.table.select(list(columns)).to_batches(max_chunksize=self.batch_size)

    def partitions(self, columns: Sequence[str]) -> list[Partition]:
        """One partition per ``batch_size`` rows."""
        table = self.table.select(list(columns))
        step = self.batch_size
        return [Partition(_identity, table.slice(i, step)) for i in range(0, table.num_rows, step)]
