"""Execution engines: where per-batch work runs.

* ``local`` (default): record batches stream from the source (Arrow decodes Parquet on its own
  thread pool) and a :class:`~concurrent.futures.ThreadPoolExecutor` of ``threads`` workers
  bins them; numpy and Arrow release the GIL, so the work spreads over the cores. Results come
  back in batch order and counts are summed as integers, so they are identical whatever the
  batch size or thread count.
* ``dask``: per-partition counts computed on a ``dask`` scheduler (a ``distributed`` cluster
  when ``scheduler`` names one) and summed; see :mod:`driftkl.integrations.dask`. Importing
  :mod:`driftkl` never imports dask.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from driftkl import progress
from driftkl.errors import MissingExtraError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    import pyarrow as pa

    from driftkl.sources import Source

__all__ = [
    "ENGINES",
    "dask_module",
    "dask_source",
    "map_batches",
    "map_passes",
    "resolve_threads",
]

ENGINES = ("local", "dask")
T = TypeVar("T")


def resolve_threads(threads: int | None) -> int:
    """Worker threads of the local engine: ``threads``, or one per CPU core when ``None``."""
    if threads:
        return max(1, int(threads))
    return max(1, os.cpu_count() or 1)


def map_batches(
    source: Source,
    columns: Sequence[str],
    work: Callable[[pa.RecordBatch], T],
    *,
    label: str,
    total_rows: int | None = None,
) -> Iterator[T]:
    """Apply ``work`` to every batch of ``columns``; yield the results in batch order.

    At most ``2 * threads`` batches are in flight, so memory stays bounded by the batch size,
    not the data size. Progress (rows done) goes to the active :mod:`driftkl.progress` bar.
    """
    return map_passes(source, [columns], work, label=label, total_rows=total_rows)


def map_passes(
    source: Source,
    passes: Sequence[Sequence[str]],
    work: Callable[[pa.RecordBatch], T],
    *,
    label: str,
    total_rows: int | None = None,
) -> Iterator[T]:
    """:func:`map_batches` over several column passes, one after the other, as one stream.

    The worker pool stays busy across pass boundaries (the next pass starts decoding while the
    last batches of the previous one are still being counted), which matters for wide tables
    with few rows, where a pass is only a few batches. Each batch holds one pass's columns.
    """
    threads = resolve_threads(source.threads)
    batches = itertools.chain.from_iterable(source.batches(cols) for cols in passes)
    if total_rows is not None:
        total_rows *= len(passes)
    bar = progress.current()
    if bar is not None:
        bar.start(label, total_rows)
    try:
        if threads == 1:
            for batch in batches:
                result = work(batch)
                if bar is not None:
                    bar.advance(batch.num_rows)
                yield result
            return
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="driftkl") as pool:
            pending: deque[tuple[int, Any]] = deque()
            for batch in batches:
                pending.append((batch.num_rows, pool.submit(work, batch)))
                if len(pending) >= 2 * threads:
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


def dask_module() -> Any:
    """The :mod:`driftkl.integrations.dask` module; a clear error if the extra is missing."""
    try:
        import driftkl.integrations.dask as mod  # noqa: PLC0415
    except ImportError as exc:
        if isinstance(exc, MissingExtraError):
            raise
        raise MissingExtraError("dask", "engine='dask'", module=exc.name) from exc
    return mod


def dask_source(data: Any, *, side: str, batch_size: int, scheduler: str | None) -> Source:
    """A :class:`~driftkl.sources.Source` over a ``dask.dataframe.DataFrame``."""
    source: Source = dask_module().source_from_dataframe(
        data, side=side, batch_size=batch_size, scheduler=scheduler
    )
    return source
