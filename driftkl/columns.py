"""Arrow column types → driftkl column kinds, and Arrow arrays → numpy buffers for counting.

Kinds: ``numeric`` (floats, decimals, durations, and integers with many distinct values),
``categorical`` (strings, dictionaries / pandas categoricals, booleans, low-cardinality
integers), ``datetime`` (timestamps and dates, binned as seconds since the Unix epoch, UTC).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from driftkl.errors import UnbinnableTypeError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["as_float_seconds", "as_strings", "natural_kind", "type_name"]

ArrowArray: TypeAlias = Any  # pa.Array | pa.ChunkedArray (pyarrow ships no type hints)


def type_name(t: pa.DataType) -> str:
    """A stable, readable name of an Arrow type (``double``, ``string``, ``timestamp[us]``)."""
    if pa.types.is_dictionary(t):
        return f"dictionary<{type_name(t.value_type)}>"
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    return str(t)


def natural_kind(t: pa.DataType, column: str, where: str) -> str:
    """The kind a column of Arrow type ``t`` gets unless configured otherwise.

    Integers return ``"integer"``: the caller decides numeric vs categorical from the number
    of distinct reference values.

    Raises:
        UnbinnableTypeError: for nested, binary and other types that have no ordering or
            vocabulary driftkl can bin.
    """
    if pa.types.is_dictionary(t):
        return (
            natural_kind(t.value_type, column, where)
            if pa.types.is_integer(t.value_type)
            else ("categorical")
        )
    if pa.types.is_boolean(t) or pa.types.is_string(t) or pa.types.is_large_string(t):
        return "categorical"
    if pa.types.is_string_view(t):
        return "categorical"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t) or pa.types.is_decimal(t) or pa.types.is_duration(t):
        return "numeric"
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return "datetime"
    if pa.types.is_null(t):
        # A column with no values at all (e.g. an all-None object column): binned as
        # categorical so every row lands in the missing bin.
        return "categorical"
    raise UnbinnableTypeError(
        f"column {column!r} in {where} has type {type_name(t)}, which driftkl cannot bin "
        "(only numbers, strings, booleans, categoricals, dates and timestamps). "
        f"Hint: exclude it (exclude: [{column}]) or derive a scalar column from it."
    )


def as_float_seconds(arr: ArrowArray) -> NDArray[np.float64]:
    """Numeric view of an Arrow array as float64; nulls become NaN.

    Timestamps and dates become seconds since the Unix epoch (UTC), durations seconds.
    """
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.cast(t.value_type) if isinstance(arr, pa.Array) else pc.cast(arr, t.value_type)
        t = arr.type
    if pa.types.is_date(t):
        arr = pc.cast(arr, pa.timestamp("s"))
        t = arr.type
    if pa.types.is_timestamp(t) or pa.types.is_duration(t):
        scale = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}[t.unit]
        ints = pc.cast(arr, pa.int64())
        out = _to_numpy_float(ints)
        return out / scale if scale != 1.0 else out
    if not pa.types.is_float64(t):
        arr = pc.cast(arr, pa.float64())
    return _to_numpy_float(arr)


def _to_numpy_float(arr: ArrowArray) -> NDArray[np.float64]:
    if isinstance(arr, pa.ChunkedArray):
        if arr.num_chunks == 1:
            arr = arr.chunk(0)
        else:
            return (
                np.concatenate([_to_numpy_float(c) for c in arr.chunks])
                if arr.num_chunks
                else (np.empty(0, dtype=np.float64))
            )
    if arr.null_count:
        arr = pc.fill_null(pc.cast(arr, pa.float64()), np.nan)
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=np.float64)


def as_strings(arr: ArrowArray) -> pa.DictionaryArray:
    """Dictionary-encode an Arrow array's values as strings (categories are compared as text).

    Booleans become ``"true"``/``"false"``, integers their decimal text.
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    t = arr.type
    if pa.types.is_dictionary(t):
        values = arr.dictionary
        if not (pa.types.is_string(values.type)):
            values = values.cast(pa.string())
        return pa.DictionaryArray.from_arrays(arr.indices, values)
    if pa.types.is_null(t):
        return pa.DictionaryArray.from_arrays(
            pa.nulls(len(arr), pa.int32()), pa.array([], pa.string())
        )
    if not pa.types.is_string(t):
        arr = arr.cast(pa.string())
    return pc.dictionary_encode(arr)
