"""Pushing to a Pushgateway: fake handlers, a real Pushgateway, and a gateway down or slow."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.error import HTTPError

import pytest
from helpers import run_cli, run_python
from integration.prometheus.prom_helpers import free_port, http, require_binary, start_pushgateway
from prometheus_client.parser import text_string_to_metric_families

import driftkl
from driftkl.integrations.prometheus import PushError, push_failure, push_report

pytestmark = pytest.mark.prometheus


class FakeHandler:
    """Records requests; fails the first ``fail`` of them with ``error``."""

    def __init__(self, fail: int = 0, error: Exception | None = None) -> None:
        self.calls: list[dict] = []
        self.fail, self.error = fail, error

    def __call__(self, url, method, timeout, headers, data):
        def send():
            self.calls.append(
                {"url": url, "method": method, "timeout": timeout, "data": data, "headers": headers}
            )
            if len(self.calls) <= self.fail:
                raise self.error

        return send


def _group(gateway: str, job: str, dataset: str) -> dict[str, dict]:
    """The metrics the Pushgateway serves for one job/dataset group, by name and labels."""
    text = http(f"{gateway}/metrics").decode()
    out: dict[str, dict] = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            if s.labels.get("job") == job and s.labels.get("dataset") == dataset:
                out.setdefault(s.name, {})[frozenset(s.labels.items())] = s.value
    return out


def test_fake_handler_gets_put_with_stable_grouping_key(drift_report):
    """push_report sends one PUT to /metrics/job/<job>/dataset/<dataset>, no run id or date."""
    handler = FakeHandler()
    result = push_report(
        drift_report, "http://gw:9091", job="nightly", grouping_key={"dag_id": "d"}, handler=handler
    )
    (call,) = handler.calls
    assert call["method"] == "PUT"
    assert call["url"] == "http://gw:9091/metrics/job/nightly/dag_id/d/dataset/orders"
    assert call["timeout"] == 10.0
    assert ("Content-Type", "text/plain; version=0.0.4; charset=utf-8") in call["headers"]
    assert b'driftkl_feature_status{dataset="orders",feature="amount"} 2.0' in call["data"]
    assert result.url == call["url"] and result.attempts == 1
    assert result.grouping_key == {"dataset": "orders", "dag_id": "d"}


@pytest.mark.parametrize("label", ["run_id", "ds", "logical_date", "date"])
def test_per_run_grouping_keys_are_refused(drift_report, label):
    """A grouping key that changes every run is a ConfigError naming the label."""
    with pytest.raises(driftkl.ConfigError, match=label):
        push_report(drift_report, "gw", grouping_key={label: "x"}, handler=FakeHandler())


def test_conflicting_grouping_keys_are_refused(drift_report):
    """A metric label, 'job', or another dataset in the grouping key are ConfigErrors."""
    for key in ({"feature": "x"}, {"job": "x"}, {"dataset": "other"}, {"bad-name": "x"}):
        with pytest.raises(driftkl.ConfigError):
            push_report(drift_report, "gw", grouping_key=key, handler=FakeHandler())


def test_transient_failures_are_retried_then_succeed(drift_report):
    """Two connection errors then success: three attempts, no error."""
    handler = FakeHandler(fail=2, error=ConnectionRefusedError("refused"))
    result = push_report(drift_report, "gw", handler=handler, retries=2, backoff_seconds=0.01)
    assert result.attempts == 3 and len(handler.calls) == 3


def test_retries_are_bounded_and_error_keeps_report(drift_report):
    """After retries+1 failures PushError names the gateway and carries the report dict."""
    handler = FakeHandler(fail=99, error=TimeoutError("timed out"))
    with pytest.raises(PushError) as info:
        push_report(drift_report, "http://gw:9091", handler=handler, retries=3, backoff_seconds=0)
    assert len(handler.calls) == 4 and info.value.attempts == 4
    assert "http://gw:9091" in str(info.value) and "timed out" in str(info.value)
    assert info.value.report["summary"]["drifted_features"] == list(drift_report.drifted_features)
    assert isinstance(info.value, driftkl.DriftklError) and isinstance(info.value, OSError)


def test_client_errors_are_not_retried(drift_report):
    """An HTTP 400 (e.g. inconsistent labels) fails at once: retrying cannot help."""
    err = HTTPError("http://gw/metrics", 400, "Bad Request", None, None)  # type: ignore[arg-type]
    handler = FakeHandler(fail=99, error=err)
    with pytest.raises(PushError, match="HTTP 400"):
        push_report(drift_report, "http://gw", handler=handler, retries=5, backoff_seconds=0)
    assert len(handler.calls) == 1


def test_real_pushgateway_put_replaces_group(pushgateway, drift_report):
    """A real Pushgateway holds the pushed values; a second PUT drops features no longer sent."""
    push_report(drift_report, pushgateway, job="t_replace")
    group = _group(pushgateway, "t_replace", "orders")
    status = group["driftkl_feature_status"]
    assert {dict(k)["feature"] for k in status} == {f.name for f in drift_report.features}
    assert (
        status[
            frozenset(
                {
                    "job": "t_replace",
                    "instance": "",
                    "dataset": "orders",
                    "feature": "amount",
                }.items()
            )
        ]
        == 2
    )
    fewer = drift_report.to_dict()
    fewer["features"] = [f for f in fewer["features"] if f["name"] != "amount"]
    push_report(fewer, pushgateway, job="t_replace")
    group = _group(pushgateway, "t_replace", "orders")
    assert "amount" not in {dict(k)["feature"] for k in group["driftkl_feature_status"]}


def test_real_pushgateway_push_failure_keeps_last_success(pushgateway, drift_report):
    """push_failure (POST) adds a failure time and keeps the last success timestamp."""
    push_report(drift_report, pushgateway, job="t_failure")
    push_failure(pushgateway, dataset="orders", job="t_failure", when=1234.0)
    group = _group(pushgateway, "t_failure", "orders")
    (success,) = group["driftkl_last_success_timestamp_seconds"].values()
    (failure,) = group["driftkl_last_failure_timestamp_seconds"].values()
    (last_run,) = group["driftkl_last_run_timestamp_seconds"].values()
    assert failure == last_run == 1234.0
    assert success > 1.7e9
    assert "driftkl_feature_status" in group


def test_real_pushgateway_odd_dataset_and_feature_names(pushgateway):
    """Slashes and unicode in the dataset (grouping key) and quotes in features push fine."""
    import pandas as pd  # noqa: PLC0415

    frame = pd.DataFrame({'a "b"\nc': [1.0, 2.0, 3.0] * 20})
    report = driftkl.compare(frame, frame, dataset="eu/shop ✓")
    result = push_report(report, pushgateway, job="t_odd")
    assert "@base64" in result.url
    group = _group(pushgateway, "t_odd", "eu/shop ✓")
    assert {dict(k)["feature"] for k in group["driftkl_feature_status"]} == {'a "b"\nc'}


def test_gateway_down_fails_fast_and_names_gateway(drift_report):
    """Nothing listening: PushError after the bounded retries, naming the gateway URL."""
    url = f"http://127.0.0.1:{free_port()}"
    start = time.monotonic()
    with pytest.raises(PushError) as info:
        push_report(drift_report, url, retries=1, backoff_seconds=0.1, timeout=2)
    assert time.monotonic() - start < 10
    assert url in str(info.value) and info.value.attempts == 2
    assert "Connection refused" in str(info.value) or "URLError" in str(info.value)


def test_slow_gateway_times_out(drift_report):
    """A gateway that accepts but never answers: each attempt ends at the timeout."""
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(8)
        url = f"http://127.0.0.1:{srv.getsockname()[1]}"
        start = time.monotonic()
        with pytest.raises(PushError, match="timed out") as info:
            push_report(drift_report, url, timeout=0.5, retries=1, backoff_seconds=0)
        elapsed = time.monotonic() - start
    assert 0.9 < elapsed < 10
    assert url in str(info.value)


def test_basic_auth_header_is_sent(drift_report):
    """username/password reach the gateway as an HTTP Basic Authorization header."""
    seen: list[tuple[str, str | None]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append((self.path, self.headers.get("Authorization")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        push_report(drift_report, url, username="alice", password="s3cret")  # noqa: S106 - test secret
    finally:
        server.shutdown()
        server.server_close()
    assert seen == [("/metrics/job/driftkl/dataset/orders", "Basic YWxpY2U6czNjcmV0")]


def test_cli_push_to_real_gateway(pushgateway, sample_data, tmp_path):
    """driftkl compare --pushgateway --job --textfile pushes, writes the .prom, exits 0."""
    prom = tmp_path / "orders.prom"
    proc = run_cli(
        "compare", str(sample_data["reference"]), str(sample_data["current"]),
        "--dataset", "cli_orders", "--pushgateway", pushgateway, "--job", "t_cli",
        "--textfile", str(prom),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert f"pushed drift metrics to {pushgateway}/metrics/job/t_cli/dataset/cli_orders" in (
        proc.stderr
    )
    group = _group(pushgateway, "t_cli", "cli_orders")
    assert len(group["driftkl_feature_status"]) == 7
    assert 'driftkl_feature_status{dataset="cli_orders",feature="amount"} 2.0' in prom.read_text()


def test_cli_push_failure_keeps_report_and_exits_3(sample_data, tmp_path):
    """Gateway down: report printed and saved, message names the gateway, exit code 3."""
    url = f"http://127.0.0.1:{free_port()}"
    out = tmp_path / "report.json"
    proc = run_cli(
        "compare", str(sample_data["reference"]), str(sample_data["current"]),
        "--pushgateway", url, "--push-retries", "0", "--format", "json", "-o", str(out),
        "--fail-on-drift",
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    assert url in proc.stderr and "could not push drift metrics" in proc.stderr
    saved = json.loads(out.read_text())
    assert saved["summary"]["status"] == "drift"
    assert json.loads(proc.stdout)["summary"] == saved["summary"]


def test_cli_bad_textfile_name_is_usage_error(sample_data, tmp_path):
    """--textfile not ending in .prom is a configuration error: exit 2, message names the fix."""
    proc = run_cli(
        "compare", str(sample_data["reference"]), str(sample_data["current"]),
        "--textfile", str(tmp_path / "orders.txt"),
    )  # fmt: skip
    assert proc.returncode == 2
    assert "does not end in '.prom'" in proc.stderr


def test_cli_without_prometheus_client_names_the_extra(sample_data, tmp_path):
    """Without prometheus_client, --pushgateway fails before comparing, naming the pip line."""
    code = (
        "import sys; sys.modules['prometheus_client'] = None\n"
        "from driftkl.cli import main\n"
        f"sys.exit(main(['compare', {str(sample_data['reference'])!r}, "
        f"{str(sample_data['current'])!r}, '--pushgateway', 'http://127.0.0.1:9', "
        f"'-o', {str(tmp_path / 'r.json')!r}]))\n"
    )
    proc = run_python(code)
    assert proc.returncode == 2, proc.stderr
    assert "pip install 'driftkl[prometheus]'" in proc.stderr
    assert not (tmp_path / "r.json").exists()


#: bcrypt hash of "s3cret" (cost 4), for the Pushgateway's basic_auth_users.
S3CRET_BCRYPT = "$2b$04$U3c5uoGqQk3YkCKuxcDg7OwyvPIJ2qfsXMYGjeCXTht0xlMp4u9S2"
LOGIN = {"username": "alice", "password": "s3cret"}
ALICE = {"Authorization": "Basic YWxpY2U6czNjcmV0"}  # the header LOGIN gives


def _self_signed(work, name: str, subject: str, *extra: str) -> tuple[str, str]:
    """A self-signed certificate and its key as PEM files: (cert, key)."""
    cert, key = work / f"{name}.pem", work / f"{name}-key.pem"
    subprocess.run(
        [require_binary("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", subject, *extra],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return str(cert), str(key)


def _server_tls(work) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 and the web-config lines that serve it."""
    cert, key = _self_signed(
        work, "server", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"
    )
    return cert, f"tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n"


@pytest.fixture(scope="module")
def tls_pushgateway(tmp_path_factory):
    """A real Pushgateway serving HTTPS with a self-signed certificate for 127.0.0.1."""
    work = tmp_path_factory.mktemp("tls-pushgateway")
    cert, web = _server_tls(work)
    context = ssl.create_default_context(cafile=cert)
    svc, url = start_pushgateway(work, web_config=web, context=context)
    yield url, cert, context
    svc.stop()


@pytest.fixture(scope="module")
def mtls_pushgateway(tmp_path_factory):
    """An HTTPS Pushgateway that requires a client certificate and Basic auth (alice:s3cret)."""
    work = tmp_path_factory.mktemp("mtls-pushgateway")
    cert, web = _server_tls(work)
    client_cert, client_key = _self_signed(work, "client", "/CN=driftkl-client")
    web += (
        f"  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: {client_cert}\n"
        f"basic_auth_users:\n  alice: {S3CRET_BCRYPT}\n"
    )
    context = ssl.create_default_context(cafile=cert)
    context.load_cert_chain(client_cert, client_key)
    svc, url = start_pushgateway(work, web_config=web, context=context, headers=ALICE)
    tls = {"cafile": cert, "certfile": client_cert, "keyfile": client_key}
    yield SimpleNamespace(url=url, context=context, tls=tls)
    svc.stop()


def test_tls_push_verifies_the_gateway_certificate(tls_pushgateway, drift_report):
    """HTTPS push succeeds with the gateway's CA (or verification off) and fails without it."""
    url, cafile, context = tls_pushgateway
    with pytest.raises(PushError, match="CERTIFICATE_VERIFY_FAILED") as info:
        push_report(drift_report, url, job="t_tls", retries=0)
    assert url in str(info.value)
    push_report(drift_report, url, job="t_tls", cafile=cafile)
    text = http(f"{url}/metrics", context=context).decode()
    assert (
        'driftkl_feature_status{dataset="orders",feature="amount",instance="",job="t_tls"} 2'
        in (text)
    )
    push_report(drift_report, url, job="t_tls_insecure", insecure_skip_verify=True)
    assert 'job="t_tls_insecure"' in http(f"{url}/metrics", context=context).decode()


def test_client_certificate_and_basic_auth_together(mtls_pushgateway, drift_report):
    """A client certificate plus Basic auth reach a gateway that requires both; one alone fails."""
    gw = mtls_pushgateway
    with pytest.raises(PushError, match="HTTP 401") as info:
        push_report(drift_report, gw.url, job="t_mtls", retries=1, backoff_seconds=0, **gw.tls)
    assert info.value.attempts == 1  # a 4xx is not retried
    with pytest.raises(PushError) as info:
        push_report(drift_report, gw.url, job="t_mtls", retries=0, cafile=gw.tls["cafile"], **LOGIN)
    assert gw.url in str(info.value)
    result = push_report(drift_report, gw.url, job="t_mtls", **LOGIN, **gw.tls)
    assert result.attempts == 1
    text = http(f"{gw.url}/metrics", context=gw.context, headers=ALICE).decode()
    assert (
        'driftkl_feature_status{dataset="orders",feature="amount",instance="",job="t_mtls"} 2'
        in (text)
    )


def test_unreadable_tls_file_is_config_error(drift_report, tmp_path):
    """A CA file that does not exist is a ConfigError naming it; no request is attempted."""
    missing = tmp_path / "no-such-ca.pem"
    with pytest.raises(driftkl.ConfigError, match="no-such-ca.pem"):
        push_report(drift_report, f"https://127.0.0.1:{free_port()}", cafile=str(missing))


def test_push_failure_that_cannot_be_sent_raises_push_error():
    """push_failure POSTs, retries like push_report, and its PushError carries no report."""
    handler = FakeHandler(fail=99, error=ConnectionRefusedError("refused"))
    with pytest.raises(PushError, match="could not push a drift-check failure") as info:
        push_failure(
            "http://gw:9091", dataset="orders", handler=handler, retries=1, backoff_seconds=0
        )
    assert [c["method"] for c in handler.calls] == ["POST", "POST"]
    assert info.value.url == "http://gw:9091/metrics/job/driftkl/dataset/orders"
    assert info.value.report == {} and info.value.attempts == 2


def test_negative_retries_are_refused(drift_report):
    """retries=-1 is a ConfigError for both pushes, before any request is made."""
    handler = FakeHandler()
    with pytest.raises(driftkl.ConfigError, match="retries"):
        push_report(drift_report, "gw", retries=-1, handler=handler)
    with pytest.raises(driftkl.ConfigError, match="retries"):
        push_failure("gw", dataset="orders", retries=-1, handler=handler)
    assert handler.calls == []
