"""The ``driftkl`` command line.

Exit codes: 0 = no drift (or drift without ``--fail-on-drift``), 1 = drift with
``--fail-on-drift``, 2 = usage, configuration or input error (the message names the problem and
the fix), 3 = the report was produced (printed, ``--output`` saved) but exporting its metrics
(``--textfile`` or ``--pushgateway``) failed; the message names the file or the gateway.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftkl import progress
from driftkl._files import write_atomic
from driftkl._optional import import_optional
from driftkl._version import __version__
from driftkl.engines.registry import engine_names
from driftkl.errors import ConfigError, DriftklError
from driftkl.render.text import render_markdown, render_table

if TYPE_CHECKING:
    from collections.abc import Sequence

    from driftkl.model.report import DriftReport

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2
EXIT_EXPORT = 3  # report produced, metrics export (textfile / Pushgateway) failed


def _add_config_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", help="YAML config file (see configs/drift.yaml)")
    p.add_argument("--dataset", help="dataset name used in reports and metric labels")
    p.add_argument("--include", nargs="+", metavar="COLUMN", help="check only these columns")
    p.add_argument("--exclude", nargs="+", metavar="COLUMN", help="never check these columns")
    p.add_argument(
        "--filter",
        action="append",
        nargs=3,
        metavar=("COLUMN", "OP", "VALUE"),
        help="row filter for partitioned Parquet, e.g. --filter dt '>=' 2026-11-01",
    )
    p.add_argument(
        "--engine",
        metavar="NAME",
        help=f"where the work runs: {' | '.join(engine_names())} (default local threads; "
        "dask needs driftkl[dask], see --scheduler)",
    )
    p.add_argument("--threads", type=int, help="local engine threads (default: one per core)")
    p.add_argument("--scheduler", help="dask.distributed scheduler address, e.g. tcp://h:8786")
    p.add_argument(
        "--no-progress",
        action="store_true",
        help="never draw the progress bar (it is drawn only when stderr is a terminal)",
    )


def _add_compare_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--direction",
        choices=["reference||current", "current||reference"],
        help="KL direction: D(reference‖current) or D(current‖reference)",
    )
    p.add_argument("--base", help="logarithm base: 2 (bits), e (nats), 10 (hartleys)")
    p.add_argument("--pseudo-count", type=float, help="added to every bin before normalising")
    p.add_argument(
        "--format",
        choices=["table", "json", "markdown"],
        default="table",
        help="stdout format (json prints the report dict)",
    )
    p.add_argument("--output", "-o", help="also write the JSON report to this file")
    p.add_argument("--fail-on-drift", action="store_true", help="exit 1 when any feature drifted")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand (exposed for tests and documentation)."""
    parser = argparse.ArgumentParser(
        prog="driftkl",
        description="Data-drift checks: per-feature KL and Jensen-Shannon divergence with "
        "explicit direction and log base.",
    )
    parser.add_argument("--version", action="version", version=f"driftkl {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("profile", help="fit bins on reference data and save the profile")
    p.add_argument("data", help="reference Parquet file, folder or glob")
    p.add_argument("-o", "--output", required=True, help="profile JSON path to write")
    _add_config_options(p)
    p.set_defaults(handler=_cmd_profile)

    c = sub.add_parser("compare", help="compare current data with a reference or profile")
    c.add_argument("reference", help="reference profile (.json) or Parquet file/folder/glob")
    c.add_argument("current", help="current Parquet file, folder or glob")
    _add_config_options(c)
    _add_compare_options(c)
    _add_metrics_options(c)
    c.set_defaults(handler=_cmd_compare)

    d = sub.add_parser("demo", help="generate sample data and run a drift check on it")
    d.add_argument("--dir", default="sample-data", help="folder for the sample data")
    d.add_argument("--rows", type=int, default=20_000, help="rows per generated file")
    d.add_argument("--format", choices=["table", "json", "markdown"], default="table")
    d.set_defaults(handler=_cmd_demo)

    s = sub.add_parser("serve", help="Prometheus exporter for the newest saved report per dataset")
    s.add_argument("reports", help="folder of saved JSON reports (scanned on every scrape)")
    s.add_argument("--address", default="127.0.0.1", help="listen address (0.0.0.0 in Docker)")
    s.add_argument("--port", type=int, default=9108, help="listen port")
    s.set_defaults(handler=_cmd_serve)
    return parser


def _add_metrics_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("Prometheus (needs driftkl[prometheus])")
    g.add_argument("--pushgateway", metavar="URL", help="push the report's metrics (HTTP PUT)")
    g.add_argument("--job", default="driftkl", help="Pushgateway job label (stable, not a date)")
    g.add_argument("--push-timeout", type=float, default=10.0, help="seconds per push request")
    g.add_argument("--push-retries", type=int, default=2, help="retries after a failed push")
    g.add_argument("--textfile", metavar="PATH", help="write a node_exporter .prom file")


def _prometheus(feature: str) -> Any:
    return import_optional("driftkl.integrations.prometheus", extra="prometheus", feature=feature)


def _export_metrics(args: argparse.Namespace, report: DriftReport) -> int:
    """Write the textfile, then push; a failure is reported and gives exit code 3."""
    prom = _prometheus("--pushgateway / --textfile")
    code = EXIT_OK
    try:
        if args.textfile:
            prom.write_textfile(report, args.textfile)
    except prom.ExportError as exc:
        sys.stderr.write(f"driftkl: error: {exc}\n")
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
            sys.stderr.write(f"pushed drift metrics to {result.url}\n")
    except prom.PushError as exc:
        sys.stderr.write(f"driftkl: error: {exc}\n")
        code = EXIT_EXPORT
    return code


def _cmd_serve(args: argparse.Namespace) -> int:
    prom = _prometheus("driftkl serve")
    server, thread = prom.serve(args.reports, address=args.address, port=args.port)
    sys.stderr.write(
        f"serving drift metrics of {args.reports} on "
        f"http://{args.address}:{server.server_port}/metrics\n"
    )
    try:
        while thread.is_alive():
            thread.join(1.0)
    except KeyboardInterrupt:
        server.shutdown()
    return EXIT_OK


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {
        "dataset": args.dataset,
        "include": args.include,
        "exclude": args.exclude,
        "filter": [list(f) for f in args.filter] if args.filter else None,
    }
    for key in ("direction", "pseudo_count", "engine", "threads", "scheduler"):
        out[key] = getattr(args, key, None)
    base = getattr(args, "base", None)
    if base is not None:
        out["base"] = base if base.lower() == "e" else _float(base, "--base")
    return out


def _float(text: str, flag: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"{flag} must be a number or 'e', got {text!r}") from None


def _print_report(report: DriftReport, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(report.to_json() + "\n")
        return
    sys.stdout.write(
        (render_markdown(report) if fmt == "markdown" else render_table(report)) + "\n"
    )


def _cmd_profile(args: argparse.Namespace) -> int:
    import driftkl  # noqa: PLC0415 - loads pandas and pyarrow: not for --help or usage errors

    prof = driftkl.profile(args.data, config=args.config, **_overrides(args))
    path = prof.save(args.output)
    sys.stderr.write(
        f"wrote profile {path} ({len(prof.features)} features, {prof.rows} rows, "
        f"{prof.content_hash})\n"
    )
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace) -> int:
    import driftkl  # noqa: PLC0415 - loads pandas and pyarrow: not for --help or usage errors

    if args.pushgateway or args.textfile:
        _prometheus("--pushgateway / --textfile")  # fail before the comparison, not after
    report = driftkl.compare(args.reference, args.current, config=args.config, **_overrides(args))
    if args.output:
        write_atomic(args.output, report.to_json() + "\n")
    _print_report(report, args.format)
    if (args.pushgateway or args.textfile) and _export_metrics(args, report) != EXIT_OK:
        return EXIT_EXPORT
    return EXIT_DRIFT if (args.fail_on_drift and report.is_drifted) else EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    import driftkl  # noqa: PLC0415 - loads pandas and pyarrow: not for --help or usage errors
    from driftkl.demo import write_sample_data  # noqa: PLC0415 - loads pandas, as above

    paths = write_sample_data(args.dir, rows=args.rows)
    profile_path = Path(args.dir) / "reference.profile.json"
    driftkl.profile(paths["reference"]).save(profile_path)
    report = driftkl.compare(
        driftkl.Profile.load(profile_path), paths["current"], dataset="sample_orders"
    )
    if args.format == "table":
        sys.stdout.write(
            f"sample data in {args.dir}/; reference profile {profile_path}\n"
            f"driftkl compare {profile_path} {paths['current']}\n\n"
        )
    _print_report(report, args.format)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    show = progress.should_show() and not getattr(args, "no_progress", False)
    try:
        with progress.reporting(progress.ProgressBar(sys.stderr) if show else None):
            code: int = args.handler(args)
    except DriftklError as exc:
        sys.stderr.write(f"driftkl: error: {exc}\n")
        return EXIT_ERROR
    return code


if __name__ == "__main__":
    sys.exit(main())
