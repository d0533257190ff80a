"""A ``pyspark.sql.DataFrame`` as a source, recognised without importing pyspark.

The frame is read where it lives: the Spark engine runs each column pass as a Spark job over
the frame's own partitions (``mapInArrow``), so only partial results reach the driver
(:attr:`engine_hint` is ``"spark"``). Parquet paths read by the Spark engine end here too
(:func:`open_spark_parquet`): Spark lists the files (local, HDFS, object stores), each pass
selects only its columns (projection pushed into the Parquet scan) and a row filter on
hive-partition keys prunes folders before any file is opened.

The Arrow schema is the one Spark sends its Arrow batches in (``pyspark``'s own conversion;
Spark timestamps are labelled UTC), so the types a profile records are the engine's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from driftkl import errors
from driftkl._optional import import_optional
from driftkl.errors import InputError
from driftkl.sources.base import (
    DEFAULT_BATCH_SIZE,
    Partition,
    check_names,
    filter_conjunction,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    import pyarrow as pa

__all__ = [
    "SparkFrameSource",
    "is_spark_error",
    "is_spark_frame",
    "open_spark_parquet",
    "spark_failure",
]

_THROWN = re.compile(r"^[A-Za-z_][\w.$]*(Error|Exception): ")
_RAISED = re.compile(r"^driftkl\.errors\.(\w+): (.+)$", re.MULTILINE)


def is_spark_frame(data: Any) -> bool:
    """Whether ``data`` is a Spark DataFrame (duck-typed: ``sparkSession`` and ``mapInArrow``)."""
    return hasattr(data, "sparkSession") and hasattr(data, "mapInArrow")


def is_spark_error(exc: BaseException) -> bool:
    """Whether ``exc`` comes from Spark (a failed job, analysis error, JVM error)."""
    return type(exc).__module__.startswith(("pyspark", "py4j"))


def spark_failure(exc: BaseException, what: str) -> errors.DriftklError:
    """The driftkl error for a failed Spark job on ``what`` (the columns and the data).

    A driftkl error raised by the work on an executor comes back as its own class and message;
    any other failure as an :class:`~driftkl.errors.InputError` carrying Spark's message (which
    names the file for read errors).
    """
    text = str(exc)
    raised = _RAISED.findall(text)
    if raised:
        name, message = raised[-1]
        cls = getattr(errors, name, None)
        if isinstance(cls, type) and issubclass(cls, InputError | errors.ConfigError):
            return cls(message)
    lines = [ln.strip().lstrip(": ") for ln in text.strip().splitlines() if ln.strip()]
    thrown = [ln for ln in lines if _THROWN.match(ln)]  # Java or Python "XError: message" lines
    if "Traceback (most recent call last)" in text and thrown:
        first = thrown[-1]  # a Python worker's exception: the last line of its traceback
    else:
        first = (thrown or lines or [type(exc).__name__])[0]
    return InputError(
        f"Spark failed on {what}: {first}. Hint: the Spark driver log and UI have the full "
        "error; check that every executor can read the data and has driftkl installed "
        "(pip install 'driftkl[spark]' in the executors' Python)."
    )


def _arrow_schema(frame: Any, where: str) -> pa.Schema:
    """The Arrow schema of ``frame``'s Arrow batches, Spark timestamps labelled UTC.

    A Spark ``TIMESTAMP`` is an instant (microseconds since the epoch, UTC); Spark sends it
    labelled with the session time zone, but the values are the same, so it is recorded as
    ``timestamp[us, tz=UTC]`` whatever the session's zone (as a local read of a UTC file).
    """
    types = import_optional("pyspark.sql.pandas.types", extra="spark", feature="Spark DataFrames")
    try:
        schema: pa.Schema = types.to_arrow_schema(frame.schema, timezone="UTC")
    except Exception as exc:
        raise InputError(
            f"{where} has a column type driftkl cannot read through Arrow ({exc}). Hint: "
            "select or cast the columns to check (numbers, strings, booleans, dates, "
            "timestamps)."
        ) from exc
    return schema


def _to_arrow(frame: Any) -> pa.Table:
    """The whole (projected) frame as one Arrow table in this process."""
    table: pa.Table = frame.toArrow()
    return table


@dataclass(frozen=True)
class SparkFrameSource:
    """A Spark DataFrame read column pass by column pass, by Spark jobs."""

    description: str
    schema: pa.Schema
    frame: Any
    batch_size: int = DEFAULT_BATCH_SIZE
    engine_hint: str | None = "spark"

    @classmethod
    def of(
        cls, frame: Any, *, side: str, batch_size: int, where: str | None = None
    ) -> SparkFrameSource:
        """A source over ``frame``; its schema comes from the frame's plan (no job runs)."""
        where = where or f"the {side} Spark DataFrame"
        check_names(frame.columns, where)
        return cls(where, _arrow_schema(frame, where), frame, batch_size)

    def count_rows(self) -> None:
        """Unknown: a numeric reference column is fitted in streaming passes on Spark.

        Spark could count the rows, but the in-memory fit would then gather every reference
        value on the driver; streaming sends only sketches, counts and a few values per
        partition (the same exact edges, see :mod:`driftkl.fitting.streaming`).
        """
        return

    def select(self, columns: Sequence[str]) -> Any:
        """The frame projected on ``columns`` (a pass reads only its own columns)."""
        return self.frame.select(*[self.frame[c] for c in columns])

    def batches(self, columns: Sequence[str]) -> Iterator[pa.RecordBatch]:
        """The pass collected into this process (engines other than Spark; holds the data)."""
        yield from _to_arrow(self.select(columns)).to_batches(max_chunksize=self.batch_size)

    def partitions(self, columns: Sequence[str]) -> list[Partition]:
        """One piece, collected through this process (the Spark engine uses :meth:`select`)."""
        return [Partition(_to_arrow, self.select(columns))]


def _where(frame: Any, conditions: Sequence[tuple[str, str, Any]], where: str) -> Any:
    """``frame`` filtered by every ``[column, op, value]`` condition (Spark prunes partitions)."""
    cond = filter_conjunction(conditions, list(frame.columns), where, frame.__getitem__)
    return frame if cond is None else frame.where(cond)


def open_spark_parquet(
    path: str,
    session: Any,
    *,
    side: str,
    row_filter: Sequence[tuple[str, str, Any]] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> SparkFrameSource:
    """Parquet data (file, folder, hive-partitioned dataset, glob or URL) read by ``session``.

    Spark lists the files when the frame is made; nothing else is read until a pass runs.
    """
    where = f"{side} {path!r}"
    try:
        frame = _where(session.read.parquet(path), row_filter, where)
    except Exception as exc:
        if not is_spark_error(exc):
            raise
        lines = str(exc).strip().splitlines()
        raise InputError(
            f"Spark cannot read Parquet data from {where}: {lines[0] if lines else exc!r}. "
            "Hint: check that the path exists for the Spark cluster (a shared file system or "
            "an object-store URL) and holds Parquet files."
        ) from exc
    return SparkFrameSource.of(frame, side=side, batch_size=batch_size, where=where)
