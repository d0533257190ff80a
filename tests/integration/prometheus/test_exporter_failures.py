"""``driftkl serve`` with hostile report files, idle connections and bad listen addresses."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time

import pytest
from helpers import run_cli
from integration.prometheus.prom_helpers import free_port, http, require_binary
from prometheus_client.parser import text_string_to_metric_families

import driftkl
from driftkl.integrations.prometheus import INVALID_REASONS, ReportDirectoryCollector, serve

pytestmark = pytest.mark.prometheus


def _invalid(text: str) -> dict[str, float]:
    return {
        s.labels["reason"]: s.value
        for fam in text_string_to_metric_families(text)
        for s in fam.samples
        if s.name == "driftkl_exporter_invalid_reports"
    }


def _status(text: str) -> dict[str, float]:
    return {
        s.labels["dataset"]: s.value
        for fam in text_string_to_metric_families(text)
        for s in fam.samples
        if s.name == "driftkl_dataset_status"
    }


def _mutated(report, dataset: str, change) -> str:
    d = json.loads(report.to_json())
    d["dataset"] = dataset
    change(d)
    return json.dumps(d)


def _set(path: tuple, value):
    def change(d):
        node = d
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


BAD_REPORTS = {
    "bad_created_at": _set(("created_at",), "yesterday-ish"),
    "created_at_not_a_string": _set(("created_at",), 20261101),
    "unknown_status": _set(("features", 0, "status"), "catastrophic"),
    "features_not_a_list": _set(("features",), 7),
    "feature_is_a_number": _set(("features", 0), 3),
    "metrics_wrong_type": _set(("features", 0, "metrics"), ["kl"]),
    "dataset_is_a_dict": _set(("dataset",), {"a": 1}),
    "duplicate_features": lambda d: d["features"].append(d["features"][0]),
}


def _write_bad_files(folder, report) -> None:
    for name, change in BAD_REPORTS.items():
        (folder / f"{name}.json").write_text(_mutated(report, name, change))
    surrogate = _mutated(report, "surrogate", _set(("features", 0, "name"), "PLACEHOLDER"))
    (folder / "lone_surrogate.json").write_text(surrogate.replace("PLACEHOLDER", "\\ud800"))
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    version = _mutated(report, "v2", _set(("schema_version",), 2))
    (folder / "future.json").write_text(version)
    (folder / "latin1.json").write_bytes(b'{"schema": "driftkl.report", "x": "\xe9"}')


@pytest.fixture
def hostile_dir(tmp_path, drift_report, nodrift_report):
    """One good report per dataset beside many broken ones, a FIFO and a link to /dev/zero."""
    (tmp_path / "good.json").write_text(nodrift_report.to_json())
    (tmp_path / "payments.json").write_text(_mutated(drift_report, "payments", lambda _: None))
    _write_bad_files(tmp_path, drift_report)
    os.mkfifo(tmp_path / "x.json")
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    return tmp_path


def test_bad_files_are_skipped_and_counted_by_reason(hostile_dir):
    """Every broken file is skipped with a reason; the good datasets are still exported."""
    reports, invalid = ReportDirectoryCollector(hostile_dir).scan()
    assert sorted(r.dataset for r in reports) == ["orders", "payments"]
    assert set(invalid) == set(INVALID_REASONS)
    assert invalid["invalid_report"] == len(BAD_REPORTS) + 1  # + the lone surrogate
    assert invalid["not_json"] == 2  # deep nesting, not UTF-8
    assert invalid["unsupported_version"] == 1
    assert invalid["not_a_file"] == 2  # the FIFO and the link to /dev/zero


def test_scrape_is_200_and_promtool_clean_despite_bad_files(hostile_dir):
    """A scrape of the hostile folder answers quickly with every good dataset's metrics."""
    server, _thread = serve(hostile_dir, port=0)
    try:
        start = time.monotonic()
        text = http(f"http://127.0.0.1:{server.server_port}/metrics", timeout=20).decode()
        assert time.monotonic() - start < 15  # the FIFO was not opened
    finally:
        server.shutdown()
        server.server_close()
    assert _status(text) == {"orders": 0, "payments": 2}
    assert _invalid(text)["not_a_file"] == 2
    proc = subprocess.run(
        [require_binary("promtool"), "check", "metrics"],
        input=text.encode(),
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_oversized_file_is_skipped_not_read(tmp_path, nodrift_report):
    """A file over max_report_bytes is counted as too_large and the rest still exported."""
    (tmp_path / "big.json").write_text(" " * 5000 + nodrift_report.to_json())
    (tmp_path / "small.json").write_text(
        _mutated(nodrift_report, "small", lambda d: d["features"].clear())
    )
    limit = len((tmp_path / "small.json").read_bytes()) + 10
    reports, invalid = ReportDirectoryCollector(tmp_path, max_report_bytes=limit).scan()
    assert [r.dataset for r in reports] == ["small"]
    assert invalid["too_large"] == 1


def test_fixed_file_is_used_on_the_next_scrape(tmp_path, nodrift_report):
    """A skipped file that is repaired is exported at the next scan (cache by mtime and size)."""
    path = tmp_path / "r.json"
    path.write_text(_mutated(nodrift_report, "r", _set(("created_at",), "bad")))
    collector = ReportDirectoryCollector(tmp_path)
    assert collector.scan()[1]["invalid_report"] == 1
    path.write_text(nodrift_report.to_json())
    reports, invalid = collector.scan()
    assert [r.dataset for r in reports] == ["orders"] and sum(invalid.values()) == 0


def test_idle_connections_use_at_most_max_threads(tmp_path, nodrift_report):
    """Twenty idle connections hold at most max_threads workers; scrapes resume after them."""
    (tmp_path / "r.json").write_text(nodrift_report.to_json())
    server, _thread = serve(tmp_path, port=0, max_threads=2)
    before = threading.active_count()
    idle: list[socket.socket] = []
    try:
        idle.extend(socket.create_connection(("127.0.0.1", server.server_port)) for _ in range(20))
        time.sleep(0.5)
        assert threading.active_count() - before <= 2
        for s in idle:
            s.close()
        text = http(f"http://127.0.0.1:{server.server_port}/metrics", timeout=30).decode()
        assert _status(text) == {"orders": 0}
    finally:
        for s in idle:
            s.close()
        server.shutdown()
        server.server_close()


def test_port_in_use_is_a_config_error(tmp_path):
    """A port another process holds is a ConfigError saying so, with a hint."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        with pytest.raises(driftkl.ConfigError, match=f"port {port} is already in use"):
            serve(tmp_path, port=port)


@pytest.mark.parametrize(
    ("address", "port", "match"),
    [
        ("127.0.0.1", 70000, "port must be an integer from 0 to 65535"),
        ("no-such-host.invalid", 0, "cannot be resolved"),
        ("192.0.2.1", 0, "not an address of this machine"),
        ("a" * 300, 0, "cannot serve metrics on"),
    ],
)
def test_bad_listen_address_is_a_config_error(tmp_path, address, port, match):
    """Out-of-range ports and addresses that cannot be listened on are ConfigErrors."""
    with pytest.raises(driftkl.ConfigError, match=match):
        serve(tmp_path, address=address, port=port)


def test_cli_serve_port_in_use_exits_2(tmp_path):
    """`driftkl serve --port P` with P taken: exit 2, one message, no traceback."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        proc = run_cli("serve", tmp_path, "--port", str(port), timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith("driftkl: error: cannot serve metrics on 127.0.0.1:")
    assert "Traceback" not in proc.stderr


def test_cli_serve_bad_address_exits_2(tmp_path):
    """`driftkl serve --address no-such-host.invalid`: exit 2 naming the address."""
    proc = run_cli(
        "serve", tmp_path, "--address", "no-such-host.invalid", "--port", str(free_port())
    )
    assert proc.returncode == 2
    assert "'no-such-host.invalid' cannot be resolved" in proc.stderr
