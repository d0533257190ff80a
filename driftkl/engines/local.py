"""The local engine: record batches stream from the source and a thread pool works on them.

Arrow decodes Parquet on its own thread pool; a :class:`~concurrent.futures.ThreadPoolExecutor`
of ``threads`` workers runs ``work`` on the batches (numpy and Arrow release the GIL, so the work
spreads over the cores). Results are merged in batch order, so counts are identical whatever
the batch size or thread count. At most ``2 · threads`` batches are in flight, so memory is
bounded by the batch size, not the data size.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from driftkl import progress

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    import pyarrow as pa

    from driftkl.config import Execution
    from driftkl.sources import Source

__all__ = ["LocalEngine", "resolve_threads"]

T = TypeVar("T")


def resolve_threads(threads: int | None) -> int:
    """Worker threads: ``threads``, or one per CPU core when ``None``."""
    if threads:
        return max(1, int(threads))
    return max(1, os.cpu_count() or 1)


class LocalEngine:
    """Threads in this process (the default engine)."""

    name = "local"

    def __init__(self, execution: Execution) -> None:
        """Use ``execution.threads`` workers (``None``: one per core)."""
        self.threads = resolve_threads(execution.threads)

    def map_reduce(
        self,
        source: Source,
        passes: Sequence[Sequence[str]],
        work: Callable[[pa.RecordBatch], T],
        merge: Callable[[T, T], T],
        *,
        label: str,
    ) -> Iterator[T | None]:
        """Fold ``work`` over each pass's batches in batch order (see the protocol).

        The passes run as one stream: the pool stays busy across pass boundaries (the next
        pass starts decoding while the last batches of the previous one are worked on, and
        while the caller finishes the previous pass's result), which matters for wide tables
        with few rows, where a pass is only a few batches.
        """
        total = source.count_rows()
        tagged = ((i, b) for i, cols in enumerate(passes) for b in source.batches(cols))
        done, acc = 0, None
        for i, part in self._in_order(tagged, work, label, total, [len(p) for p in passes]):
            while done < i:  # every earlier pass is complete
                yield acc
                done, acc = done + 1, None
            acc = part if acc is None else merge(acc, part)
        while done < len(passes):
            yield acc
            done, acc = done + 1, None

    def _in_order(
        self,
        tagged: Iterator[tuple[int, pa.RecordBatch]],
        work: Callable[[pa.RecordBatch], T],
        label: str,
        total_rows: int | None,
        columns: list[int],
    ) -> Iterator[tuple[int, T]]:
        """``(pass, work(batch))`` in batch order; at most ``2 · threads`` batches in flight."""
        bar = progress.current()
        if bar is not None:
            bar.start(label, total_rows, passes=columns)
        try:
            if self.threads == 1:
                for i, batch in tagged:
                    result = work(batch)
                    if bar is not None:
                        bar.advance(batch.num_rows)
                    yield i, result
                return
            with ThreadPoolExecutor(self.threads, thread_name_prefix="driftkl") as pool:
                pending: deque[tuple[int, int, Any]] = deque()
                for i, batch in tagged:
                    pending.append((i, batch.num_rows, pool.submit(work, batch)))
                    if len(pending) >= 2 * self.threads:
                        yield self._collect(pending.popleft(), bar)
                while pending:
                    yield self._collect(pending.popleft(), bar)
        finally:
            if bar is not None:
                bar.finish()

    @staticmethod
    def _collect(item: tuple[int, int, Any], bar: progress.Progress | None) -> tuple[int, Any]:
        i, n, fut = item
        result = fut.result()
        if bar is not None:
            bar.advance(n)
        return i, result
