"""Rendering a timeline: a feature × window status grid, a line per feature, a matplotlib plot.

Typed against the small protocols below (and :mod:`driftkl.render.views`), never the model.
The line of a feature shows its deciding metric (the first with a threshold) per window, the
drift threshold as a dashed line and each point coloured by the window's status.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import zoneinfo
from html import escape
from typing import TYPE_CHECKING, Any, Protocol

from driftkl._optional import import_optional
from driftkl.render.figure import deciding_metric
from driftkl.render.html import CSS, STATUS_COLOURS
from driftkl.render.numbers import format_number as fmt_number

if TYPE_CHECKING:
    from collections.abc import Sequence

    from driftkl.render.views import FeatureView, ReportView

__all__ = ["TimelineView", "WindowView", "metric_series", "plot_timeline", "timeline_html"]

_EMPTY = "#e0e0e0"


class WindowView(Protocol):
    """One window of a timeline."""

    @property
    def start(self) -> dt.datetime: ...  # noqa: D102
    @property
    def end(self) -> dt.datetime: ...  # noqa: D102
    @property
    def rows(self) -> int: ...  # noqa: D102
    @property
    def status(self) -> str: ...  # noqa: D102
    @property
    def report(self) -> ReportView: ...  # noqa: D102


class TimelineView(Protocol):
    """A timeline."""

    @property
    def windows(self) -> Sequence[WindowView]: ...  # noqa: D102
    @property
    def features(self) -> tuple[str, ...]: ...  # noqa: D102
    @property
    def dataset(self) -> str: ...  # noqa: D102
    @property
    def every(self) -> str: ...  # noqa: D102
    @property
    def timezone(self) -> str: ...  # noqa: D102
    @property
    def time_column(self) -> str: ...  # noqa: D102
    @property
    def status(self) -> str: ...  # noqa: D102


def _feature(w: WindowView, name: str) -> FeatureView | None:
    return next((f for f in w.report.features if f.name == name), None)


def metric_series(
    timeline: TimelineView, feature: str
) -> tuple[str, str, list[float | None], list[str | None], float | None, float | None]:
    """``feature``'s deciding metric per window: name, unit, values, statuses, warn, drift.

    The values are those the thresholds were compared with: net of the noise floor when the
    report's ``threshold_on`` is ``bias_corrected`` (the name then says "net of noise"), the
    plug-in values otherwise. Values and statuses are ``None`` where a window does not
    report the feature.
    """
    name, unit, warn, drift = "", "", None, None
    values: list[float | None] = []
    statuses: list[str | None] = []
    for w in timeline.windows:
        f = _feature(w, feature)
        chosen = None if f is None else deciding_metric(f)
        if f is None or chosen is None:
            values.append(None)
            statuses.append(None if f is None else f.status)
            continue
        name, m = chosen
        unit, warn, drift = m.unit, m.warn, m.drift
        net = w.report.settings.get("threshold_on") == "bias_corrected"
        if net and m.bias_corrected is not None:
            name = f"{name} net of noise"
            values.append(m.bias_corrected)
        else:
            values.append(m.value)
        statuses.append(f.status)
    return name, unit, values, statuses, warn, drift


def _label(w: WindowView, timezone: str) -> str:
    start = w.start
    with contextlib.suppress(ValueError, KeyError, zoneinfo.ZoneInfoNotFoundError):
        start = start.astimezone(zoneinfo.ZoneInfo(timezone))
    if (w.end - w.start) >= dt.timedelta(days=1):
        return start.strftime("%Y-%m-%d")
    return start.strftime("%m-%d %H:%M")


def _line_svg(timeline: TimelineView, feature: str, *, width: int = 640, height: int = 90) -> str:
    name, unit, values, statuses, warn, drift = metric_series(timeline, feature)
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return f'<span class="muted">{escape(feature)}: no finite metric values</span>'
    top = max([*finite, *(t for t in (warn, drift) if t is not None)]) or 1.0
    n = len(values)
    pad_l, pad_r, pad_y = 8, 8, 10

    def x(i: int) -> float:
        return pad_l + (width - pad_l - pad_r) * (i + 0.5) / n

    def y(v: float) -> float:
        v = min(v, top * 1.05)
        return height - pad_y - (height - 2 * pad_y) * v / (top * 1.05)

    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'role="img" aria-label="{escape(feature)} {escape(name)} per window">'
        )
    ]
    for level, colour in ((warn, STATUS_COLOURS["warn"]), (drift, STATUS_COLOURS["drift"])):
        if level is not None:
            parts.append(
                f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(level):.1f}" '
                f'y2="{y(level):.1f}" stroke="{colour}" stroke-dasharray="4 3" />'
            )
    points = [(x(i), y(v)) for i, v in enumerate(values) if v is not None and math.isfinite(v)]
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    parts.append(f'<polyline points="{path}" fill="none" stroke="#555" stroke-width="1.5" />')
    for i, (v, s) in enumerate(zip(values, statuses, strict=True)):
        if v is None or not math.isfinite(v):
            continue
        colour = STATUS_COLOURS.get(s or "", "#555")
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}">'
            f"<title>{escape(_label(timeline.windows[i], timeline.timezone))}: "
            f"{escape(name)} {fmt_number(v)} {escape(unit)} ({escape(s or '')})</title></circle>"
        )
    parts.append(
        f'<text x="{pad_l}" y="{pad_y - 1}" font-size="10" fill="#666">'
        f"{fmt_number(top * 1.05)} {escape(unit)}</text>"
        f'<text x="{pad_l}" y="{height - 1}" font-size="10" fill="#666">0</text></svg>'
    )
    caption = (
        f'<div class="muted">{escape(feature)}: {escape(name)} [{escape(unit)}] per window; '
        f"dashed: drift threshold {fmt_number(drift)}"
        + (f", warn {fmt_number(warn)}" if warn is not None else "")
        + f" {escape(unit)}</div>"
    )
    return caption + "".join(parts)


def _cell(w: WindowView, feature: str) -> str:
    f = _feature(w, feature)
    if f is None:
        return f'<td style="background:{_EMPTY}" title="not reported"></td>'
    colour = STATUS_COLOURS.get(f.status, "#555")
    return (
        f'<td style="background:{colour};min-width:14px" '
        f'title="{escape(f.status)}: {escape(f.reason)}"></td>'
    )


def timeline_html(timeline: TimelineView, *, standalone: bool = False) -> str:
    """The grid (rows: features, columns: windows; hover a cell for its reason) and lines."""
    windows = timeline.windows
    head = "".join(
        f'<th class="muted" style="writing-mode:vertical-rl;padding:2px">'
        f"{escape(_label(w, timeline.timezone))}</th>"
        for w in windows
    )
    rows_line = "".join(f'<td class="muted num">{w.rows}</td>' for w in windows)
    grid = "".join(
        f"<tr><th>{escape(name)}</th>{''.join(_cell(w, name) for w in windows)}</tr>"
        for name in timeline.features
    )
    legend = " ".join(
        f'<span class="badge" style="background:{c}">{escape(s)}</span>'
        for s, c in STATUS_COLOURS.items()
    )
    body = (
        f'<div class="driftkl"><style>{CSS}</style>'
        f"<h3>driftkl timeline: {escape(timeline.dataset)} — {escape(timeline.status.upper())}"
        f"</h3><div class='muted'>{len(windows)} windows of {escape(timeline.every)} "
        f"({escape(timeline.timezone)} calendar) on {escape(timeline.time_column)}; each window "
        f"decided on its own. {legend}</div>"
        f"<table><tr><th>feature</th>{head}</tr>{grid}"
        f"<tr><th class='muted'>rows</th>{rows_line}</tr></table>"
        + "".join(f"<section>{_line_svg(timeline, name)}</section>" for name in timeline.features)
        + "</div>"
    )
    if not standalone:
        return body
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>driftkl timeline: "
        f"{escape(timeline.dataset)}</title></head><body>{body}</body></html>"
    )


def plot_timeline(timeline: TimelineView, feature: str, *, ax: Any = None) -> Any:
    """``feature``'s deciding metric per window start, thresholds dashed; returns the Axes.

    Raises:
        MissingExtraError: matplotlib is not installed (``pip install 'driftkl[plot]'``).
    """
    plt = import_optional("matplotlib.pyplot", extra="plot", feature="Timeline.plot()")
    name, unit, values, statuses, warn, drift = metric_series(timeline, feature)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3))
    starts = [w.start for w in timeline.windows]
    shown = [(t, v) for t, v in zip(starts, values, strict=True) if v is not None]
    ax.plot([t for t, _ in shown], [v for _, v in shown], color="#555", linewidth=1.2)
    for t, v, s in zip(starts, values, statuses, strict=True):
        if v is not None:
            ax.scatter([t], [v], color=STATUS_COLOURS.get(s or "", "#555"), zorder=3, s=18)
    for level, label in ((warn, "warn"), (drift, "drift")):
        if level is not None:
            ax.axhline(level, linestyle="--", color=STATUS_COLOURS[label], label=f"{label} {level}")
    ax.set_ylabel(f"{name} [{unit}]")
    ax.set_title(f"{feature}: {name} per {timeline.every} window ({timeline.timezone})")
    if warn is not None or drift is not None:
        ax.legend(loc="upper left", fontsize=8)
    ax.figure.autofmt_xdate()
    return ax
