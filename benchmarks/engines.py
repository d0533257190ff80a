"""Engines side by side: local vs dask vs Spark (local mode) on the same Parquet compare.

Writes a reference and a current Parquet file of ``--rows`` rows (4 float64 columns, 2% NaN
in one, an integer column with 8 levels and a string column with 50 categories; the current
data shifted), then runs ``driftkl.compare(reference, current, engine=...)`` once per engine,
each in its own process. Wall time is measured around the process; peak RSS is the driver
process's own ``ru_maxrss`` (the Python process that calls driftkl), and the peak of the whole
process tree is sampled every 0.2 s from /proc (driver plus, for Spark, the JVM and its
Python workers; dask's local scheduler runs in the driver's threads).

    python benchmarks/engines.py --rows 10000000

Every engine must give the same report: the script checks that the feature results are
identical and fails otherwise.
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
import pyarrow as pa
import pyarrow.parquet as pq

_CHILD = """
import json, resource, sys, time
import driftkl
engine, ref, cur, out = sys.argv[1:5]
extra = {}
if engine == "spark":
    extra["spark"] = {"master": "local[2]", "conf": {"spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": "2", "spark.driver.memory": "2g"}}
t = time.perf_counter()
report = driftkl.compare(ref, cur, engine=engine, **extra)
wall = time.perf_counter() - t
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
with open(out, "w") as f:
    json.dump({"in_process_s": wall, "driver_mib": own,
               "features": report.to_dict()["features"]}, f)
"""


def write(path: Path, rows: int, seed: int, shift: float) -> None:
    rng = np.random.default_rng(seed)
    chunk = 1_000_000
    writer = None
    cats = np.array([f"c{i:02d}" for i in range(50)], dtype=object)
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        a = rng.normal(shift, 1.0, n)
        a[rng.random(n) < 0.02] = np.nan
        table = pa.table(
            {
                "a": a,
                "b": rng.exponential(1.0 + shift, n),
                "c": rng.lognormal(0.0, 1.0, n),
                "d": rng.uniform(0.0, 1.0 + shift, n),
                "level": rng.integers(0, 8, n),
                "city": pa.array(cats[rng.zipf(1.3 + shift / 10, n) % 50], pa.string()),
            }
        )
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=262_144)
    assert writer is not None
    writer.close()


def tree_rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants (Linux /proc), in MiB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(
                int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("VmRSS")
            )
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, StopIteration):
            continue
    return total / 1024


def run(engine: str, ref: Path, cur: Path, out: Path) -> dict[str, float]:
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, engine, str(ref), str(cur), str(out)],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, tree_rss_mib(proc.pid))
            time.sleep(0.2)
        wall = time.perf_counter() - started
        if proc.returncode:
            err.seek(0)
            raise SystemExit(f"{engine} failed:\n{err.read()[-3000:]}")
    result = json.loads(out.read_text())
    result["wall_s"] = wall
    result["tree_mib"] = peak
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "driftkl-engines")
    parser.add_argument("--engines", default="local,dask,spark")
    args = parser.parse_args()
    folder = args.dir / f"rows-{args.rows}"
    folder.mkdir(parents=True, exist_ok=True)
    ref, cur = folder / "reference.parquet", folder / "current.parquet"
    for path, seed, shift in ((ref, 1, 0.0), (cur, 2, 0.1)):
        if not path.exists():
            write(path, args.rows, seed, shift)
    print(f"rows per file: {args.rows:,}; {os.cpu_count()} cores; {ref.stat().st_size >> 20} MiB")
    print(
        "| engine | wall (s) | compare in process (s) | driver peak RSS (MiB) | tree peak (MiB) |"
    )
    print("|---|---:|---:|---:|---:|")
    features = {}
    for engine in args.engines.split(","):
        r = run(engine, ref, cur, folder / f"{engine}.json")
        features[engine] = r["features"]
        print(
            f"| {engine} | {r['wall_s']:.1f} | {r['in_process_s']:.1f} | "
            f"{r['driver_mib']:.0f} | {r['tree_mib']:.0f} |",
            flush=True,
        )
    first = next(iter(features.values()))
    same = all(f == first for f in features.values())
    print(f"identical feature results across engines: {same}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
