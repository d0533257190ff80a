"""The report on standard output, in the format the user asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftkl.cli.output import write_stdout
from driftkl.render.text import render_markdown, render_table

if TYPE_CHECKING:
    from driftkl.model.report import DriftReport

__all__ = ["FORMATS", "print_report"]

FORMATS = ("table", "json", "markdown")


def print_report(report: DriftReport, fmt: str) -> bool:
    """Print the report on stdout; ``False`` when stdout could not take it."""
    if fmt == "json":
        return write_stdout(report.to_json() + "\n")
    text = render_markdown(report) if fmt == "markdown" else render_table(report)
    return write_stdout(text + "\n")
