"""Drift over time: :func:`timeline` compares each calendar window of the current data.

The current data is read once: every pass counts each row into its window's bins (grouped
counting, see :func:`driftkl.counting.count_grouped`), so memory holds windows × features ×
bins integers, never rows. Each window is then measured and decided like one
:func:`driftkl.compare` (the same rules, the same report-wide false-alarm control among its
features) and becomes a full :class:`DriftReport` that records its window.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, cast

from driftkl.api import build_report, measure_all, prepare
from driftkl.config import DriftConfig, load_config
from driftkl.counting import count_grouped
from driftkl.errors import ConfigError, InputError
from driftkl.evaluation.decide import decide
from driftkl.grouping import TimeWindows
from driftkl.model.timeline import Timeline, Window, with_window

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from driftkl.counting import GroupCounts

__all__ = ["timeline"]


def timeline(
    reference: Any,
    current: Any,
    *,
    time_column: str,
    every: str,
    timezone: str = "UTC",
    config: str | Path | Mapping[str, Any] | DriftConfig | None = None,
    **overrides: Any,
) -> Timeline:
    """Compare each time window of ``current`` with the reference: one report per window.

    Args:
        reference: a :class:`Profile`, a profile path, or reference data (as for
            :func:`driftkl.compare`); its ``time_column``, if any, is not used.
        current: current data holding ``time_column`` (a timestamp or date column).
        time_column: the column that places each row in a window; it is not judged.
        every: window length: ``"1h"`` .. ``"24h"`` (dividing a day), ``"1d"``, ``"7d"``,
            ``"1w"``; windows follow calendar boundaries of ``timezone`` (days start at local
            midnight, weeks on Monday).
        timezone: IANA zone of the calendar (``"UTC"`` default); naive timestamps are UTC.
        config: as for :func:`driftkl.compare`; ``segment_by`` is not supported here.
        **overrides: config keys that replace the file's values.

    Returns:
        A :class:`Timeline` of the windows holding rows, in time order.

    Raises:
        ConfigError: ``every`` or ``timezone`` is invalid (before any data is read).
        InputError: the time column is missing or not a timestamp/date column.
    """
    started = time.perf_counter()
    windows = TimeWindows(time_column, every, timezone)
    cfg = load_config(config, **overrides)
    if cfg.segment_by:
        raise ConfigError(
            "segment_by is not supported by timeline. Hint: run compare with segment_by on "
            "the window of interest."
        )
    run = prepare(reference, current, cfg, skip=(time_column,))
    windows.check(run.source.schema, run.source.description)
    groups, unplaced = count_grouped(run.source, run.specs, run.engine, windows)
    if not groups:
        raise InputError(
            f"{run.source.description} has no rows with a {time_column!r} value"
            f"{f' ({unplaced} rows without one)' if unplaced else ''}. Hint: check the data "
            "and the filter."
        )
    out = []
    by_index = cast("dict[int, GroupCounts]", groups)  # TimeWindows labels are window indices
    for index in sorted(by_index):
        g = by_index[index]
        results = decide(measure_all(run, g.counts, g.novel), cfg)
        report = build_report(run, results, g.rows, started=started)
        start, end = windows.bounds(index)
        report = with_window(
            report, start, end, every=every, timezone=timezone, time_column=time_column
        )
        out.append(Window(start, end, report))
    return Timeline(
        windows=tuple(out),
        dataset=cfg.dataset,
        time_column=time_column,
        every=every,
        timezone=timezone,
        unplaced_rows=unplaced,
    )
