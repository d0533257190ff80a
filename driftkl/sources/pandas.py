"""pandas DataFrames: converted to Arrow column by column, with errors that name the column."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from driftkl.errors import InputError

__all__ = ["is_pandas", "table_from_pandas"]


def is_pandas(data: Any) -> bool:
    """Whether ``data`` looks like a pandas DataFrame (checked without importing pandas)."""
    return hasattr(data, "columns") and hasattr(data, "dtypes") and hasattr(data, "iloc")


def table_from_pandas(df: Any, where: str) -> pa.Table:
    """The DataFrame as an Arrow table; a clear :class:`InputError` for unconvertible columns."""
    arrays = []
    names = []
    for name in df.columns:
        series = df[name]
        try:
            arrays.append(pa.array(series, from_pandas=True))
        except (pa.ArrowException, TypeError, ValueError) as exc:
            kinds = sorted({type(v).__name__ for v in series.dropna().head(10_000)})
            raise InputError(
                f"column {name!r} in {where} mixes value types ({', '.join(kinds)}) and cannot "
                f"be binned ({exc}). Hint: cast it to one type, e.g. "
                f"df[{name!r}] = df[{name!r}].astype(str) for categories or "
                f"pd.to_numeric(df[{name!r}], errors='coerce') for numbers."
            ) from exc
        names.append(str(name))
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise InputError(f"{where} has duplicate column names {dupes}. Hint: rename them.")
    return pa.Table.from_arrays(arrays, names=names) if arrays else pa.table({})
