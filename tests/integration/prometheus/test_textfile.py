"""The node_exporter textfile: atomic replacement, old file kept on failure, .prom only."""

from __future__ import annotations

import json
import os
import threading

import pytest
from prometheus_client.parser import text_string_to_metric_families

import driftkl
from driftkl.integrations.prometheus import ExportError, write_textfile

pytestmark = pytest.mark.prometheus


def _datasets(text: str) -> set[str]:
    return {
        s.labels["dataset"]
        for fam in text_string_to_metric_families(text)
        for s in fam.samples
        if fam.name == "driftkl_dataset_status"
    }


def test_textfile_is_written_and_parses(drift_report, tmp_path):
    """The .prom file holds the report's metrics and no temporary file is left behind."""
    path = write_textfile(drift_report, tmp_path / "driftkl_orders.prom")
    text = path.read_text()
    assert 'driftkl_feature_status{dataset="orders",feature="amount"} 2.0' in text
    assert [p.name for p in tmp_path.iterdir()] == ["driftkl_orders.prom"]


def test_readers_never_see_a_partial_file(drift_report, tmp_path):
    """While it is rewritten 60 times, a concurrent reader always reads one whole report."""
    path = tmp_path / "driftkl.prom"
    reports = []
    for i in range(2):
        d = json.loads(drift_report.to_json())
        d["dataset"] = f"ds{i}"
        reports.append(d)
    write_textfile(reports[0], path)
    stop = threading.Event()
    seen: list[set[str]] = []
    errors: list[BaseException] = []

    def read() -> None:
        while not stop.is_set():
            try:
                text = path.read_text()
                assert text.endswith("\n")
                seen.append(_datasets(text))
            except BaseException as exc:  # noqa: BLE001, PERF203 - reported by the test below
                errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(60):
            write_textfile(reports[i % 2], path)
    finally:
        stop.set()
        reader.join(30)
    assert not errors
    assert seen and all(s in ({"ds0"}, {"ds1"}) for s in seen)


def test_failed_rename_keeps_previous_file(drift_report, tmp_path, monkeypatch):
    """A failed rename keeps the old file, removes the temp file, raises ExportError."""
    path = tmp_path / "driftkl.prom"
    write_textfile(drift_report, path)
    before = path.read_text()
    nodrift = json.loads(drift_report.to_json())
    nodrift["dataset"] = "other"

    def boom(*_args):
        raise OSError(28, "No space left on device")

    for rename in ("rename", "replace"):  # whichever the atomic writer uses
        monkeypatch.setattr(os, rename, boom)
    with pytest.raises(ExportError, match="driftkl.prom"):
        write_textfile(nodrift, path)
    monkeypatch.undo()
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["driftkl.prom"]


def test_unwritable_target_is_export_error(drift_report, tmp_path):
    """A target that cannot be replaced (a non-empty folder) gives an ExportError, not a crash."""
    target = tmp_path / "blocked.prom"
    target.mkdir()
    (target / "x").write_text("x")
    with pytest.raises(ExportError, match="blocked.prom"):
        write_textfile(drift_report, target)
    assert (target / "x").read_text() == "x"


def test_textfile_must_end_in_prom(drift_report, tmp_path):
    """Any other suffix is a ConfigError: node_exporter would ignore the file."""
    with pytest.raises(driftkl.ConfigError, match=r"\.prom"):
        write_textfile(drift_report, tmp_path / "driftkl.txt")


def test_missing_folder_is_export_error(drift_report, tmp_path):
    """A missing folder fails with an ExportError naming the file, not a bare traceback."""
    with pytest.raises(ExportError, match="no-such-dir"):
        write_textfile(drift_report, tmp_path / "no-such-dir" / "x.prom")
