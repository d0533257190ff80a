"""Group keys for counting: time windows and segments, computed per batch in numpy/Arrow.

A :class:`Grouping` names the extra columns a counting pass reads and turns a record batch
into one group code per row (``-1``: the row belongs to no group, e.g. its time is missing)
plus the label of each code. Labels are plain, picklable values (a window's index, a segment
value), so the per-group counts of any batch merge with any other's by label.

Windows follow calendar boundaries in a time zone: ``"<n>h"`` windows (``n`` dividing 24)
start at local midnight and every ``n`` hours after; ``"<n>d"`` windows start at local
midnight, counted in days from Monday 1970-01-05, so ``"7d"`` (or ``"1w"``) windows are ISO
weeks starting on Monday; ``"1d"`` windows are calendar days. Naive timestamps are read as
UTC. In a daylight-saving fold, the repeated local hour falls into one window.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pyarrow as pa

from driftkl.columns import as_float_seconds, as_strings, type_name
from driftkl.errors import ConfigError, InputError

if TYPE_CHECKING:
    from collections.abc import Hashable, Sequence

    from numpy.typing import NDArray

__all__ = [
    "MISSING_SEGMENT",
    "OTHER_SEGMENT",
    "Grouping",
    "Segments",
    "TimeWindows",
    "parse_every",
    "top_segments",
]

OTHER_SEGMENT = "(other)"
MISSING_SEGMENT = "(missing)"
_EVERY = re.compile(r"^\s*(\d+)\s*([hdw])\s*$")
_DAY = 86_400
_MONDAY = 4  # 1970-01-05, a Monday, is day 4 of the epoch
_EPOCH = dt.datetime(1970, 1, 1)  # noqa: DTZ001 - local wall-clock arithmetic, zone added later


class Grouping(Protocol):
    """How rows are grouped while counting."""

    @property
    def columns(self) -> tuple[str, ...]:
        """Columns each counting pass reads besides the features."""

    def keys(self, batch: pa.RecordBatch) -> tuple[NDArray[np.int64], Sequence[Hashable]]:
        """One code per row (``-1``: no group) and the label of each code."""


def parse_every(every: Any) -> tuple[int, str]:
    """``"1h"``, ``"6h"``, ``"1d"``, ``"7d"``, ``"2w"`` as ``(seconds, unit)``; else ConfigError.

    >>> parse_every("1d"), parse_every("6h"), parse_every("1w")
    ((86400, 'd'), (21600, 'h'), (604800, 'd'))
    """
    match = _EVERY.match(every) if isinstance(every, str) else None
    hint = (
        "Hint: use hours dividing a day ('1h', '6h'), days ('1d', '7d') or weeks ('1w'); "
        "windows follow calendar boundaries."
    )
    if match is None:
        raise ConfigError(
            f"every must be a duration such as '1h', '1d' or '7d', got {every!r}. {hint}"
        )
    n, unit = int(match.group(1)), match.group(2)
    if n == 0:
        raise ConfigError(f"every must be at least one hour, got {every!r}. {hint}")
    if unit == "h":
        if 24 % n:
            raise ConfigError(
                f"every={every!r}: hour windows must divide a day (1, 2, 3, 4, 6, 8, 12, 24h) "
                f"to stay aligned to midnight. {hint}"
            )
        return n * 3600, "h"
    return n * _DAY * (7 if unit == "w" else 1), "d"


def _zone(timezone: Any) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(str(timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"timezone {timezone!r} is not a known IANA time zone. Hint: 'UTC', "
            "'Europe/Berlin', 'America/New_York'."
        ) from exc


@dataclass(frozen=True)
class TimeWindows:
    """Calendar windows of ``every`` on ``column``, in ``timezone``; labels are window indices."""

    column: str
    every: str
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        """Validate ``every`` and ``timezone`` once, before any data is read."""
        parse_every(self.every)
        _zone(self.timezone)

    @property
    def columns(self) -> tuple[str, ...]:
        """The time column."""
        return (self.column,)

    def check(self, schema: pa.Schema, where: str) -> None:
        """The time column exists and holds timestamps or dates, else an error naming it."""
        if self.column not in schema.names:
            raise InputError(
                f"time column {self.column!r} is not in {where} (it has {schema.names}). "
                "Hint: pass the name of its timestamp column as time_column."
            )
        t = schema.field(self.column).type
        if not (pa.types.is_timestamp(t) or pa.types.is_date(t)):
            raise InputError(
                f"time column {self.column!r} of {where} is {type_name(t)}, not a timestamp "
                "or date. Hint: cast it (pandas: pd.to_datetime(df[col], utc=True))."
            )

    def _local_seconds(self, arr: Any) -> NDArray[np.float64]:
        secs = as_float_seconds(arr)
        if self.timezone == "UTC" or pa.types.is_date(arr.type):
            return secs
        import pandas as pd  # noqa: PLC0415 - loaded with driftkl already

        stamps = pd.to_datetime(secs, unit="s", utc=True).tz_convert(self.timezone)
        local = stamps.tz_localize(None)
        out: NDArray[np.float64] = local.as_unit("ns").asi8.astype(np.float64) / 1e9
        out[np.isnan(secs)] = np.nan
        return out

    def keys(self, batch: pa.RecordBatch) -> tuple[NDArray[np.int64], Sequence[Hashable]]:
        """Window index per row (``-1`` where the time is missing); labels are the indices."""
        size, unit = parse_every(self.every)
        local = self._local_seconds(batch.column(self.column))
        missing = np.isnan(local)
        if unit == "h":
            index = np.floor(np.where(missing, 0, local) / size)
        else:
            days = np.floor(np.where(missing, 0, local) / _DAY) - _MONDAY
            index = np.floor(days / (size // _DAY))
        index = index.astype(np.int64)
        present = ~missing
        labels, codes = np.unique(index[present], return_inverse=True)
        out = np.full(len(local), -1, dtype=np.int64)
        out[present] = codes
        return out, [int(v) for v in labels]

    def bounds(self, index: int) -> tuple[dt.datetime, dt.datetime]:
        """UTC start and end of window ``index`` (local calendar boundaries)."""
        size, unit = parse_every(self.every)
        offset = _MONDAY * _DAY if unit == "d" else 0
        zone = _zone(self.timezone)

        def at(i: int) -> dt.datetime:
            local = _EPOCH + dt.timedelta(seconds=i * size + offset)
            return local.replace(tzinfo=zone).astimezone(dt.timezone.utc)

        return at(index), at(index + 1)


@dataclass(frozen=True)
class Segments:
    """Segments by the values of one or more categorical columns; labels are text.

    One column: the value itself; several: the values joined by ``" | "``; a null value
    reads :data:`MISSING_SEGMENT`.
    """

    by: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """The segment columns."""
        return self.by

    def check(self, schema: pa.Schema, where: str) -> None:
        """Every segment column exists, else an error naming it."""
        missing = [c for c in self.by if c not in schema.names]
        if missing:
            raise InputError(
                f"segment_by column(s) {missing} are not in {where} (it has {schema.names}). "
                "Hint: fix segment_by."
            )

    def keys(self, batch: pa.RecordBatch) -> tuple[NDArray[np.int64], Sequence[Hashable]]:
        """Segment code per row (never ``-1``) and each code's label."""
        combined = np.zeros(batch.num_rows, dtype=np.int64)
        values: list[list[str]] = []
        for name in self.by:
            enc = as_strings(batch.column(name))
            names = [MISSING_SEGMENT if v is None else v for v in enc.dictionary.to_pylist()]
            names.append(MISSING_SEGMENT)
            idx = enc.indices.fill_null(len(names) - 1).to_numpy(zero_copy_only=False)
            combined = combined * len(names) + idx.astype(np.int64)
            values.append(names)
        uniq, codes = np.unique(combined, return_inverse=True)
        labels = []
        for code in uniq.tolist():
            parts = []
            for names in reversed(values):
                code, i = divmod(code, len(names))  # noqa: PLW2901 - peel one column's index
                parts.append(names[i])
            labels.append(" | ".join(reversed(parts)))
        return codes.astype(np.int64), labels


def top_segments(reference_rows: dict[Hashable, int], cap: int) -> set[Hashable]:
    """The ``cap`` segments with the most reference rows (ties by label), kept by name."""
    ranked = sorted(reference_rows.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return {k for k, rows in ranked[:cap] if rows > 0 and k != OTHER_SEGMENT}
