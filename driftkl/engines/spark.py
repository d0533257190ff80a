"""The Spark engine: every pass is a Spark job; only partial results reach the driver.

Opt in with ``engine="spark"`` (config ``engine: spark`` plus an optional ``spark:`` block
with ``master``, ``app_name`` and ``conf``), pass ``spark=session`` for an existing
``SparkSession``, or give a ``pyspark.sql.DataFrame`` as the data::

    report = driftkl.compare(profile, "s3a://bucket/orders/", engine="spark",
                             spark={"master": "yarn", "conf": {"spark.executor.memory": "4g"}})

With this engine Parquet paths are read by Spark (projection and hive-partition filters
pushed into the scan). A pass over a Spark DataFrame runs ``mapInArrow``: each task folds
``work`` over its partition's Arrow batches and emits one pickled partial result; the partials
are merged with ``treeAggregate`` (on the executors, then the driver), so what crosses the
network is one partial per partition: bin counts for counting, sketches and a few gathered
values for the streaming fit. ``merge`` is associative, so profiles and reports are
identical to the local engine's whatever the partitioning. Other sources (pandas, Arrow) are
shipped as their partitions with ``SparkContext.parallelize``. A Spark DataFrame's length is
not known up front, so numeric reference columns are fitted in exact streaming passes (a few
jobs; never every value gathered on the driver).

Importing this module imports pyspark; :mod:`driftkl` itself never does (the engine registry
imports it when ``engine="spark"`` is chosen). Executors need driftkl installed.
"""

from __future__ import annotations

import functools
import os
import pickle
import shutil
import sys
from typing import TYPE_CHECKING, Any, TypeVar

import pyarrow as pa
from pyspark.sql import SparkSession

from driftkl.engines.base import merge_optional
from driftkl.errors import MissingExtraError
from driftkl.sources.spark_frame import (
    SparkFrameSource,
    is_spark_error,
    open_spark_parquet,
    spark_failure,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from driftkl.config import Execution, SparkConfig
    from driftkl.sources import Source

__all__ = ["SparkEngine", "spark_session"]

T = TypeVar("T")

_ARROW_BATCH = "spark.sql.execution.arrow.maxRecordsPerBatch"
_JAVA_HINT = (
    "install Java 17 or later (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or set "
    "JAVA_HOME, then pip install 'driftkl[spark]'"
)


def spark_session(settings: SparkConfig, *, batch_size: int = 131_072) -> Any:
    """The session given, else the active one, else a new one from ``settings``.

    A local master (``local[...]``) runs the Python workers with this interpreter unless
    ``PYSPARK_PYTHON`` says otherwise, so they see the same packages as the driver. A session
    driftkl builds sends Arrow batches of ``batch_size`` rows to the workers (Spark's default,
    10 000, costs a Python call per 10 000 rows); ``spark.conf`` may set another size.
    """
    if settings.session is not None:
        return settings.session
    active = SparkSession.getActiveSession()
    if active is not None and settings.master is None:
        return active
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise MissingExtraError("spark", "engine='spark' (Java)", module="java", hint=_JAVA_HINT)
    master = settings.master or os.environ.get("MASTER")
    if (master or "local").startswith("local") and "PYSPARK_PYTHON" not in os.environ:
        os.environ["PYSPARK_PYTHON"] = sys.executable
    builder: Any = SparkSession.builder.appName(settings.app_name)
    if settings.master:
        builder = builder.master(settings.master)
    conf = {_ARROW_BATCH: str(batch_size), **settings.conf}
    for key, value in conf.items():
        builder = builder.config(key, value)
    try:
        return builder.getOrCreate()
    except Exception as exc:
        if not is_spark_error(exc):
            raise
        raise MissingExtraError(
            "spark", f"engine='spark' (starting Spark failed: {exc})", hint=_JAVA_HINT
        ) from exc


def _fold(batches: Any, work: Callable[[pa.RecordBatch], T], merge: Callable[[T, T], T]) -> Any:
    acc: T | None = None
    for batch in batches:
        part = work(batch)
        acc = part if acc is None else merge(acc, part)
    return acc


def _partial_batches(
    batches: Iterator[pa.RecordBatch],
    work: Callable[[pa.RecordBatch], T],
    merge: Callable[[T, T], T],
) -> Iterator[pa.RecordBatch]:
    """One task's ``mapInArrow``: its partition folded into one pickled partial result."""
    blob = pickle.dumps(_fold(batches, work, merge), protocol=pickle.HIGHEST_PROTOCOL)
    yield pa.RecordBatch.from_arrays([pa.array([blob], pa.binary())], names=["partial"])


def _unpickle(row: Any) -> Any:
    return pickle.loads(row[0])  # noqa: S301 - written by this engine's own tasks


def _read_and_fold(
    piece: Any, work: Callable[[pa.RecordBatch], T], merge: Callable[[T, T], T]
) -> T | None:
    return _fold(piece.read(piece.arg).to_batches(), work, merge)  # type: ignore[no-any-return]


class SparkEngine:
    """Spark jobs on the session given, the active one, or one built from ``execution.spark``."""

    name = "spark"

    def __init__(self, execution: Execution) -> None:
        """Keep the Spark settings; the session is made when a pass first needs it."""
        self.settings = execution.spark
        self.batch_size = execution.batch_size

    def read_parquet(
        self,
        path: str,
        *,
        side: str,
        row_filter: Sequence[tuple[str, str, Any]],
        batch_size: int,
    ) -> Source:
        """Parquet data read by Spark: a file, folder, hive-partitioned dataset, glob or URL."""
        session = spark_session(self.settings, batch_size=self.batch_size)
        return open_spark_parquet(
            path, session, side=side, row_filter=row_filter, batch_size=batch_size
        )

    def map_reduce(
        self,
        source: Source,
        passes: Sequence[Sequence[str]],
        work: Callable[[pa.RecordBatch], T],
        merge: Callable[[T, T], T],
        *,
        label: str,
    ) -> Iterator[T | None]:
        """One Spark job per pass, partials merged by ``treeAggregate`` (see the protocol)."""
        combine = functools.partial(merge_optional, merge=merge)
        for columns in passes:
            what = f"columns {list(columns)} of {source.description}"
            try:
                rdd = self._partials(source, columns, work, merge, f"driftkl {label}: {what}")
                yield rdd.treeAggregate(None, combine, combine, depth=2)
            except Exception as exc:
                if not is_spark_error(exc):
                    raise
                raise spark_failure(exc, what) from exc

    def _partials(
        self,
        source: Source,
        columns: Sequence[str],
        work: Callable[[pa.RecordBatch], T],
        merge: Callable[[T, T], T],
        description: str,
    ) -> Any:
        """An RDD of one partial result per partition of ``columns``."""
        if isinstance(source, SparkFrameSource):
            frame = source.select(columns)
            frame.sparkSession.sparkContext.setJobDescription(description)
            fold = functools.partial(_partial_batches, work=work, merge=merge)
            return frame.mapInArrow(fold, "partial binary").rdd.map(_unpickle)
        context = spark_session(self.settings, batch_size=self.batch_size).sparkContext
        context.setJobDescription(description)
        pieces = source.partitions(columns)
        fold_piece = functools.partial(_read_and_fold, work=work, merge=merge)
        return context.parallelize(pieces, max(len(pieces), 1)).map(fold_piece)
