"""The local engine: record batches stream from the source and a thread pool works on them.

Arrow decodes Parquet on its own thread pool; a :class:`~concurrent.futures.ThreadPoolExecutor`
of ``threads`` workers runs ``work`` on the batches (numpy and Arrow release the GIL, so the work
spreads over the cores). Results are merged in batch order, so counts are identical whatever
the batch size or thread count. At most ``2 · threads`` batches are in flight, so memory is
bounded by the batch size, not the data size.
"""

from __future__ import annotations

import itertools
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
    ) -> T | None:
        """Fold ``work`` over the batches of all passes, in batch order (see the protocol)."""
        total = source.count_rows()
        acc: T | None = None
        for part in self.results(source, passes, work, label=label, total_rows=total):
            acc = part if acc is None else merge(acc, part)
        return acc

    def results(
        self,
        source: Source,
        passes: Sequence[Sequence[str]],
        work: Callable[[pa.RecordBatch], T],
        *,
        label: str,
        total_rows: int | None,
    ) -> Iterator[T]:
        """Per-batch results in batch order, streamed; the passes run as one stream.

        The pool stays busy across pass boundaries (the next pass starts decoding while the
        last batches of the previous one are being worked on), which matters for wide tables
        with few rows, where a pass is only a few batches.
        """
        batches = itertools.chain.from_iterable(source.batches(cols) for cols in passes)
        if total_rows is not None:
            total_rows *= len(passes)
        bar = progress.current()
        if bar is not None:
            bar.start(label, total_rows)
        try:
            if self.threads == 1:
                for batch in batches:
                    result = work(batch)
                    if bar is not None:
                        bar.advance(batch.num_rows)
                    yield result
                return
            with ThreadPoolExecutor(self.threads, thread_name_prefix="driftkl") as pool:
                pending: deque[tuple[int, Any]] = deque()
                for batch in batches:
                    pending.append((batch.num_rows, pool.submit(work, batch)))
                    if len(pending) >= 2 * self.threads:
                        n, fut = pending.popleft()
                        result = fut.result()
                        if bar is not None:
                            bar.advance(n)
                        yield result
                while pending:
                    n, fut = pending.popleft()
                    result = fut.result()
                    if bar is not None:
                        bar.advance(n)
                    yield result
        finally:
            if bar is not None:
                bar.finish()
