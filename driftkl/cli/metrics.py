"""Prometheus outputs of ``compare``: a node_exporter textfile and a Pushgateway push."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from driftkl._optional import import_optional
from driftkl.cli.exits import EXIT_EXPORT, EXIT_OK
from driftkl.cli.output import error, stderr
from driftkl.errors import DriftklError

if TYPE_CHECKING:
    import argparse

    from driftkl.model.report import DriftReport

__all__ = ["add_metrics_options", "check_metrics", "export_metrics", "prometheus"]


def prometheus(feature: str) -> Any:
    """The Prometheus integration, or an error naming ``pip install driftkl[prometheus]``."""
    return import_optional("driftkl.integrations.prometheus", extra="prometheus", feature=feature)


def add_metrics_options(p: argparse.ArgumentParser) -> None:
    """The Pushgateway and textfile options."""
    g = p.add_argument_group("Prometheus (needs driftkl[prometheus])")
    g.add_argument("--pushgateway", metavar="URL", help="push the report's metrics (HTTP PUT)")
    g.add_argument("--job", default="driftkl", help="Pushgateway job label (stable, not a date)")
    g.add_argument(
        "--push-timeout",
        type=float,
        default=10.0,
        help="seconds one push request may take in all (not per read)",
    )
    g.add_argument(
        "--push-retries", type=int, default=2, help="retries after a failed push (0 to 10)"
    )
    g.add_argument("--textfile", metavar="PATH", help="write a node_exporter .prom file")


def check_metrics(args: argparse.Namespace) -> None:
    """Refuse metrics settings that cannot work, before the comparison."""
    if args.pushgateway or args.textfile:
        prom = prometheus("--pushgateway / --textfile")
        if args.textfile:
            prom.check_textfile_path(args.textfile)
        if args.pushgateway:
            prom.check_push_settings(
                args.pushgateway, job=args.job, timeout=args.push_timeout, retries=args.push_retries
            )


def export_metrics(args: argparse.Namespace, report: DriftReport) -> int:
    """Write the textfile, then push (each even if the other failed); a failure gives 3."""
    prom = prometheus("--pushgateway / --textfile")
    code = EXIT_OK
    try:
        if args.textfile:
            prom.write_textfile(report, args.textfile)
    except DriftklError as exc:  # ExportError, or a report its metrics cannot express
        error(exc)
        code = EXIT_EXPORT
    try:
        if args.pushgateway:
            result = prom.push_report(
                report,
                args.pushgateway,
                job=args.job,
                timeout=args.push_timeout,
                retries=args.push_retries,
                username=os.environ.get("DRIFTKL_PUSHGATEWAY_USERNAME"),
                password=os.environ.get("DRIFTKL_PUSHGATEWAY_PASSWORD"),
            )
            stderr(f"pushed drift metrics to {result.url}")
    except DriftklError as exc:  # PushError, as above
        error(exc)
        code = EXIT_EXPORT
    return code
