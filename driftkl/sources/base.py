"""The source protocol: what every input offers the engines.

A source has a description (for messages), an Arrow schema, a row count when it is cheap to
know, and two ways to read only some columns: :meth:`Source.batches` streams record batches
in order (the local engine), :meth:`Source.partitions` cuts the data into independently
readable pieces (distributed engines). Adding an input is one module that implements this
protocol plus one opener in :mod:`driftkl.sources`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from driftkl.columns import is_unicode
from driftkl.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    import pyarrow as pa

__all__ = [
    "COLUMNS_PER_PASS",
    "DEFAULT_BATCH_SIZE",
    "FILTER_TERMS",
    "Partition",
    "Source",
    "check_names",
    "column_passes",
    "filter_conjunction",
    "path_columns",
]

# Columns decoded together in one pass over the data: passes over a few columns at a time
# keep the decoded row-group slices small (memory) at no extra decoding cost, since a pass
# reads only its own column chunks.
COLUMNS_PER_PASS = 8
DEFAULT_BATCH_SIZE = 131_072


def column_passes(columns: Sequence[str]) -> list[list[str]]:
    """``columns`` cut into reading passes of at most :data:`COLUMNS_PER_PASS`.

    >>> column_passes(list("abcdefghij"))
    [['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], ['i', 'j']]
    """
    return [
        list(columns[i : i + COLUMNS_PER_PASS]) for i in range(0, len(columns), COLUMNS_PER_PASS)
    ]


def check_names(names: Sequence[str], where: str) -> list[str]:
    """``names`` as a list, or an :class:`InputError` naming duplicate or non-Unicode ones.

    Every reading pass selects columns by name, so two columns of one name cannot be told
    apart; a name with a lone surrogate cannot be written to a profile or a report.

    >>> check_names(["a", "b"], "the data")
    ['a', 'b']
    """
    names = list(names)
    bad = [n for n in names if not is_unicode(n)]
    if bad:
        raise InputError(
            f"{where} has a column named {bad[0]!r}, which is not valid Unicode (it holds a "
            "lone surrogate). Hint: rename the column."
        )
    dupes = sorted(n for n, c in Counter(names).items() if c > 1)
    if dupes:
        raise InputError(
            f"{where} has duplicate column names {dupes}: columns are read by name, so they "
            "cannot be told apart. Hint: rename or drop the duplicates (in pandas: "
            "df.loc[:, ~df.columns.duplicated()])."
        )
    return names


@dataclass(frozen=True)
class Partition:
    """One independently readable piece of a source, shippable to a worker.

    ``read(arg)`` returns the piece as a ``pyarrow.Table``. ``read`` is a module-level
    function (so it pickles); ``arg`` is plain data or a lazy handle an engine resolves first
    (a dask DataFrame partition is a ``dask.delayed`` object).
    """

    read: Callable[[Any], pa.Table]
    arg: Any


class Source(Protocol):
    """A tabular input, read column subset by column subset."""

    @property
    def description(self) -> str:
        """Where the data comes from, for messages (``"current 'data/2026-11-28.parquet'"``)."""

    @property
    def schema(self) -> pa.Schema:
        """The Arrow schema of the whole input."""

    @property
    def engine_hint(self) -> str | None:
        """An engine this input must run on (a dask DataFrame: ``"dask"``), else ``None``."""

    def count_rows(self) -> int | None:
        """Number of rows if cheap to know (metadata), else ``None``."""

    def batches(self, columns: Sequence[str]) -> Iterator[pa.RecordBatch]:
        """Record batches holding only ``columns``, in a fixed order."""

    def partitions(self, columns: Sequence[str]) -> list[Partition]:
        """Independently readable pieces holding only ``columns``, in order."""


def path_columns(source: object) -> tuple[str, ...]:
    """Columns a source derives from its paths (hive ``key=value`` folders), not its files.

    A reference profile built from one file lacks them; they are not "added" columns.
    Sources without such columns need not define ``path_columns``.
    """
    return tuple(getattr(source, "path_columns", ()))


#: How each operator the config accepts (:data:`~driftkl.config.choices.FILTER_OPS`) builds a term.
FILTER_TERMS: dict[str, Callable[[Any, Any], Any]] = {
    "==": lambda c, v: c == v,
    "!=": lambda c, v: c != v,
    "<": lambda c, v: c < v,
    "<=": lambda c, v: c <= v,
    ">": lambda c, v: c > v,
    ">=": lambda c, v: c >= v,
    "in": lambda c, v: c.isin(list(v)),
    "not in": lambda c, v: ~c.isin(list(v)),
}


def filter_conjunction(
    conditions: Sequence[tuple[str, str, Any]],
    names: Sequence[str],
    where: str,
    column: Callable[[str], Any],
    value: Callable[[str, Any], Any] = lambda _c, v: v,
) -> Any:
    """The AND of every ``[column, op, value]`` filter condition, ``None`` for no condition.

    ``column(name)`` is the engine's column expression (an Arrow field, a Spark column) and
    ``value(name, v)`` the value typed for it; any object with the comparison operators,
    ``isin`` and ``~`` works.

    >>> import pandas as pd
    >>> s = pd.Series([1, 2, 3])
    >>> list(filter_conjunction([("x", ">", 1), ("x", "not in", [3])], ["x"], "t", lambda _: s))
    [False, True, False]

    Raises:
        InputError: a condition names a column not in ``names``.
    """
    missing = [c for c, _, _ in conditions if c not in names]
    if missing:
        raise InputError(
            f"filter names column(s) {missing} not in {where} (columns: {list(names)})."
        )
    expr = None
    for name, op, v in conditions:
        term = FILTER_TERMS[op](column(name), value(name, v))
        expr = term if expr is None else expr & term
    return expr
