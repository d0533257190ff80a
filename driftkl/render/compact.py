"""The report as a table that fits the terminal: short headers, a legend, detail lines.

Columns are dropped, noise floors left out and feature names shortened (``…`` in the middle)
until each line fits ``width`` cells. A flagged feature gets an indented second line with its
top bins (and any share a dropped column would have shown); the reasons, the legend and the
decision rule follow, wrapped. Status cells are coloured when ``color`` is set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from driftkl.render.escape import printable
from driftkl.render.layout import colour, shorten, text_width, wrap
from driftkl.render.numbers import format_noise_floor, format_number, format_p_value
from driftkl.render.summary import (
    floor_notes,
    format_count,
    legend,
    metric_names,
    short_name,
    status_cell,
    status_line,
)
from driftkl.render.text import share_columns

if TYPE_CHECKING:
    from driftkl.render.views import FeatureView, ReportView

__all__ = ["MIN_WIDTH", "render_compact"]

MIN_WIDTH = 40  # narrower terminals get 40-cell lines
_GAP = 2
_KINDS = {"numeric": "num", "categorical": "cat", "datetime": "time", "integer": "int"}
_NAME_SOFT_MIN = 24  # names are cut to this before noise floors are dropped
_NAME_MIN = 8
_SHOWN_SHARE = 0.0005  # shares that print as 0.0% are left out of detail lines


@dataclass
class _Column:
    header: str
    cells: list[str]
    right: bool = False
    drop_order: int = 0  # 0: always shown; higher numbers are dropped first
    bare: list[str] = field(default_factory=list)  # cells without noise floors

    @property
    def width(self) -> int:
        return max(text_width(c) for c in [self.header, *self.cells])


def _metric_column(report: ReportView, name: str) -> _Column:
    full, bare = [], []
    for f in report.features:
        m = f.metrics.get(name)
        value = "" if m is None else format_number(m.value, 4)
        floor = (
            ""
            if m is None or m.noise_floor is None
            else f" ({format_noise_floor(m.noise_floor, 2)})"
        )
        full.append(value + floor)
        bare.append(value)
    return _Column(f"{short_name(name)} (floor)", full, right=True, bare=bare)


def _columns(report: ReportView) -> list[_Column]:
    feats = report.features
    cols = [
        _Column("feature", [printable(f.name) for f in feats]),
        _Column("kind", [_KINDS.get(f.kind, f.kind) for f in feats], drop_order=4),
        _Column("status", [status_cell(f) for f in feats]),
        *(_metric_column(report, n) for n in metric_names(report)),
        _Column(
            "p-value",
            ["" if f.test is None else format_p_value(f.test.p_value_adjusted) for f in feats],
            right=True,
        ),
    ]
    ref, cur = report.reference.get("rows"), report.current.get("rows")
    if any(f.n_reference != ref or f.n_current != cur for f in feats):
        rows = [f"{format_count(f.n_reference)}/{format_count(f.n_current)}" for f in feats]
        cols.append(_Column("rows ref/cur", rows, right=True, drop_order=3))
    for header, attr in share_columns(report):
        cells = [f"{getattr(f, attr):.1%}" for f in feats]
        cols.append(_Column(header, cells, right=True, drop_order=2))
    return cols


def _total(cols: list[_Column]) -> int:
    return sum(c.width for c in cols) + _GAP * (len(cols) - 1)


def _fit(cols: list[_Column], width: int) -> list[_Column]:
    """Drop, strip and shorten columns until a row fits ``width`` cells."""
    name = cols[0]
    for order in sorted({c.drop_order for c in cols if c.drop_order}, reverse=True):
        if _total(cols) <= width:
            break
        cols = [c for c in cols if c.drop_order != order]
    if _total(cols) > width:
        _shorten_names(name, max(_NAME_SOFT_MIN, name.width - (_total(cols) - width)))
    if _total(cols) > width:
        for c in cols:
            if c.bare:
                c.header, c.cells, c.bare = c.header.removesuffix(" (floor)"), c.bare, []
    if _total(cols) > width:
        _shorten_names(name, max(_NAME_MIN, name.width - (_total(cols) - width)))
    return cols


def _shorten_names(col: _Column, cells: int) -> None:
    col.cells = [shorten(c, cells) for c in col.cells]


def _top(describe: str, cells: int) -> str:
    """``label: 45% of KL`` with the label (not the share) shortened to fit ``cells``."""
    label, sep, share = describe.rpartition(": ")
    if not sep:
        return shorten(describe, cells)
    return shorten(label, max(cells - text_width(sep + share), 6)) + sep + share


def _detail(f: FeatureView, dropped: list[str], width: int) -> str | None:
    """The indented second line of a flagged feature: top bins and hidden non-zero shares."""
    shares = {"out-of-range": f.out_of_range_share, "unseen": f.unseen_share}
    shares["missing"] = f.missing_share
    parts = [f"{h} {shares[h]:.1%}" for h in dropped if shares.get(h, 0) >= _SHOWN_SHARE]
    tops = [printable(c.describe()) for c in f.contributions[:2]]
    if tops:  # two top bins if they fit, else the first whole, else the first shortened
        room = width - text_width("  top: " + "; ".join(["", *parts]))
        if text_width("; ".join(tops)) > room:
            tops = [tops[0] if text_width(tops[0]) <= room else _top(tops[0], max(room, 12))]
        parts.insert(0, "top: " + "; ".join(tops))
    return shorten("  " + "; ".join(parts), width) if parts else None


def render_compact(report: ReportView, *, width: int = 80, color: bool = False) -> str:
    """The report in lines of at most ``width`` terminal cells (at least :data:`MIN_WIDTH`).

    Args:
        report: the report (any :class:`~driftkl.render.views.ReportView`).
        width: terminal cells per line.
        color: colour the status cells with ANSI codes (only for a terminal).
    """
    width = max(width, MIN_WIDTH)
    all_cols = _columns(report)
    cols = _fit(all_cols, width)
    dropped = [c.header for c in all_cols if c not in cols]
    widths = [c.width for c in cols]
    status_at = next(i for i, c in enumerate(cols) if c.header == "status")

    def line(cells: list[str], status: str | None = None) -> str:
        padded = []
        for i, (c, col, w) in enumerate(zip(cells, cols, widths, strict=True)):
            pad = " " * (w - text_width(c))
            cell = pad + c if col.right else c + pad
            padded.append(
                colour(cell, status, enabled=color) if i == status_at and status else cell
            )
        return (" " * _GAP).join(padded).rstrip()

    out = [line([c.header for c in cols]), line(["-" * w for w in widths])]
    for i, f in enumerate(report.features):
        out.append(line([c.cells[i] for c in cols], f.status))
        if f.status != "ok" and (extra := _detail(f, dropped, width)):
            out.append(extra)
    flagged = [f for f in report.features if f.status != "ok"]
    if flagged:
        out.append("")
        for f in flagged:
            out += wrap(printable(f"why {f.name}: {f.reason}"), width)
    if report.schema_changes:
        out.append("")
        for c in report.schema_changes:
            out += wrap(printable(c.reason), width)
    out.append("")
    out += wrap(printable(legend(report)), width)
    status = wrap(printable(status_line(report)), width)
    word = report.status
    status[0] = status[0].replace(
        f"status: {word}", "status: " + colour(word, word, enabled=color), 1
    )
    out += status
    for note in floor_notes(report):
        out += wrap(printable(note), width)
    return "\n".join(out)
