"""Dask engine: per-partition counts on a dask scheduler, summed on the client.

Opt in with ``engine="dask"`` (config key ``engine: dask``), optionally with
``scheduler="tcp://host:8786"`` for a ``dask.distributed`` cluster, or pass a
``dask.dataframe.DataFrame`` as the data::

    report = driftkl.compare(profile, "s3://bucket/current/", engine="dask",
                             scheduler="tcp://scheduler:8786")

Partitions are Parquet row groups (read by the workers with the same reader and options as the
local engine, so the workers need access to the files) or the partitions of a dask DataFrame.
Each task returns small integer count vectors, summed on the client: reports are identical to
the local engine's. Fitting a reference (when no saved profile is given) sums categorical
counts per partition. Numeric columns of a dask DataFrame, and of Parquet data too large for
``binning.reference_memory_mib``, get exact quantiles from streaming passes whose tasks return
only counts, a serialised sketch and a few thousand values per quantile
(:mod:`driftkl.streamfit`); smaller Parquet references gather their values to the client and
sort them there.

Importing this module imports dask; :mod:`driftkl` itself never does.
"""

# ruff: noqa: SLF001 - the engine reads Source internals and dask's documented ``_meta``
from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pyarrow as pa
from dask.base import compute as _dask_compute
from dask.delayed import delayed as _dask_delayed

from driftkl.errors import InputError
from driftkl.sources import Source, _from_pandas

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from numpy.typing import NDArray

    from driftkl.bins import BinSpec
    from driftkl.fit import _Accumulator

__all__ = ["count", "gather_reference", "map_batches", "source_from_dataframe"]

T = TypeVar("T")

# dask ships partial type hints; treat its entry points as untyped callables.
compute: Any = _dask_compute
delayed: Any = _dask_delayed


def source_from_dataframe(ddf: Any, *, side: str, batch_size: int, scheduler: str | None) -> Source:
    """A source over a ``dask.dataframe.DataFrame`` (always processed by the dask engine)."""
    where = f"the {side} dask DataFrame"
    schema = _from_pandas(ddf._meta, where).schema
    return Source(
        description=where,
        schema=schema,
        _dask=ddf,
        _batch_size=batch_size,
        engine="dask",
        scheduler=scheduler,
    )


def _partitions(source: Source, columns: Sequence[str]) -> list[Any]:
    """Delayed objects, one per partition, each evaluating to a ``pyarrow.Table``."""
    if source._dask is not None:
        ddf = source._dask[list(columns)]
        where = source.description
        return [delayed(_table_from_pandas)(part, where) for part in ddf.to_delayed()]
    if source._table is not None:  # in-memory data: one slice per batch
        table = source._table.select(list(columns))
        step = source._batch_size
        return [table.slice(i, step) for i in range(0, max(table.num_rows, 1), step)]
    dataset = source._scan_dataset if source._scan_dataset is not None else source._dataset
    out: list[Any] = []
    for fragment in dataset.get_fragments(filter=source._filter):
        pieces = (
            fragment.split_by_row_group() if hasattr(fragment, "split_by_row_group") else [fragment]
        )
        out.extend(
            delayed(_read_fragment)(
                piece,
                dataset.schema,
                list(columns),
                source._filter,
                source.description,
            )
            for piece in pieces
        )
    return out


def _table_from_pandas(df: Any, where: str) -> pa.Table:
    return _from_pandas(df, where)


def _read_fragment(
    fragment: Any, schema: pa.Schema, columns: list[str], filt: Any, where: str
) -> pa.Table:
    try:
        return fragment.to_table(schema=schema, columns=columns, filter=filt)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            f"cannot read Parquet data from {where} ({fragment.path}): {exc}. "
            "Hint: the workers must see the same files (a shared file system or object store)."
        ) from exc


def _count_part(
    table: pa.Table, specs: dict[str, BinSpec]
) -> tuple[int, dict[str, NDArray[np.int64]]]:
    from driftkl.fit import count_batch  # noqa: PLC0415

    counts = {n: np.zeros(s.n_bins, dtype=np.int64) for n, s in specs.items()}
    for batch in table.to_batches():
        for name, c in count_batch(batch, specs).items():
            counts[name] += c
    return table.num_rows, counts


def _gather_part(table: pa.Table, naturals: dict[str, str]) -> tuple[int, dict[str, _Accumulator]]:
    from driftkl.fit import _Accumulator  # noqa: PLC0415

    accs = {n: _Accumulator(k) for n, k in naturals.items()}
    for batch in table.to_batches():
        for name, acc in accs.items():
            acc.add(batch.column(name))
    return table.num_rows, accs


def _compute(tasks: list[Any], scheduler: str | None) -> list[Any]:
    if scheduler is None:
        return list(compute(*tasks))
    import distributed  # noqa: PLC0415

    client_class: Any = distributed.Client
    with client_class(scheduler, set_as_default=False) as client:
        return list(client.gather(client.compute(tasks)))


def count(source: Source, specs: dict[str, BinSpec]) -> tuple[dict[str, NDArray[np.int64]], int]:
    """Count every column of ``source`` into its bins, one task per partition."""
    columns = list(specs)
    tasks = [delayed(_count_part)(part, specs) for part in _partitions(source, columns)]
    counts = {n: np.zeros(specs[n].n_bins, dtype=np.int64) for n in columns}
    rows = 0
    for n_rows, part in _compute(tasks, source.scheduler):
        rows += n_rows
        for name, c in part.items():
            counts[name] += c
    return counts, rows


def _map_part(table: pa.Table, work: Callable[[pa.RecordBatch], T]) -> list[T]:
    return [work(batch) for batch in table.to_batches()]


def map_batches(
    source: Source, columns: Sequence[str], work: Callable[[pa.RecordBatch], T]
) -> Iterator[T]:
    """``work`` applied to every batch of every partition on the cluster; results in order.

    Used by the streaming reference fit (:mod:`driftkl.streamfit`): ``work`` returns small
    per-batch summaries (counts, a serialised sketch), so the client never holds the data.
    """
    tasks = [delayed(_map_part)(part, work) for part in _partitions(source, columns)]
    for results in _compute(tasks, source.scheduler):
        yield from results


def gather_reference(
    source: Source, columns: Sequence[str], kinds: dict[str, str]
) -> tuple[dict[str, _Accumulator], int]:
    """Per-partition reference accumulators, merged in partition order on the client."""
    from driftkl.fit import _Accumulator, _merge  # noqa: PLC0415

    naturals = {n: "categorical" if kinds[n] == "categorical" else "numeric" for n in columns}
    tasks = [delayed(_gather_part)(part, naturals) for part in _partitions(source, columns)]
    accs = {n: _Accumulator(k) for n, k in naturals.items()}
    rows = 0
    for n_rows, part in _compute(tasks, source.scheduler):
        rows += n_rows
        for name, acc in part.items():
            _merge(accs[name], acc)
    return accs, rows
