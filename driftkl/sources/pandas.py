"""pandas DataFrames: converted to Arrow column by column, with errors that name the column."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from driftkl.errors import InputError
from driftkl.sources.base import check_names

__all__ = ["is_pandas", "table_from_pandas"]


def is_pandas(data: Any) -> bool:
    """Whether ``data`` looks like a pandas DataFrame (checked without importing pandas)."""
    return hasattr(data, "columns") and hasattr(data, "dtypes") and hasattr(data, "iloc")


def _unicode_error(name: str, where: str, exc: UnicodeError) -> InputError:
    return InputError(
        f"column {name!r} in {where} holds text that is not valid Unicode ({exc}), such as a "
        "lone surrogate left by decoding bytes with errors='surrogateescape'. Hint: repair "
        f"it, e.g. df[{name!r}] = df[{name!r}].str.encode('utf-8', 'surrogatepass')"
        ".str.decode('utf-8', 'replace')."
    )


def table_from_pandas(df: Any, where: str) -> pa.Table:
    """The DataFrame as an Arrow table; a clear :class:`InputError` for unconvertible columns.

    Column names are checked first (as text: unique, valid Unicode), then each column is
    converted on its own, so an error names the column it comes from.
    """
    names = check_names([str(name) for name in df.columns], where)
    arrays = []
    for i, name in enumerate(names):
        series = df.iloc[:, i]
        try:
            arrays.append(pa.array(series, from_pandas=True))
        except UnicodeError as exc:
            raise _unicode_error(name, where, exc) from exc
        except OverflowError as exc:
            raise InputError(
                f"column {name!r} in {where} holds integers beyond 64 bits ({exc}). Hint: cast "
                f"it, e.g. df[{name!r}] = df[{name!r}].astype(str) for ids or .astype(float)."
            ) from exc
        except (pa.ArrowException, TypeError, ValueError) as exc:
            kinds = sorted({type(v).__name__ for v in series.dropna().head(10_000)})
            raise InputError(
                f"column {name!r} in {where} mixes value types ({', '.join(kinds)}) and cannot "
                f"be binned ({exc}). Hint: cast it to one type, e.g. "
                f"df[{name!r}] = df[{name!r}].astype(str) for categories or "
                f"pd.to_numeric(df[{name!r}], errors='coerce') for numbers."
            ) from exc
    return pa.Table.from_arrays(arrays, names=names) if arrays else pa.table({})
