"""A history of reports as a fixed-width table or GitHub Markdown, one row per report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftkl.render.escape import markdown_text, printable

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from driftkl.render.views import ReportView

__all__ = ["render_history"]

_HEADER = ["time (UTC)", "dataset", "status", "drifted", "warn", "schema changes", "rows ref/cur"]
_NAMES_SHOWN = 3


def _names(names: Sequence[str]) -> str:
    more = f", +{len(names) - _NAMES_SHOWN}" if len(names) > _NAMES_SHOWN else ""
    return ", ".join(names[:_NAMES_SHOWN]) + more


def _row(when: dt.datetime, r: ReportView) -> list[str]:
    s = r.summary()
    changes = [f"{c.column} {c.change}" for c in r.schema_changes]
    return [
        when.strftime("%Y-%m-%d %H:%M:%S"),
        r.dataset,
        r.status,
        f"{s['features_drifted']}/{s['features_checked']}"
        + (f" ({_names(s['drifted_features'])})" if s["drifted_features"] else ""),
        str(s["features_warn"]),
        _names(changes) if changes else "",
        f"{r.reference.get('rows')}/{r.current.get('rows')}",
    ]


def render_history(
    entries: Sequence[tuple[dt.datetime, ReportView]], fmt: str, *, time_header: str = ""
) -> str:
    """``entries`` (time filed, report) as ``"table"`` or ``"markdown"``, oldest first.

    ``time_header`` renames the first column (a timeline's ``"window start (UTC)"``).
    """
    rows = [_row(when, r) for when, r in entries]
    header = [time_header or _HEADER[0], *_HEADER[1:]]
    if fmt == "markdown":
        out = [
            "| " + " | ".join(header) + " |",
            "|" + "|".join("---" for _ in header) + "|",
        ]
        out += ["| " + " | ".join(markdown_text(c) for c in row) + " |" for row in rows]
        return "\n".join(out)
    cells = [header] + [[printable(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
