"""Bounded pushes (a dripping gateway, capped retries and back-off) and options checked early."""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import run_cli

import driftkl
from driftkl.cli import EXIT_EXPORT, main
from driftkl.integrations.prometheus import (
    MAX_BACKOFF_SECONDS,
    MAX_RETRIES,
    PushError,
    check_push_settings,
    check_textfile_path,
    push_report,
    report_families,
    write_textfile,
)

pytestmark = pytest.mark.prometheus

DRIP = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 1000


@contextlib.contextmanager
def dripping_gateway(interval: float = 0.2):
    """A local gateway that reads the request, then answers one byte every ``interval`` s."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    stop = threading.Event()

    def drip(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(1 << 20)
                for byte in DRIP:
                    if stop.wait(interval):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.getsockname()[1]}"
    finally:
        stop.set()
        srv.close()


def test_dripping_gateway_is_cut_at_the_timeout(drift_report):
    """A gateway sending a byte every 0.2 s (never a per-read timeout) fails at the deadline."""
    with dripping_gateway() as url:
        start = time.monotonic()
        with pytest.raises(PushError, match="timed out: no complete answer within 1 s") as info:
            push_report(drift_report, url, timeout=1, retries=1, backoff_seconds=0)
        elapsed = time.monotonic() - start
    assert 1.9 < elapsed < 6  # two attempts of one second each
    assert info.value.attempts == 2


def test_custom_handler_gets_the_same_deadline(drift_report):
    """A handler of your own that never returns is abandoned at the timeout."""
    release = threading.Event()

    def handler(*_):
        return lambda: release.wait(60)

    start = time.monotonic()
    try:
        with pytest.raises(PushError, match="did not finish within 0.5 s"):
            push_report(drift_report, "gw", handler=handler, timeout=0.5, retries=0)
    finally:
        release.set()
    assert time.monotonic() - start < 5


def test_backoff_is_capped(drift_report, monkeypatch):
    """Exponential back-off never sleeps longer than MAX_BACKOFF_SECONDS."""
    sleeps: list[float] = []
    monkeypatch.setattr(time, "sleep", sleeps.append)

    def handler(*_):
        def send():
            raise ConnectionRefusedError("down")

        return send

    with pytest.raises(PushError):
        push_report(drift_report, "gw", handler=handler, retries=6, backoff_seconds=10)
    assert len(sleeps) == 6 and max(sleeps) == MAX_BACKOFF_SECONDS


@pytest.mark.parametrize(
    ("settings", "match"),
    [
        ({"retries": MAX_RETRIES + 1}, "retries must be an integer from 0 to 10"),
        ({"retries": -1}, "retries"),
        ({"retries": 1.5}, "retries"),
        ({"timeout": 0}, "timeout must be a positive number"),
        ({"timeout": -1}, "timeout"),
        ({"timeout": math.nan}, "timeout"),
        ({"timeout": math.inf}, "timeout"),
        ({"backoff_seconds": -1}, "backoff_seconds"),
        ({"job": ""}, "job"),
    ],
)
def test_push_settings_are_checked_before_sending(drift_report, settings, match):
    """Out-of-range settings are ConfigErrors and no request is made."""
    calls = []

    def handler(*args):
        calls.append(args)
        return lambda: None

    with pytest.raises(driftkl.ConfigError, match=match):
        push_report(drift_report, "gw", handler=handler, **settings)
    assert calls == []


@pytest.mark.parametrize("gateway", ["ftp://gw", "http://", "http://gw:99999", "http://gw:x"])
def test_bad_gateway_url_is_refused(gateway):
    """A gateway that is not an http(s)://host[:port] URL is a ConfigError naming it."""
    with pytest.raises(driftkl.ConfigError, match="is not an http"):
        check_push_settings(gateway)


def test_duplicate_feature_names_are_refused_before_export(drift_report):
    """Two features of one name would be duplicate series: an InputError naming the name."""
    d = drift_report.to_dict()
    d["features"].append(d["features"][0])
    with pytest.raises(
        driftkl.InputError, match=f"more than one feature named '{d['features'][0]['name']}'"
    ):
        report_families(d)


def test_textfile_checks(tmp_path):
    """check_textfile_path refuses a wrong suffix, a missing folder and a directory."""
    with pytest.raises(driftkl.ConfigError, match="does not end in '.prom'"):
        check_textfile_path(tmp_path / "m.txt")
    with pytest.raises(driftkl.ConfigError, match="does not exist"):
        check_textfile_path(tmp_path / "nope" / "m.prom")
    (tmp_path / "d.prom").mkdir()
    with pytest.raises(driftkl.ConfigError, match="directory"):
        check_textfile_path(tmp_path / "d.prom")
    assert check_textfile_path(tmp_path / "m.prom") == tmp_path / "m.prom"


def test_textfile_through_a_symlink_and_with_the_umask(tmp_path, drift_report):
    """The textfile writes through a symlink and gets 0o666 minus the umask."""
    target = tmp_path / "real.prom"
    link = tmp_path / "driftkl.prom"
    link.symlink_to(target)
    old = os.umask(0o022)
    try:
        write_textfile(drift_report, link)
    finally:
        os.umask(old)
    assert link.is_symlink() and "driftkl_feature_status" in target.read_text()
    assert target.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    ("options", "names"),
    [
        (["--pushgateway", "http://gw:9091", "--push-retries", "-1"], "--push-retries"),
        (["--pushgateway", "http://gw:9091", "--push-retries", "50"], "--push-retries"),
        (["--pushgateway", "http://gw:9091", "--push-timeout", "0"], "--push-timeout"),
        (["--pushgateway", "ftp://gw"], "ftp://gw"),
        (["--textfile", "m.txt"], "does not end in '.prom'"),
        (["--textfile", "/nonexistent-folder/m.prom"], "does not exist"),
    ],
)
def test_cli_options_are_checked_before_any_work(tmp_path, options, names):
    """Bad push or textfile options exit 2 before the inputs are even opened."""
    missing = tmp_path / "no-such-reference.parquet"  # reading it would be a different error
    proc = run_cli("compare", missing, missing, *options, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert names in proc.stderr and "no-such-reference" not in proc.stderr


def test_cli_failed_output_still_writes_textfile_and_pushes(
    sample_data, tmp_path, monkeypatch, capsys
):
    """--output failing (disk full) still prints, writes the textfile and pushes; exit 3."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_):
            pass

    real_fsync = os.fsync

    def full_for_reports(fd):
        if "report.json" in str(Path(f"/proc/self/fd/{fd}").readlink()):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_for_reports)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    prom = tmp_path / "orders.prom"
    out = tmp_path / "report.json"
    try:
        code = main(
            [
                "compare", str(sample_data["reference"]), str(sample_data["current"]),
                "--format", "json", "-o", str(out), "--textfile", str(prom),
                "--pushgateway", f"http://127.0.0.1:{server.server_port}",
            ]
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    captured = capsys.readouterr()
    assert code == EXIT_EXPORT
    assert f"could not write the JSON report: '{out}': No space left" in captured.err
    assert json.loads(captured.out)["schema"] == "driftkl.report"
    assert "driftkl_feature_status" in prom.read_text()
    assert seen == ["/metrics/job/driftkl/dataset/default"]
    assert not out.exists()
