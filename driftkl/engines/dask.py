"""The dask engine: one task per partition and pass, merged in a tree on the cluster.

Opt in with ``engine="dask"`` (config key ``engine: dask``), optionally with
``scheduler="tcp://host:8786"`` for a ``dask.distributed`` cluster, or pass a
``dask.dataframe.DataFrame`` as the data::

    report = driftkl.compare(profile, "s3://bucket/current/", engine="dask",
                             scheduler="tcp://scheduler:8786")

Partitions are Parquet row groups (read by the workers with the same reader and options as
the local engine, so the workers need access to the files) or the partitions of a dask
DataFrame. Each task folds ``work`` over its partition's batches; partial results are merged
pairwise in a tree (``merge`` is associative), so only small merged results reach the client:
reports are identical to the local engine's.

Importing this module imports dask; :mod:`driftkl` itself never does (the engine registry
imports it when ``engine="dask"`` is chosen).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from dask.base import compute as _dask_compute
from dask.delayed import delayed as _dask_delayed

from driftkl.engines.base import merge_optional

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    import pyarrow as pa

    from driftkl.config import Execution
    from driftkl.sources import Source

__all__ = ["DaskEngine"]

T = TypeVar("T")

# dask ships partial type hints; treat its entry points as untyped callables.
compute: Any = _dask_compute
delayed: Any = _dask_delayed


def _fold_partition(
    table: pa.Table, work: Callable[[pa.RecordBatch], T], merge: Callable[[T, T], T]
) -> T | None:
    acc: T | None = None
    for batch in table.to_batches():
        part = work(batch)
        acc = part if acc is None else merge(acc, part)
    return acc


def _tree(layer: list[Any], merge: Callable[[T, T], T]) -> Any:
    """Pairwise merges of delayed partial results, as a balanced tree (``None`` if empty)."""
    if not layer:
        return None
    while len(layer) > 1:
        nxt = [
            delayed(merge_optional)(layer[i], layer[i + 1], merge)
            for i in range(0, len(layer) - 1, 2)
        ]
        if len(layer) % 2:
            nxt.append(layer[-1])
        layer = nxt
    return layer[0]


class DaskEngine:
    """Tasks on a dask scheduler (the current one, or ``execution.scheduler``)."""

    name = "dask"

    def __init__(self, execution: Execution) -> None:
        """Use the ``dask.distributed`` scheduler at ``execution.scheduler``, if given."""
        self.scheduler = execution.scheduler

    def map_reduce(
        self,
        source: Source,
        passes: Sequence[Sequence[str]],
        work: Callable[[pa.RecordBatch], T],
        merge: Callable[[T, T], T],
        *,
        label: str,  # noqa: ARG002 - progress is shown by dask's own dashboard
    ) -> Iterator[T | None]:
        """One task per partition and pass; a tree of pairwise merges per pass (the protocol).

        All passes are computed together, then yielded in order.
        """
        roots = [
            _tree(
                [
                    delayed(_fold_partition)(delayed(p.read)(p.arg), work, merge)
                    for p in source.partitions(cols)
                ],
                merge,
            )
            for cols in passes
        ]
        yield from self._compute(roots)

    def _compute(self, tasks: list[Any]) -> list[Any]:
        if self.scheduler is None:
            return list(compute(*tasks))
        import distributed  # noqa: PLC0415 - only for an explicit scheduler address

        client_class: Any = distributed.Client
        with client_class(self.scheduler, set_as_default=False) as client:
            return list(client.gather(client.compute(tasks)))
