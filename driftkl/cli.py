"""The ``driftkl`` command line.

Exit codes, one meaning each:

* 0: no drift (or drift without ``--fail-on-drift``);
* 1: drift with ``--fail-on-drift``;
* 2: usage, configuration or input error (the message names the problem and the fix); every
  option is checked before any data is read;
* 3: the report was produced but one of its outputs failed (``--output``, ``--textfile``,
  ``--pushgateway`` or standard output); every other output was still attempted and the message
  names the file or the gateway;
* 4: internal error, a bug in driftkl: one line names the exception (``--debug`` prints the
  traceback);
* 130: interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftkl import progress
from driftkl._files import check_output, write_atomic
from driftkl._optional import import_optional
from driftkl._version import __version__
from driftkl.engines.registry import engine_names
from driftkl.errors import ConfigError, DriftklError
from driftkl.render.escape import printable
from driftkl.render.text import render_markdown, render_table

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from driftkl.model.report import DriftReport

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2
EXIT_EXPORT = 3  # report produced, an output (--output, textfile, Pushgateway, stdout) failed
EXIT_BUG = 4  # internal error: an exception driftkl did not raise on purpose
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
MAX_DEMO_ROWS = 10_000_000
_MAX_MESSAGE = 1000


def _stderr(line: str) -> None:
    """Write one line to stderr; a stderr that cannot take it is ignored (nowhere to report)."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(printable(line) + "\n")
        sys.stderr.flush()


def _error(message: object) -> None:
    _stderr(f"driftkl: error: {message}")


def _detach_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush cannot fail again."""
    # ValueError, io.UnsupportedOperation: not a real file (e.g. captured in tests)
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def _write_stdout(text: str) -> bool:
    """Write ``text`` to stdout; ``False`` (after a message) when stdout cannot take it.

    A closed pipe (``driftkl ... | head``) is not an error: the reader has what it wanted.
    """
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _detach_stdout()
    except OSError as exc:
        _detach_stdout()
        _error(
            f"could not write to standard output: {exc.strerror or exc}. Hint: redirect it to "
            "a file on a device with free space"
        )
        return False
    return True


def _describe(exc: OSError, path: str) -> str:
    """Why writing ``path`` failed; driftkl's own refusals already name the path."""
    return str(exc) if exc.strerror is None else f"{path!r}: {exc.strerror}"


def _check_output(path: str, flag: str) -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    try:
        check_output(path)
    except OSError as exc:
        raise ConfigError(f"{flag}: {_describe(exc, path)}") from exc


def _save(path: str, text: str, what: str) -> bool:
    """Write an output atomically; ``False`` (after a message naming the path) on failure."""
    try:
        write_atomic(path, text)
    except OSError as exc:
        _error(
            f"could not write {what}: {_describe(exc, path)}. The previous file, if any, is "
            "unchanged. Hint: check the free space and the folder's permissions"
        )
        return False
    return True


def _bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: an integer from ``low`` to ``high`` (a usage error otherwise)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, got {value}")
        return value

    return parse


_DEBUG_HELP = "on an internal error (exit 4), print the traceback"


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
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "profile", parents=[common], help="fit bins on reference data and save the profile"
    )
    p.add_argument("data", help="reference Parquet file, folder or glob")
    p.add_argument("-o", "--output", required=True, help="profile JSON path to write")
    _add_config_options(p)
    p.set_defaults(handler=_cmd_profile)

    c = sub.add_parser(
        "compare", parents=[common], help="compare current data with a reference or profile"
    )
    c.add_argument("reference", help="reference profile (.json) or Parquet file/folder/glob")
    c.add_argument("current", help="current Parquet file, folder or glob")
    _add_config_options(c)
    _add_compare_options(c)
    _add_metrics_options(c)
    c.set_defaults(handler=_cmd_compare)

    d = sub.add_parser(
        "demo", parents=[common], help="generate sample data and run a drift check on it"
    )
    d.add_argument("--dir", default="sample-data", help="folder for the sample data")
    d.add_argument(
        "--rows",
        type=_bounded_int(1, MAX_DEMO_ROWS),
        default=20_000,
        help=f"rows per generated file (1 to {MAX_DEMO_ROWS:,})",
    )
    d.add_argument("--format", choices=["table", "json", "markdown"], default="table")
    d.set_defaults(handler=_cmd_demo)

    s = sub.add_parser(
        "serve",
        parents=[common],
        help="Prometheus exporter for the newest saved report per dataset",
    )
    s.add_argument("reports", help="folder of saved JSON reports (scanned on every scrape)")
    s.add_argument("--address", default="127.0.0.1", help="listen address (0.0.0.0 in Docker)")
    s.add_argument(
        "--port", type=_bounded_int(0, 65535), default=9108, help="listen port (0: any free one)"
    )
    s.set_defaults(handler=_cmd_serve)
    return parser


def _add_metrics_options(p: argparse.ArgumentParser) -> None:
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


def _prometheus(feature: str) -> Any:
    return import_optional("driftkl.integrations.prometheus", extra="prometheus", feature=feature)


def _export_metrics(args: argparse.Namespace, report: DriftReport) -> int:
    """Write the textfile, then push (each even if the other failed); a failure gives 3."""
    prom = _prometheus("--pushgateway / --textfile")
    code = EXIT_OK
    try:
        if args.textfile:
            prom.write_textfile(report, args.textfile)
    except DriftklError as exc:  # ExportError, or a report its metrics cannot express
        _error(exc)
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
            _stderr(f"pushed drift metrics to {result.url}")
    except DriftklError as exc:  # PushError, as above
        _error(exc)
        code = EXIT_EXPORT
    return code


def _cmd_serve(args: argparse.Namespace) -> int:
    prom = _prometheus("driftkl serve")
    server, thread = prom.serve(args.reports, address=args.address, port=args.port)
    host = f"[{args.address}]" if ":" in args.address else args.address
    _stderr(
        f"serving drift metrics of {args.reports} on http://{host}:{server.server_port}/metrics"
    )
    try:
        while thread.is_alive():
            thread.join(1.0)
    except KeyboardInterrupt:  # the normal way to stop the exporter: exit 0
        server.shutdown()
    finally:
        server.server_close()
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


def _print_report(report: DriftReport, fmt: str) -> bool:
    """Print the report on stdout; ``False`` when stdout could not take it."""
    if fmt == "json":
        return _write_stdout(report.to_json() + "\n")
    text = render_markdown(report) if fmt == "markdown" else render_table(report)
    return _write_stdout(text + "\n")


def _cmd_profile(args: argparse.Namespace) -> int:
    import driftkl  # noqa: PLC0415 - loads pandas and pyarrow: not for --help or usage errors

    _check_output(args.output, "-o/--output")
    prof = driftkl.profile(args.data, config=args.config, **_overrides(args))
    if not _save(args.output, prof.to_json(), "the profile"):
        return EXIT_ERROR  # the profile is the command's only product
    _stderr(
        f"wrote profile {args.output} ({len(prof.features)} features, {prof.rows} rows, "
        f"{prof.content_hash})"
    )
    return EXIT_OK


def _check_compare(args: argparse.Namespace) -> None:
    """Every option of ``compare`` that can be checked without data, before any work."""
    if args.output:
        _check_output(args.output, "--output")
    if args.pushgateway or args.textfile:
        prom = _prometheus("--pushgateway / --textfile")  # fail before the comparison
        if args.textfile:
            prom.check_textfile_path(args.textfile)
        if args.pushgateway:
            prom.check_push_settings(
                args.pushgateway, job=args.job, timeout=args.push_timeout, retries=args.push_retries
            )


def _cmd_compare(args: argparse.Namespace) -> int:
    import driftkl  # noqa: PLC0415 - loads pandas and pyarrow: not for --help or usage errors

    _check_compare(args)
    report = driftkl.compare(args.reference, args.current, config=args.config, **_overrides(args))
    code = EXIT_OK  # every output is attempted; any failure makes it 3
    if args.output and not _save(args.output, report.to_json() + "\n", "the JSON report"):
        code = EXIT_EXPORT
    if not _print_report(report, args.format):
        code = EXIT_EXPORT
    if (args.pushgateway or args.textfile) and _export_metrics(args, report) != EXIT_OK:
        code = EXIT_EXPORT
    if code != EXIT_OK:
        return code
    return EXIT_DRIFT if (args.fail_on_drift and report.is_drifted) else EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    import driftkl  # noqa: PLC0415 - loads pandas and pyarrow: not for --help or usage errors
    from driftkl.demo import write_sample_data  # noqa: PLC0415 - loads pandas, as above

    folder = Path(args.dir)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"--dir {args.dir!r} exists and is not a folder. Hint: pass a folder")
    profile_path = folder / "reference.profile.json"
    try:
        paths = write_sample_data(folder, rows=args.rows)
        driftkl.profile(paths["reference"]).save(profile_path)
    except OSError as exc:
        _error(f"could not write the sample data to {args.dir!r}: {exc}")
        return EXIT_ERROR
    report = driftkl.compare(
        driftkl.Profile.load(profile_path), paths["current"], dataset="sample_orders"
    )
    if args.format == "table" and not _write_stdout(
        f"sample data in {args.dir}/; reference profile {profile_path}\n"
        f"driftkl compare {profile_path} {paths['current']}\n\n"
    ):
        return EXIT_EXPORT
    return EXIT_OK if _print_report(report, args.format) else EXIT_EXPORT


def _internal_error(exc: Exception, *, debug: bool) -> int:
    """Report an exception driftkl did not raise on purpose: one line, or the traceback."""
    if debug:
        with contextlib.suppress(OSError, ValueError):
            traceback.print_exception(exc, file=sys.stderr)
    detail = str(exc)
    if len(detail) > _MAX_MESSAGE:
        detail = detail[:_MAX_MESSAGE] + "..."
    hint = "" if debug else " Hint: rerun with --debug to print the traceback."
    _stderr(
        f"driftkl: internal error: {type(exc).__name__}: {detail}. This is a bug in driftkl "
        f"{__version__}; please report it with the command line.{hint}"
    )
    return EXIT_BUG


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (see the module docstring)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit:  # --help, --version or a usage error: their text must reach stdout
        if not _write_stdout(""):
            raise SystemExit(EXIT_ERROR) from None
        raise
    show = progress.should_show() and not getattr(args, "no_progress", False)
    try:
        with progress.reporting(progress.ProgressBar(sys.stderr) if show else None):
            code: int = args.handler(args)
    except KeyboardInterrupt:
        if show:  # end the progress bar's line
            _stderr("")
        _stderr("driftkl: interrupted")
        return EXIT_INTERRUPTED
    except DriftklError as exc:
        _error(exc)
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - a crash is a bug: exit 4, never 1
        return _internal_error(exc, debug=args.debug)
    return code


if __name__ == "__main__":
    sys.exit(main())
