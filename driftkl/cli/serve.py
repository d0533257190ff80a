"""``driftkl serve``: a Prometheus exporter for the newest saved report per dataset."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftkl.cli.command import Command
from driftkl.cli.exits import EXIT_OK
from driftkl.cli.metrics import prometheus
from driftkl.cli.options import bounded_int
from driftkl.cli.output import stderr

if TYPE_CHECKING:
    import argparse

__all__ = ["COMMAND"]


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("reports", help="folder of saved JSON reports (scanned on every scrape)")
    p.add_argument("--address", default="127.0.0.1", help="listen address (0.0.0.0 in Docker)")
    p.add_argument(
        "--port", type=bounded_int(0, 65535), default=9108, help="listen port (0: any free one)"
    )


def _run(args: argparse.Namespace) -> int:
    prom = prometheus("driftkl serve")
    server, thread = prom.serve(args.reports, address=args.address, port=args.port)
    host = f"[{args.address}]" if ":" in args.address else args.address
    stderr(f"serving drift metrics of {args.reports} on http://{host}:{server.server_port}/metrics")
    try:
        while thread.is_alive():
            thread.join(1.0)
    except KeyboardInterrupt:  # the normal way to stop the exporter: exit 0
        server.shutdown()
    finally:
        server.server_close()
    return EXIT_OK


COMMAND = Command(
    name="serve",
    help="Prometheus exporter for the newest saved report per dataset",
    configure=_configure,
    run=_run,
    examples=(
        "driftkl serve reports/",
        "driftkl serve reports/ --address 0.0.0.0 --port 9108   # in a container",
    ),
)
