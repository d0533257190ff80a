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
    "exact_integers",
    "from_numpy",
    "is_unicode",
    "natural_kind",
    "pyarrow_compute",
    "raw_values",
    "timezone_note",
    "to_numpy",
    "type_name",
    "valid_text",
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
        # a dictionary (a pandas categorical) of text, numbers or times is categorical; of
        # integers, decided like integers; of anything else, as unbinnable as its values
        inner = natural_kind(t.value_type, column, where)
        return inner if inner == "integer" else "categorical"
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


def pyarrow_compute() -> Any:
    """``pyarrow.compute``, imported on first use (about 30 ms).

    Float64 and dictionary-coded string columns, the common case, never need it.
    """
    import pyarrow.compute as pc  # noqa: PLC0415

    return pc


# Arrow temporal types are integers underneath: their storage type and units per second.
_PER_SECOND = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}


def _temporal_storage(t: pa.DataType) -> tuple[pa.DataType, float, bool] | None:
    """Storage type, unit factor and whether to multiply (else divide) of a temporal type."""
    if pa.types.is_date32(t):
        return pa.int32(), 86_400.0, True
    if pa.types.is_date64(t):
        return pa.int64(), 1e3, False
    if pa.types.is_timestamp(t) or pa.types.is_duration(t):
        return pa.int64(), _PER_SECOND[t.unit], False
    return None


def as_float_seconds(arr: ArrowArray) -> NDArray[np.float64]:
    """Numeric view of an Arrow array as float64; nulls become NaN.

    Timestamps and dates become seconds since the Unix epoch (UTC), durations seconds.
    Conversions never fail: integers beyond ±2**53 (ids, hashes) and nanosecond timestamps
    round to the nearest float64 (a relative error below 2**-53, about 0.2 µs for a timestamp
    of this century), the same rounding on the reference and the current side, so identical
    data always lands in identical bins. Integer columns are counted on their exact values
    (:func:`exact_integers`); for them the rounding only places the fitted edges.
    """
    if isinstance(arr, pa.ChunkedArray):
        if arr.num_chunks != 1:
            parts = [as_float_seconds(c) for c in arr.chunks]
            return np.concatenate(parts) if parts else np.empty(0, dtype=np.float64)
        arr = arr.chunk(0)
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.cast(t.value_type)
        t = arr.type
    if pa.types.is_null(t):
        return np.full(len(arr), np.nan)
    factor, multiply = 1.0, True
    temporal = _temporal_storage(t)
    if temporal is not None:
        storage, factor, multiply = temporal
        arr = arr.view(storage)
    elif t not in _NUMPY_TYPES:  # decimals, half floats, booleans: rounded to nearest
        arr = pyarrow_compute().cast(arr, pa.float64(), safe=False)
    raw = raw_values(arr)
    valid = validity(arr)
    if raw.dtype == np.float64 and valid is None and factor == 1.0:
        return raw  # zero-copy, read-only view
    out = raw.astype(np.float64)
    if factor != 1.0:
        out = out * factor if multiply else out / factor
    if valid is not None:
        out[~valid] = np.nan
    return out


def exact_integers(arr: ArrowArray) -> tuple[NDArray[Any], int] | None:
    """An integer column's non-null values as ``int64`` (``uint64`` if unsigned), and its nulls.

    ``None`` for any other type. Integer columns are binned on these exact values: float64
    holds integers exactly only up to ±2**53, and ids or hashes beyond that would otherwise
    merge into one value or move across a bin edge. No value is converted to Python.
    """
    t = arr.type
    if pa.types.is_dictionary(t) and pa.types.is_integer(t.value_type):
        arr = arr.cast(t.value_type)
        t = arr.type
    if not pa.types.is_integer(t):
        return None
    target = np.uint64 if pa.types.is_unsigned_integer(t) else np.int64
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    parts = []
    for c in chunks:
        raw = raw_values(c).astype(target, copy=False)
        valid = validity(c)
        parts.append(raw if valid is None else raw[valid])
    if len(parts) == 1:
        return parts[0], int(arr.null_count)
    return np.concatenate([np.empty(0, target), *parts]), int(arr.null_count)


def timezone_note(reference_dtype: str, current: pa.DataType) -> str | None:
    """A note when one side's timestamps have a time zone and the other's do not, else ``None``.

    Timestamps without a time zone are read as UTC, so a naive local time compared with an
    aware one is off by the UTC offset; driftkl keeps comparing and says so.

    >>> timezone_note("timestamp[us]", pa.timestamp("us", tz="Europe/Paris"))[:46]
    'timestamps have no time zone in the reference '
    >>> timezone_note("timestamp[us]", pa.timestamp("ns")) is None
    True
    """
    if pa.types.is_dictionary(current):
        current = current.value_type
    if not reference_dtype.startswith("timestamp[") or not pa.types.is_timestamp(current):
        return None
    ref_zone = reference_dtype.partition("tz=")[2].rstrip("]") or None
    cur_zone = current.tz or None
    if (ref_zone is None) == (cur_zone is None):
        return None
    naive, aware, zone = (
        ("the reference", "the current data", cur_zone)
        if ref_zone is None
        else ("the current data", "the reference", ref_zone)
    )
    return (
        f"timestamps have no time zone in {naive} but are in {zone} in {aware}; the naive "
        "ones are read as UTC, so local times would be off by their UTC offset. Hint: give "
        "both sides the same time zone (e.g. Series.dt.tz_localize)."
    )


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
    r"""Dictionary-encode an Arrow array's values as strings (categories are compared as text).

    Booleans become ``"true"``/``"false"``, integers their decimal text. Text that is not
    valid UTF-8 (Arrow and Parquet do not check it) has each invalid byte replaced by its
    ``\xNN`` escape, on both sides alike, so the category is kept and can be printed.
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    t = arr.type
    if pa.types.is_null(t):
        return pa.DictionaryArray.from_arrays(
            pa.nulls(len(arr), pa.int32()), pa.array([], pa.string())
        )
    if not pa.types.is_dictionary(t):
        if not pa.types.is_string(t):
            arr = arr.cast(pa.string())
        arr = pyarrow_compute().dictionary_encode(arr)
    dictionary = arr.dictionary
    values = valid_text(dictionary)
    return arr if values is dictionary else pa.DictionaryArray.from_arrays(arr.indices, values)


def is_unicode(text: str) -> bool:
    r"""Whether ``text`` can be written as UTF-8 (it holds no lone surrogate).

    >>> is_unicode("caf\u00e9"), is_unicode("caf\udce9")
    (True, False)
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def valid_text(values: pa.Array) -> pa.Array:
    r"""``values`` as a UTF-8 ``string`` array; invalid bytes become ``\xNN`` escapes.

    Validating is one pass over the distinct values' bytes; only an array that holds invalid
    text is converted, value by value (distinct values, never rows).
    """
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    try:
        values.validate(full=True)
    except pa.ArrowInvalid:
        raw = values.view(pa.binary()).to_pylist()
        return pa.array(
            [None if b is None else b.decode("utf-8", "backslashreplace") for b in raw],
            pa.string(),
        )
    return values
