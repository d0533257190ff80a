"""The operators' failures: tampered profiles, crashes and outputs that cannot be written."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import driftkl
from driftkl.demo import write_sample_data
from driftkl.integrations.airflow import DriftCheckOperator, ProfileBuildOperator
from driftkl.integrations.airflow.version_compat import AirflowFailException

pytestmark = pytest.mark.airflow


class FakeTI:
    """Just enough of a task instance for execute(): records XCom pushes."""

    def __init__(self):
        self.pushed: dict[str, object] = {}

    def xcom_push(self, key, value):
        self.pushed[key] = value


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """Small sample Parquet files and a saved reference profile."""
    folder = tmp_path_factory.mktemp("sample")
    paths = write_sample_data(folder, rows=400)
    paths["profile"] = driftkl.profile(paths["reference"]).save(folder / "ref.profile.json")
    return paths


@pytest.fixture
def gateway(monkeypatch):
    """A fake Pushgateway behind the Airflow connection 'fake_gw'; yields the requests seen."""
    seen: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def _record(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            seen.append((self.command, self.path))
            self.send_response(200)
            self.end_headers()

        def do_PUT(self):
            self._record()

        def do_POST(self):
            self._record()

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("AIRFLOW_CONN_FAKE_GW", f"http://127.0.0.1:{server.server_port}")
    yield seen
    server.shutdown()
    server.server_close()


@pytest.fixture
def count_compare(monkeypatch):
    """Counts the calls of driftkl.compare (the expensive work a retry would repeat)."""
    calls: list[int] = []
    real = driftkl.compare

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(driftkl, "compare", counting)
    return calls


def test_tampered_profile_fails_at_once(sample, tmp_path):
    """A profile edited after it was written fails the task without retry, naming the file."""
    d = json.loads(sample["profile"].read_text())
    d["rows"] += 1
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(d))
    op = DriftCheckOperator(task_id="t", reference=str(tampered), current=str(sample["current"]))
    with pytest.raises(AirflowFailException, match="driftkl profile error: .*tampered.json"):
        op.execute({"ti": FakeTI()})


def test_crash_is_recorded_in_the_pushgateway(sample, gateway, monkeypatch):
    """A non-driftkl exception still records the failed check (POST), then propagates."""

    def crash(*_args, **_kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(driftkl, "compare", crash)
    op = DriftCheckOperator(
        task_id="t",
        reference=str(sample["profile"]),
        current=str(sample["current"]),
        dataset="orders",
        prometheus_conn_id="fake_gw",
    )
    with pytest.raises(ZeroDivisionError):
        op.execute({"ti": FakeTI()})
    assert [m for m, _ in gateway] == ["POST"]
    assert "/dataset/orders" in gateway[0][1]


def test_output_failure_does_not_rerun_the_comparison(sample, tmp_path, gateway, count_compare):
    """output_path on a directory: HTML and push still done, XCom pushed, no retry."""
    folder = tmp_path / "report.json"
    folder.mkdir()
    html = tmp_path / "report.html"
    ti = FakeTI()
    op = DriftCheckOperator(
        task_id="t",
        reference=str(sample["profile"]),
        current=str(sample["current_nodrift"]),
        on_drift="warn",
        output_path=str(folder),
        html_output_path=str(html),
        prometheus_conn_id="fake_gw",
    )
    with pytest.raises(AirflowFailException, match="not retried.*report.json.*directory"):
        op.execute({"ti": ti})
    assert len(count_compare) == 1
    assert html.read_text().startswith("<!DOCTYPE html>")
    assert [m for m, _ in gateway] == ["PUT"]
    assert ti.pushed["return_value"]["schema"] == "driftkl.report.summary"


def test_profile_output_failure_fails_without_retry(sample, tmp_path):
    """ProfileBuildOperator: an output path that is a directory fails the task, no retry."""
    folder = tmp_path / "profile.json"
    folder.mkdir()
    op = ProfileBuildOperator(task_id="p", data=str(sample["reference"]), output_path=str(folder))
    with pytest.raises(AirflowFailException, match="profile of 400 rows built.*directory"):
        op.execute({})
