"""``driftkl compare``: compare current data with a reference or a saved profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftkl.cli.command import Command
from driftkl.cli.display import add_display_options, print_report, segment_lines
from driftkl.cli.exits import EXIT_DRIFT, EXIT_EXPORT, EXIT_OK
from driftkl.cli.hints import check_compare_inputs
from driftkl.cli.metrics import add_metrics_options, check_metrics, export_metrics
from driftkl.cli.options import add_config_options, bounded_int, overrides
from driftkl.cli.output import check_output_path, error, save, stderr, write_stdout
from driftkl.cli.stores import add_store_options, check_store_options, reference_of, save_report

if TYPE_CHECKING:
    import argparse

__all__ = ["COMMAND"]

DEFAULT_DATASET = "default"  # the config's default dataset name


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "reference",
        nargs="?",
        help="reference profile (.json) or Parquet file/folder/glob (or --reference-store)",
    )
    p.add_argument("current", help="current Parquet file, folder or glob")
    add_config_options(p)
    p.add_argument(
        "--direction",
        choices=["reference||current", "current||reference"],
        help="KL direction: D(reference‖current) or D(current‖reference)",
    )
    p.add_argument("--base", help="logarithm base: 2 (bits), e (nats), 10 (hartleys)")
    p.add_argument("--pseudo-count", type=float, help="added to every bin before normalising")
    add_display_options(p)
    p.add_argument("--output", "-o", help="also write the JSON report to this file")
    p.add_argument("--fail-on-drift", action="store_true", help="exit 1 when any feature drifted")
    p.add_argument(
        "--on-schema-change",
        choices=["warn", "drift", "fail"],
        help="missing/added/retyped columns: warn, drift (default) or fail (exit 2)",
    )
    p.add_argument(
        "--segment-by",
        nargs="+",
        metavar="COLUMN",
        help="also compare each segment of these categorical columns (not judged themselves)",
    )
    p.add_argument(
        "--max-segments",
        type=bounded_int(1, 1000),
        help="segments kept by name, the largest in the reference (default 20); the rest "
        "are pooled as (other)",
    )
    add_store_options(p)
    add_metrics_options(p)


def _check(args: argparse.Namespace) -> None:
    """Every option that can be checked without data, before any work."""
    check_compare_inputs(args.reference, args.current)
    if args.output:
        check_output_path(args.output, "--output")
    check_metrics(args)
    check_store_options(args)


def _run(args: argparse.Namespace) -> int:
    import driftkl  # noqa: PLC0415 - loads pandas and pyarrow: not for --help or usage errors

    _check(args)
    reference = reference_of(args)
    report = driftkl.compare(
        reference,
        args.current,
        config=args.config,
        on_schema_change=args.on_schema_change,
        segment_by=args.segment_by,
        max_segments=args.max_segments,
        **overrides(args),
    )
    code = EXIT_OK  # every output is attempted; any failure makes it 3
    try:
        save_report(args, report)
    except OSError as exc:
        error(f"could not save the report in --report-store {args.report_store!r}: {exc}")
        code = EXIT_EXPORT
    if args.output and not save(args.output, report.to_json() + "\n", "the JSON report"):
        code = EXIT_EXPORT
    if not print_report(report, args):
        code = EXIT_EXPORT
    if report.segments and args.format != "json" and not write_stdout(segment_lines(report)):
        code = EXIT_EXPORT
    if args.pushgateway and report.dataset == DEFAULT_DATASET:
        stderr(
            f"driftkl: warning: pushing with dataset {DEFAULT_DATASET!r}: every check pushed "
            "without --dataset (or dataset: in the config) shares one Pushgateway group and "
            "overwrites the others. Hint: --dataset NAME, one name per check"
        )
    if (args.pushgateway or args.textfile) and export_metrics(args, report) != EXIT_OK:
        code = EXIT_EXPORT
    if code != EXIT_OK:
        return code
    return EXIT_DRIFT if (args.fail_on_drift and report.is_drifted) else EXIT_OK


COMMAND = Command(
    name="compare",
    help="compare current data with a reference or profile",
    configure=_configure,
    run=_run,
    examples=(
        "driftkl compare ref.profile.json cur.parquet",
        "driftkl compare ref.parquet cur.parquet --exclude id --exclude updated_at",
        "driftkl compare ref.profile.json cur.parquet --fail-on-drift -o report.json",
        "driftkl compare ref.profile.json cur.parquet --wide | less -S",
        "driftkl compare ref.profile.json cur.parquet --format markdown > summary.md",
        "driftkl compare ref.profile.json cur/ --dataset orders --pushgateway URL",
    ),
)
