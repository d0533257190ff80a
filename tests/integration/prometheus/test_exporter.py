"""``driftkl serve``: the newest saved report per dataset, served over HTTP for scraping."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest
from integration.prometheus.prom_helpers import free_port, http, require_binary, wait_until
from prometheus_client.parser import text_string_to_metric_families

import driftkl
from driftkl.integrations.prometheus import latest_reports, serve

pytestmark = pytest.mark.prometheus


def _save(folder, report, dataset: str, created_at: str, name: str) -> None:
    d = json.loads(report.to_json())
    d["dataset"], d["created_at"] = dataset, created_at
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(d))


def _values(text: str, name: str) -> dict[str, float]:
    return {
        s.labels.get("dataset", ""): s.value
        for fam in text_string_to_metric_families(text)
        for s in fam.samples
        if s.name == name
    }


@pytest.fixture
def reports_dir(tmp_path, drift_report, nodrift_report, sample_data):
    """Two orders reports (old drifted, new clean), one payments report, a profile, junk."""
    _save(tmp_path, drift_report, "orders", "2026-11-01T00:00:00+00:00", "orders/2026-11-01.json")
    _save(tmp_path, nodrift_report, "orders", "2026-11-02T00:00:00+00:00", "orders/2026-11-02.json")
    _save(tmp_path, drift_report, "payments", "2026-11-02T00:00:00+00:00", "payments/x.json")
    driftkl.profile(sample_data["reference"]).save(tmp_path / "profiles" / "orders.json")
    (tmp_path / "broken.json").write_text('{"schema": "driftkl.report", "schema_version": 1')
    return tmp_path


def test_latest_report_per_dataset(reports_dir):
    """Of two orders reports the newer wins; profiles are ignored."""
    latest = {r.dataset: r for r in latest_reports(reports_dir)}
    assert set(latest) == {"orders", "payments"}
    assert latest["orders"].created_at == "2026-11-02T00:00:00+00:00"
    assert latest["orders"].status == "ok" and latest["payments"].status == "drift"


def test_serve_exports_newest_and_follows_new_files(reports_dir, drift_report):
    """/metrics serves the newest report per dataset, counts broken files, follows new ones."""
    server, _thread = serve(reports_dir, port=0)
    try:
        url = f"http://127.0.0.1:{server.server_port}/metrics"
        text = http(url).decode()
        assert _values(text, "driftkl_dataset_status") == {"orders": 0, "payments": 2}
        invalid = {
            s.labels["reason"]: s.value
            for fam in text_string_to_metric_families(text)
            for s in fam.samples
            if s.name == "driftkl_exporter_invalid_reports"
        }
        assert invalid["not_json"] == 1 and sum(invalid.values()) == 1
        assert _values(text, "driftkl_exporter_reports") == {"": 2}
        proc = subprocess.run(
            [require_binary("promtool"), "check", "metrics"],
            input=text.encode(),
            capture_output=True,
            check=False,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        _save(reports_dir, drift_report, "orders", "2026-11-03T00:00:00+00:00", "orders/3.json")
        assert _values(http(url).decode(), "driftkl_dataset_status")["orders"] == 2
    finally:
        server.shutdown()
        server.server_close()


def test_serve_missing_folder_is_input_error(tmp_path):
    """A reports folder that does not exist is refused with a hint."""
    with pytest.raises(driftkl.InputError, match="does not exist"):
        serve(tmp_path / "nope", port=0)


def test_cli_serve_runs_until_interrupted(reports_dir):
    """`driftkl serve DIR --port P` serves metrics and exits 0 on SIGINT."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "driftkl", "serve", str(reports_dir), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/metrics"
        text = wait_until(lambda: http(url).decode(), "driftkl serve to answer")
        assert _values(text, "driftkl_dataset_status") == {"orders": 0, "payments": 2}
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert f"http://127.0.0.1:{port}/metrics" in err
