"""The report on standard output: the format, the width and the colour the user asked for."""

from __future__ import annotations

import os
import shutil
import sys
from typing import TYPE_CHECKING

from driftkl.cli.output import write_stdout
from driftkl.model.status import worst
from driftkl.render.compact import render_compact
from driftkl.render.escape import printable
from driftkl.render.text import render_markdown, render_table

if TYPE_CHECKING:
    import argparse

    from driftkl.model.report import DriftReport

__all__ = [
    "COLOR_MODES",
    "FORMATS",
    "add_display_options",
    "print_report",
    "segment_lines",
    "use_colour",
    "width",
]

FORMATS = ("table", "wide", "json", "markdown")
COLOR_MODES = ("auto", "always", "never")


def add_display_options(p: argparse.ArgumentParser) -> None:
    """``--format``, ``--wide`` and ``--color``."""
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="stdout format: table fits the terminal (COLUMNS overrides its width), wide has "
        "every column, json is the report dict, markdown a GitHub table",
    )
    p.add_argument(
        "--wide", dest="format", action="store_const", const="wide", help="same as --format wide"
    )
    p.add_argument(
        "--color",
        choices=COLOR_MODES,
        default="auto",
        help="colour the status: auto = only when stdout is a terminal and NO_COLOR is unset",
    )


def width() -> int:
    """Columns of the terminal on stdout (``COLUMNS`` overrides; 80 when not a terminal)."""
    return shutil.get_terminal_size((80, 24)).columns


def use_colour(mode: str) -> bool:
    """Whether to colour: ``always``, ``never``, or ``auto`` (a terminal, ``NO_COLOR`` unset)."""
    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced or closed stdout
        return False


def print_report(report: DriftReport, args: argparse.Namespace) -> bool:
    """Print the report on stdout; ``False`` when stdout could not take it."""
    fmt = args.format
    if fmt == "json":
        text = report.to_json()
    elif fmt == "markdown":
        text = render_markdown(report)
    elif fmt == "wide":
        text = render_table(report)
    else:
        text = render_compact(report, width=width(), color=use_colour(args.color))
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
