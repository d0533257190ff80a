"""Which columns are checked, what kind each is, and how they are grouped for reading."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftkl.columns import natural_kind, type_name
from driftkl.errors import ColumnNotFoundError, InputError
from driftkl.sources import COLUMNS_PER_PASS, column_passes

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import pyarrow as pa

    from driftkl.config import ColumnBinning

__all__ = ["column_kinds", "fit_passes", "select_columns"]


def select_columns(
    names: Sequence[str], include: Sequence[str] | None, exclude: Sequence[str], where: str
) -> list[str]:
    """Columns to check: ``include`` (or all) minus ``exclude``, in source order.

    >>> select_columns(["a", "b", "c"], None, ["b"], "the data")
    ['a', 'c']
    """
    names = list(names)
    if include is not None:
        missing = [c for c in include if c not in names]
        if missing:
            raise ColumnNotFoundError(
                f"column(s) {missing} from include are not in {where} (it has {names}). "
                "Hint: fix the include list or the data."
            )
        names = [c for c in names if c in set(include)]
    chosen = [c for c in names if c not in set(exclude)]
    if not chosen:
        raise InputError(f"no columns left to check in {where}. Hint: check include/exclude.")
    return chosen


def column_kinds(
    schema: pa.Schema,
    columns: Sequence[str],
    binning_for: Callable[[str], ColumnBinning],
    where: str,
) -> dict[str, str]:
    """Each column's kind: its configured kind, or the one its Arrow type implies.

    ``"integer"`` columns are decided after fitting: categorical when they have few distinct
    values, numeric otherwise.
    """
    kinds: dict[str, str] = {}
    for name in columns:
        dtype = schema.field(name).type
        natural = natural_kind(dtype, name, where)
        binning = binning_for(name)
        configured = binning.kind
        if binning.edges is not None and natural == "categorical":
            raise InputError(
                f"columns.{name}.edges set for column {name!r} in {where}, which holds "
                f"{type_name(dtype)} values: edges bin numbers and times. Hint: remove the "
                f"edges, or cast the column to a number."
            )
        if configured in ("numeric", "datetime") and natural == "categorical":
            raise InputError(
                f"column {name!r} in {where} has type {type_name(dtype)} and cannot be binned "
                f"as {configured}. Hint: remove columns.{name}.kind or cast the column."
            )
        kinds[name] = configured or natural
    return kinds


def fit_passes(
    columns: Sequence[str], kinds: dict[str, str], rows: int, budget_bytes: int
) -> list[list[str]]:
    """Column passes of the in-memory fit: a pass's numeric values fit the memory budget.

    Numeric columns come first, at most :data:`~driftkl.sources.COLUMNS_PER_PASS` per pass and
    fewer when their values (8 bytes a row) would exceed the budget; categorical columns keep
    only per-value counts and follow in full passes. The whole list is read as one stream and
    each pass is fitted and released as soon as it is read.

    >>> fit_passes(["a", "b", "c", "s"], {"a": "numeric", "b": "numeric", "c": "numeric",
    ...            "s": "categorical"}, rows=1000, budget_bytes=16_000)
    [['a', 'b'], ['c'], ['s']]
    """
    numeric = [c for c in columns if kinds[c] != "categorical"]
    categorical = [c for c in columns if kinds[c] == "categorical"]
    per_pass = max(1, min(COLUMNS_PER_PASS, budget_bytes // (8 * max(rows, 1))))
    passes = [numeric[i : i + per_pass] for i in range(0, len(numeric), per_pass)]
    return passes + column_passes(categorical)
