"""The progress display: one redrawn line within the width, real rows, phases in words, ETA."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from helpers import run_cli_on_terminal

from driftkl import progress
from driftkl.progress.phase import Phase, format_duration

REDRAW = "\r\x1b[K"


def _segments(text: str) -> list[str]:
    """What each redraw left on the line (the text between two line erasures)."""
    return [s for s in text.split(REDRAW) if s]


def test_bar_redraws_in_place_within_the_width():
    """Every redraw starts with CR + erase, fits width-1 cells and adds no newline."""
    out = io.StringIO()
    bar = progress.ProgressBar(out, min_interval=0.0, width=60)
    bar.start("fitting reference bins", 5_000_000, passes=[8, 8, 8, 8, 8])
    for _ in range(5 * 50):
        bar.advance(100_000)
    bar.finish()
    text = out.getvalue()
    assert "\n" not in text
    segments = _segments(text)
    assert len(segments) > 100
    assert all(len(s) <= 59 for s in segments), max(segments, key=len)
    bar.end()
    assert out.getvalue().endswith("\n") and out.getvalue().count("\n") == 1


def test_bar_counts_real_rows_and_names_the_columns():
    """5 passes over 5M rows show at most 5,000,000 rows, with the pass's columns in words."""
    out = io.StringIO()
    bar = progress.ProgressBar(out, min_interval=0.0, width=120)
    bar.start("fitting reference bins", 5_000_000, passes=[8, 8, 8, 8, 8])
    for _ in range(5 * 10):
        bar.advance(500_000)
    bar.finish()
    text = out.getvalue()
    totals = {int(t.replace(",", "")) for t in re.findall(r"/([\d,]+) rows", text)}
    done = [int(d.replace(",", "")) for d in re.findall(r"([\d,]+)/[\d,]+ rows", text)]
    assert totals == {5_000_000}
    assert max(done) == 5_000_000
    assert "20,000,000" not in text
    assert "fitting reference bins, columns 9-16 of 40" in text
    assert "fitting reference bins, columns 33-40 of 40" in text


def test_bar_summary_names_each_phase_once():
    """The final line sums up the phases (a repeated phase once) within the width."""
    out = io.StringIO()
    bar = progress.ProgressBar(out, min_interval=0.0, width=100)
    for label in ("fitting reference bins", "counting current rows"):
        bar.start(label, 1000)
        bar.advance(1000)
        bar.finish()
    bar.end()
    last = out.getvalue().split(REDRAW)[-1]
    assert last.startswith("done in ") and last.endswith("\n")
    assert "fitting reference bins 1,000 rows" in last and "counting current rows" in last
    assert len(last.rstrip("\n")) <= 99


def test_phase_eta_and_duration():
    """Half done after 10 s leaves 10 s; durations print as m:ss."""
    phase = Phase("x", 100, (8, 8), read=100, started=0.0)
    assert phase.fraction == 0.5 and phase.pass_index == 1 and phase.rows == 0
    assert phase.eta(now=10.0) == pytest.approx(10.0)
    assert format_duration(65) == "1:05"


def test_airflow_gets_plain_periodic_lines(monkeypatch):
    """Inside an Airflow task the display is plain lines: no CR, no escape, one per phase end."""
    monkeypatch.setenv("AIRFLOW_CTX_DAG_ID", "daily")
    out = io.StringIO()
    shown = progress.choose(out)
    assert isinstance(shown, progress.PlainProgress)
    shown.interval = 0.0
    shown.start("counting current rows", 2000, passes=[8, 2])
    shown.advance(1500)
    shown.finish()
    text = out.getvalue()
    assert "\r" not in text and "\x1b" not in text
    assert "driftkl: counting current rows, columns 1-8 of 10: 1,500/2,000 rows (38%)" in text
    assert text.splitlines()[-1].startswith("driftkl: counting current rows: done, 2,000 rows")


def test_choose_respects_the_mode(monkeypatch):
    """never: nothing; always: a bar even on a pipe; auto on a pipe outside Airflow: nothing."""
    for var in progress.AIRFLOW_ENV:
        monkeypatch.delenv(var, raising=False)
    assert progress.choose(io.StringIO(), "never") is None
    assert isinstance(progress.choose(io.StringIO(), "always"), progress.ProgressBar)
    assert progress.choose(io.StringIO(), "auto") is None


@pytest.fixture
def wide_files(tmp_path):
    """A 40-column reference and current table (5 reading passes of 8 columns)."""
    rng = np.random.default_rng(0)
    n = 30_000
    ref = pd.DataFrame({f"c{i:02d}": rng.normal(size=n) for i in range(40)})
    cur = pd.DataFrame({f"c{i:02d}": rng.normal(0.1, size=n) for i in range(40)})
    ref.to_parquet(tmp_path / "ref.parquet", row_group_size=1000)
    cur.to_parquet(tmp_path / "cur.parquet", row_group_size=1000)
    return tmp_path / "ref.parquet", tmp_path / "cur.parquet"


def test_cli_progress_on_a_terminal_stays_on_one_line(wide_files):
    """On an 80-column terminal: redraws within 79 cells, real rows, one summary line."""
    ref, cur = wide_files
    code, out, err = run_cli_on_terminal("compare", ref, cur, "--threads", "2", columns=80)
    assert code == 0, err
    assert "feature" in out
    assert err.count("\n") == 1 and err.endswith("\n"), repr(err[-300:])
    segments = _segments(err)
    assert all(len(s.rstrip("\n")) <= 79 for s in segments), max(segments, key=len)
    assert "fitting reference bins, columns" in err and "of 40" in err
    totals = {int(t.replace(",", "")) for t in re.findall(r"/([\d,]+) rows", err)}
    assert totals == {30_000}
    assert segments[-1].startswith("done in ")


def test_airflow_quick_phase_writes_nothing(monkeypatch):
    """A phase shorter than the interval leaves no line in the task log."""
    monkeypatch.setenv("AIRFLOW_CTX_TASK_ID", "check")
    out = io.StringIO()
    shown = progress.choose(out)
    assert isinstance(shown, progress.PlainProgress)
    shown.start("fitting reference bins", 5)
    shown.advance(5)
    shown.finish()
    shown.end()
    assert out.getvalue() == ""
