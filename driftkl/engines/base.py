"""The engine protocol: one map-reduce over a source's batches.

Every read of driftkl (counting, the in-memory fit, each streaming-quantile pass) is one
:meth:`Engine.map_reduce` call over one or more column passes: ``work`` turns a record batch
into a partial result and ``merge`` combines two partial results; the call yields each pass's
merged result as soon as that pass is done, so the caller can finish and release it while the
engine reads the next pass (one read of the data, memory bounded by a pass).

``merge`` must be associative and its result must not depend on the order of the parts
(integer sums, min/max, set unions, concatenations that are sorted afterwards), so the local
engine can fold in batch order and a distributed engine can
reduce in a tree and still give identical counts. ``merge`` may update and return its first
argument; each partial result is merged at most once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    import pyarrow as pa

    from driftkl.sources import Source

__all__ = ["Engine", "ParquetReader", "merge_by_key", "merge_optional"]

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


def merge_optional(a: T | None, b: T | None, merge: Callable[[T, T], T]) -> T | None:
    """``merge(a, b)``, where ``None`` (a partition or pass with no batches) is the identity.

    >>> merge_optional(None, 3, merge=lambda x, y: x + y), merge_optional(2, 3, lambda x, y: x + y)
    (3, 5)
    """
    if a is None:
        return b
    if b is None:
        return a
    return merge(a, b)


def merge_by_key(a: dict[K, V], b: dict[K, V], combine: Callable[[V, V], V]) -> dict[K, V]:
    """Merge per-column partial results: ``combine`` where both have a key, else take it.

    Associative when ``combine`` is; updates and returns ``a``.

    >>> merge_by_key({"x": 1, "y": 2}, {"y": 3, "z": 4}, int.__add__)
    {'x': 1, 'y': 5, 'z': 4}
    """
    for key, part in b.items():
        a[key] = combine(a[key], part) if key in a else part
    return a


class Engine(Protocol):
    """Where per-batch work runs."""

    name: str

    def map_reduce(
        self,
        source: Source,
        passes: Sequence[Sequence[str]],
        work: Callable[[pa.RecordBatch], T],
        merge: Callable[[T, T], T],
        *,
        label: str,
    ) -> Iterator[T | None]:
        """``work`` on every batch of every pass (a pass reads only its columns), merged per pass.

        Args:
            source: the data.
            passes: column subsets read one after the other; a batch holds one pass's columns.
            work: a picklable function of one record batch.
            merge: associative, order-independent combination of two results of ``work``.
            label: what is being read, for progress reporting.

        Yields:
            One merged result per pass, in pass order (``None`` for a pass with no batch).
        """
        ...


@runtime_checkable
class ParquetReader(Protocol):
    """An engine that reads Parquet paths itself (Spark), instead of driftkl's Arrow reader."""

    def read_parquet(
        self,
        path: str,
        *,
        side: str,
        row_filter: Sequence[tuple[str, str, Any]],
        batch_size: int,
    ) -> Source:
        """The Parquet file, folder, hive-partitioned dataset, glob or URL at ``path``."""
        ...
