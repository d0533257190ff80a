"""Which columns are checked, what kind each is, and how they are grouped for reading."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftkl.columns import natural_kind, type_name
from driftkl.errors import ColumnNotFoundError, InputError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import pyarrow as pa

    from driftkl.config import ColumnBinning

__all__ = ["column_kinds", "memory_groups", "select_columns"]


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
        configured = binning_for(name).kind
        if configured in ("numeric", "datetime") and natural == "categorical":
            raise InputError(
                f"column {name!r} in {where} has type {type_name(dtype)} and cannot be binned "
                f"as {configured}. Hint: remove columns.{name}.kind or cast the column."
            )
        kinds[name] = configured or natural
    return kinds


def memory_groups(
    columns: Sequence[str], kinds: dict[str, str], rows: int, budget_bytes: int
) -> list[list[str]]:
    """Columns read together by the in-memory fit: numeric values of a group fit the budget.

    Categorical columns keep only per-value counts, so they join the first group; each group
    is one read of its columns.

    >>> memory_groups(["a", "b", "c", "s"], {"a": "numeric", "b": "numeric", "c": "numeric",
    ...               "s": "categorical"}, rows=1000, budget_bytes=16_000)
    [['a', 'b', 's'], ['c']]
    """
    numeric = [c for c in columns if kinds[c] != "categorical"]
    categorical = [c for c in columns if kinds[c] == "categorical"]
    per_group = max(1, budget_bytes // (8 * max(rows, 1)))
    groups = [numeric[i : i + per_group] for i in range(0, len(numeric), per_group)] or [[]]
    groups[0] = [c for c in columns if c in set(groups[0]) | set(categorical)]
    return groups
