"""The report on standard output, in the format the user asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftkl.cli.output import write_stdout
from driftkl.model.status import worst
from driftkl.render.escape import printable
from driftkl.render.text import render_markdown, render_table

if TYPE_CHECKING:
    from driftkl.model.report import DriftReport

__all__ = ["FORMATS", "print_report", "segment_lines"]

FORMATS = ("table", "json", "markdown")


def print_report(report: DriftReport, fmt: str) -> bool:
    """Print the report on stdout; ``False`` when stdout could not take it."""
    if fmt == "json":
        return write_stdout(report.to_json() + "\n")
    text = render_markdown(report) if fmt == "markdown" else render_table(report)
    return write_stdout(text + "\n")


def segment_lines(report: DriftReport) -> str:
    """One line per segment: its status and its drifted or warned features."""
    lines = [f"\nsegments by {', '.join(report.settings.get('segment_by', []))}:"]
    for name, features in report.segments.items():
        flagged = [f"{f.name} {f.status}" for f in features if f.status != "ok"]
        rows = max((f.n_current for f in features), default=0)
        status = worst(f.status for f in features)
        lines.append(
            f"  {printable(name)}: {status} ({rows} rows)"
            + (f": {', '.join(flagged)}" if flagged else "")
        )
    return "\n".join(lines) + "\n"
