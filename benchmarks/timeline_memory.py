"""What windows cost: peak RSS of ``driftkl timeline`` against ``driftkl compare``, same data.

Writes (once, into ``--dir``) a reference Parquet file and a current dataset of ``--days``
daily windows of ``--rows-per-day`` rows, 10 float64 and 5 string columns (5-2000
categories) plus a ``ts`` timestamp column, then runs as separate processes, as a user would:

  compare   driftkl compare reference.profile.json current/        (one window)
  timeline  driftkl timeline reference.profile.json current/ --time-column ts --every 1d

and prints each one's wall time and peak RSS (the child's ``ru_maxrss`` from ``os.wait4``),
with the counts a timeline holds: windows x features x bins x 8 bytes.

    python benchmarks/timeline_memory.py --days 365 --rows-per-day 10000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def _frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    cols: dict[str, object] = {f"num_{i:02d}": rng.normal(size=n) for i in range(10)}
    for i, k in enumerate((5, 50, 500, 2000, 50)):
        cols[f"cat_{i:02d}"] = rng.integers(0, k, n).astype(str)
    return pd.DataFrame(cols)


def generate(root: Path, days: int, per_day: int) -> None:
    """The reference file, its profile, and ``days`` daily files of current data."""
    if (root / "reference.profile.json").exists():
        return
    rng = np.random.default_rng(0)
    (root / "current").mkdir(parents=True, exist_ok=True)
    pq.write_table(
        pa.Table.from_pandas(_frame(rng, 200_000), preserve_index=False), root / "reference.parquet"
    )
    start = pd.Timestamp("2026-01-01", tz="UTC")
    for d in range(days):
        frame = _frame(rng, per_day)
        frame["ts"] = (
            start
            + pd.Timedelta(days=d)
            + pd.to_timedelta(rng.integers(0, 86_400, per_day), unit="s")
        )
        pq.write_table(
            pa.Table.from_pandas(frame, preserve_index=False), root / "current" / f"{d:04d}.parquet"
        )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "driftkl",
            "profile",
            str(root / "reference.parquet"),
            "-o",
            str(root / "reference.profile.json"),
        ],
        check=True,
        capture_output=True,
    )


def run(args: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and stdout of ``python -m driftkl args``."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "driftkl", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    out = proc.stdout.read().decode() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"driftkl {' '.join(args)} failed")
    return time.perf_counter() - started, usage.ru_maxrss / 1024, out


def main() -> None:
    """Generate, run both cases, print a Markdown table."""
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--rows-per-day", type=int, default=10_000)
    p.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "driftkl-timeline-bench"))
    a = p.parse_args()
    root = Path(a.dir) / f"days-{a.days}-{a.rows_per_day}"
    generate(root, a.days, a.rows_per_day)
    prof, cur = str(root / "reference.profile.json"), str(root / "current")
    secs_c, rss_c, _ = run(["compare", prof, cur, "--exclude", "ts", "--format", "json"])
    secs_t, rss_t, out = run(
        ["timeline", prof, cur, "--time-column", "ts", "--every", "1d", "--format", "json"]
    )
    tl = json.loads(out)
    import driftkl  # noqa: PLC0415

    profile = driftkl.Profile.load(prof)
    bins = sum(profile.feature(n).bins.n_bins for n in profile.names)
    windows = len(tl["windows"])
    print("| case | windows | wall s | peak RSS MiB |\n|---|---|---|---|")
    print(f"| compare | 1 | {secs_c:.1f} | {rss_c:.0f} |")
    print(f"| timeline 1d | {windows} | {secs_t:.1f} | {rss_t:.0f} |")
    print(
        f"\n{a.days * a.rows_per_day:,} current rows; {bins} bins over 15 features; counts held "
        f"by the timeline: {windows} x {bins} x 8 bytes = {windows * bins * 8 / 2**20:.2f} MiB"
    )


if __name__ == "__main__":
    main()
