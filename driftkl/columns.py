"""Arrow column types → driftkl column kinds, and Arrow arrays → numpy buffers for counting.

Kinds: ``numeric`` (floats, decimals, durations, and integers with many distinct values),
``categorical`` (strings, dictionaries / pandas categoricals, booleans, low-cardinality
integers), ``datetime`` (timestamps and dates, binned as seconds since the Unix epoch, UTC).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pyarrow as pa

from driftkl.errors import UnbinnableTypeError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "as_float_seconds",
    "as_strings",
    "from_numpy",
    "natural_kind",
    "raw_values",
    "to_numpy",
    "type_name",
    "validity",
]

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


def _pc() -> Any:
    """``pyarrow.compute``, imported on first use (about 80 ms).

    Float64 and dictionary-coded string columns, the common case, never need it.
    """
    import pyarrow.compute as pc  # noqa: PLC0415

    return pc


def as_float_seconds(arr: ArrowArray) -> NDArray[np.float64]:
    """Numeric view of an Arrow array as float64; nulls become NaN.

    Timestamps and dates become seconds since the Unix epoch (UTC), durations seconds.
    """
    t = arr.type
    pc: Any = _pc() if not pa.types.is_float64(t) or arr.null_count else None
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
        if not pa.types.is_float64(arr.type):
            arr = _pc().cast(arr, pa.float64())
        out: NDArray[np.float64] = raw_values(arr).astype(np.float64)
        valid = validity(arr)
        if valid is not None:
            out[~valid] = np.nan
        return out
    return np.asarray(to_numpy(arr), dtype=np.float64)


def validity(arr: pa.Array) -> NDArray[np.bool_] | None:
    """Boolean mask of the non-null slots, or ``None`` when there are no nulls."""
    if arr.null_count == 0:
        return None
    buf = arr.buffers()[0]
    if buf is None:  # a null-typed array: nothing is valid
        return np.zeros(len(arr), dtype=bool)
    bits = np.unpackbits(np.frombuffer(buf, dtype=np.uint8), bitorder="little")
    return bits[arr.offset : arr.offset + len(arr)].astype(bool)


def raw_values(arr: pa.Array) -> NDArray[Any]:
    """The values buffer of a primitive array as numpy, ignoring validity (nulls hold junk)."""
    dtype = _NUMPY_TYPES[arr.type]
    buf = arr.buffers()[1]
    if buf is None or len(arr) == 0:
        return np.empty(0, dtype=dtype)
    size = np.dtype(dtype).itemsize
    return np.frombuffer(buf, dtype=dtype, count=len(arr), offset=arr.offset * size)


_NUMPY_TYPES = {
    pa.int8(): np.int8,
    pa.int16(): np.int16,
    pa.int32(): np.int32,
    pa.int64(): np.int64,
    pa.uint8(): np.uint8,
    pa.uint16(): np.uint16,
    pa.uint32(): np.uint32,
    pa.uint64(): np.uint64,
    pa.float32(): np.float32,
    pa.float64(): np.float64,
}


def to_numpy(arr: pa.Array) -> NDArray[Any]:
    """A numpy view (zero-copy) of a primitive Arrow array without nulls, else a copy.

    :meth:`pyarrow.Array.to_numpy` goes through pyarrow's pandas conversion layer and imports
    pandas (about half a second of start-up); viewing the data buffer never does.
    """
    if arr.type not in _NUMPY_TYPES or arr.null_count:
        copied: NDArray[Any] = arr.to_numpy(zero_copy_only=False)
        return copied
    return raw_values(arr)


def from_numpy(x: NDArray[Any]) -> pa.Array:
    """An Arrow array over a 1-d numpy array of a primitive type (zero-copy, no pandas import).

    ``pyarrow.array`` imports pandas on first use (to recognise pandas inputs); building the
    array from its buffer does not.
    """
    x = np.ascontiguousarray(x)
    t = pa.from_numpy_dtype(x.dtype)
    return pa.Array.from_buffers(t, len(x), [None, pa.py_buffer(x)])


def as_strings(arr: ArrowArray) -> pa.DictionaryArray:
    """Dictionary-encode an Arrow array's values as strings (categories are compared as text).

    Booleans become ``"true"``/``"false"``, integers their decimal text.
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    t = arr.type
    if pa.types.is_dictionary(t):
        values = arr.dictionary
        if pa.types.is_string(values.type):
            return arr
        if not (pa.types.is_string(values.type)):
            values = values.cast(pa.string())
        return pa.DictionaryArray.from_arrays(arr.indices, values)
    if pa.types.is_null(t):
        return pa.DictionaryArray.from_arrays(
            pa.nulls(len(arr), pa.int32()), pa.array([], pa.string())
        )
    if not pa.types.is_string(t):
        arr = arr.cast(pa.string())
    return _pc().dictionary_encode(arr)
