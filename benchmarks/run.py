"""driftkl benchmark harness: generates a workload (W1 or wide), then times whole processes.

Workloads (``--workload``; the data follow the shared ``make_data.py`` specification, generated
here by :func:`generate`, and are reused from ``--dir`` when already there):

  w1    (default) a reference and a current Parquet file, ``--rows`` rows each (default 1M),
        20 float64 columns ``num_XX`` (every fifth with 2% NaN) and 5 string categorical
        columns ``cat_XX`` (5, 50, 500, 2000 categories in turn), odd-numbered columns drifted
        in the current file, 256k-row row groups. ``--parts N`` writes the current data as a
        folder of N files instead (for data larger than RAM). Written to ``DIR/w1-ROWS-NUM-CAT``.
  wide  the same columns, but short and wide: defaults 200k rows, 150 float64 + 50 string
        columns; default cases ``floor floor_dict_both compare`` (compare from Parquet against
        the decode floors). Written to ``DIR/wide-ROWS-NUM-CAT``.

``--num-cols`` / ``--cat-cols`` (aliases ``--num`` / ``--cat``) and ``--rows`` override the
workload's shape; the reference profile (``reference.profile.json``) is built only when the
``profile`` case is requested.

Each case runs as its own process (``python -m driftkl ...`` as a user would run it), in
interleaved order over ``--reps`` repetitions; wall time is measured around the process and
peak RSS is the child's ``ru_maxrss`` from ``os.wait4``. Prints medians and ratios to the decode
floor as a Markdown table.

Cases:
  floor         pyarrow.parquet.read_table of both files (decoding, nothing else)
  compare       driftkl compare reference.parquet current.parquet
  profile       driftkl compare reference.profile.json current.parquet (saved profile)
  floor_current decoding only the current data, streamed in batches (the large-data floor)
  floor_dict    the same, but strings decoded as dictionaries as driftkl reads them (the
                cheapest decode of these columns: a stricter floor)
  floor_dict_both  read_table of both files with strings decoded as dictionaries (the
                stricter floor for ``compare``, which decodes both files)
  build         driftkl profile of the current data (a large reference: exact quantiles in
                streaming passes once a column exceeds binning.reference_memory_mib)
  pandas        a hand-written pandas + numpy + scipy drift check (quantile bins, KL and JS)

A ratio column (× floor, × floor_current, × floor_dict, × floor_dict_both) shows "–" when
its floor case was not run; the × floor_dict_both column appears only when that case is run.
Rows/s are printed in millions (M), or in thousands (k) below 100k rows/s (wide tables).

``python -m driftkl`` imports the package from the current directory first: to measure another
copy of driftkl (say, an exported older commit), run the harness from that copy's parent
directory with ``PYTHONPATH`` pointing there and ``--dir`` pointing at the data.

Usage:
  python benchmarks/run.py                       # W1, 1M rows, 5 reps
  python benchmarks/run.py --rows 20000000 --parts 20 --cases profile floor_current
  python benchmarks/run.py --scaling 1000000 10000000   # scaling curve
  python benchmarks/run.py --workload wide --rows 200000 --num-cols 150 --cat-cols 50 \
      --reps 3 --cases floor compare               # wide: 200 columns
  python benchmarks/run.py --workload wide --rows 100000 --num-cols 800 --cat-cols 200 \
      --reps 2 --cases floor floor_dict_both compare   # wide: 1 000 columns
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROW_GROUP = 256_000
NAN_SHARE = 0.02
CASES = ["floor", "compare", "profile", "floor_current", "floor_dict", "floor_dict_both"]
CASES += ["build", "pandas"]
# Per workload: default rows, float64 columns, string columns and cases.
WORKLOADS: dict[str, tuple[int, int, int, list[str]]] = {
    "w1": (1_000_000, 20, 5, ["floor", "compare", "profile", "floor_current", "pandas"]),
    "wide": (200_000, 150, 50, ["floor", "floor_dict_both", "compare"]),
}
FLOOR = """
import sys, pyarrow.parquet as pq
pq.read_table(sys.argv[1]); pq.read_table(sys.argv[2])
"""
FLOOR_CURRENT = """
import sys, pathlib, pyarrow.parquet as pq
p = pathlib.Path(sys.argv[1])
for f in sorted(p.glob("*.parquet")) if p.is_dir() else [p]:
    for b in pq.ParquetFile(f, pre_buffer=False).iter_batches(batch_size=131072):
        pass
"""
FLOOR_DICT = """
import sys, pathlib, pyarrow as pa, pyarrow.parquet as pq
p = pathlib.Path(sys.argv[1])
for f in sorted(p.glob("*.parquet")) if p.is_dir() else [p]:
    pf = pq.ParquetFile(f, pre_buffer=False)
    strings = [x.name for x in pf.schema_arrow if pa.types.is_string(x.type)]
    pf = pq.ParquetFile(f, pre_buffer=False, read_dictionary=strings)
    for b in pf.iter_batches(batch_size=131072):
        pass
"""
FLOOR_DICT_BOTH = """
import sys, pyarrow as pa, pyarrow.parquet as pq
for f in sys.argv[1:]:
    s = pq.read_schema(f)
    pq.read_table(f, read_dictionary=[x.name for x in s if pa.types.is_string(x.type)])
"""
PANDAS = """
import sys, numpy as np, pandas as pd
from scipy.spatial.distance import jensenshannon
from scipy.stats import entropy
ref, cur = pd.read_parquet(sys.argv[1]), pd.read_parquet(sys.argv[2])
out = {}
for c in ref.columns:
    if ref[c].dtype.kind == "f":
        r, k = ref[c].dropna().to_numpy(), cur[c].dropna().to_numpy()
        edges = np.unique(np.quantile(r, np.linspace(0, 1, 11)))
        edges[0], edges[-1] = min(edges[0], k.min()), max(edges[-1], k.max())
        p, _ = np.histogram(r, edges)
        q, _ = np.histogram(k, edges)
    else:
        vc = pd.concat([ref[c].value_counts(), cur[c].value_counts()], axis=1).fillna(0)
        p, q = vc.iloc[:, 0].to_numpy(), vc.iloc[:, 1].to_numpy()
    p, q = p + 0.5, q + 0.5
    out[c] = (entropy(q, p, base=2), jensenshannon(p, q, base=2) ** 2)
print(len(out))
"""


def _make(rng: np.random.Generator, n: int, n_num: int, n_cat: int, *, drift: bool) -> pa.Table:
    """One W1 or wide table (the shared make_data.py specification, value for value)."""
    cols = {}
    for i in range(n_num):
        shift = 0.3 if (drift and i % 2 == 1) else 0.0
        x = rng.normal(loc=i + shift, scale=1 + 0.1 * i, size=n)
        if i % 5 == 0:
            x[rng.random(n) < NAN_SHARE] = np.nan
        cols[f"num_{i:02d}"] = x
    for j in range(n_cat):
        k = [5, 50, 500, 2000][j % 4]
        w = 1.0 / np.arange(1, k + 1) ** 1.1
        if drift and j % 2 == 1:
            w = w[::-1] ** 0.3 * w
        w = w / w.sum()
        codes = rng.choice(k, size=n, p=w)
        cats = pa.array([f"c{c}" for c in range(k)])
        arr = pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), cats)
        cols[f"cat_{j:02d}"] = arr.cast(pa.string())
    return pa.table(cols)


def generate(
    out: Path, rows: int, n_num: int, n_cat: int, parts: int, *, profile: int = 1
) -> dict[str, Path]:
    """Write the data into ``out`` unless already there; returns the paths.

    The reference profile (``driftkl profile``) is built only if ``profile`` is true.
    """
    out.mkdir(parents=True, exist_ok=True)
    ref = out / "reference.parquet"
    cur = out / ("current" if parts > 1 else "current.parquet")
    rng = np.random.default_rng(7)
    if not ref.exists():
        pq.write_table(
            _make(rng, min(rows, 1_000_000) if parts > 1 else rows, n_num, n_cat, drift=False),
            ref,
            row_group_size=ROW_GROUP,
        )
    if parts > 1:
        cur.mkdir(exist_ok=True)
        per = rows // parts
        for p in range(parts):
            path = cur / f"part-{p:04d}.parquet"
            if not path.exists():
                table = _make(np.random.default_rng(100 + p), per, n_num, n_cat, drift=True)
                pq.write_table(table, path, row_group_size=ROW_GROUP)
                print(f"  wrote {path}", file=sys.stderr)
    elif not cur.exists():
        pq.write_table(_make(rng, rows, n_num, n_cat, drift=True), cur, row_group_size=ROW_GROUP)
    prof = out / "reference.profile.json"
    if profile and not prof.exists():
        subprocess.run(
            [sys.executable, "-m", "driftkl", "profile", str(ref), "-o", str(prof)],
            check=True,
            capture_output=True,
        )
    return {"reference": ref, "current": cur, "profile": prof}


def commands(paths: dict[str, Path]) -> dict[str, list[str]]:
    """The command line of each case."""
    py = sys.executable
    ref, cur, prof = (str(paths[k]) for k in ("reference", "current", "profile"))
    return {
        "floor": [py, "-c", FLOOR, ref, cur],
        "compare": [py, "-m", "driftkl", "compare", ref, cur, "--format", "json"],
        "profile": [py, "-m", "driftkl", "compare", prof, cur, "--format", "json"],
        "floor_current": [py, "-c", FLOOR_CURRENT, cur],
        "floor_dict": [py, "-c", FLOOR_DICT, cur],
        "floor_dict_both": [py, "-c", FLOOR_DICT_BOTH, ref, cur],
        "build": [
            py,
            "-m",
            "driftkl",
            "profile",
            cur,
            "-o",
            str(Path(prof).with_name("build.json")),
        ],
        "pandas": [py, "-c", PANDAS, ref, cur],
    }


def generate_in_child(
    out: Path, rows: int, n_num: int, n_cat: int, parts: int, *, profile: bool = True
) -> dict[str, Path]:
    """Run :func:`generate` in a child process.

    Linux carries a process's peak RSS across ``exec``, so a harness that had built big
    tables itself would inflate every measured child's ``ru_maxrss``; this keeps it small.
    """
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import run; a = [*map(int, sys.argv[3:])]; "
        "run.generate(run.Path(sys.argv[2]), *a[:4], profile=a[4])"
    )
    here = str(Path(__file__).resolve().parent)
    args = [str(out), str(rows), str(n_num), str(n_cat), str(parts), str(int(profile))]
    subprocess.run([sys.executable, "-c", code, here, *args], check=True)
    cur = out / ("current" if parts > 1 else "current.parquet")
    return {
        "reference": out / "reference.parquet",
        "current": cur,
        "profile": out / "reference.profile.json",
    }


Result = tuple[float, float, float]  # wall seconds, peak RSS MiB, CPU seconds (user + sys)


def measure(cmd: list[str]) -> Result:
    """Wall seconds, peak RSS (MiB) and CPU seconds of one process run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} failed ({proc.returncode}): {err[-2000:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # Linux: KiB


def run(paths: dict[str, Path], cases: list[str], reps: int) -> dict[str, list[Result]]:
    """Interleaved repetitions of every case (one warm-up round not recorded)."""
    cmds = commands(paths)
    for case in cases:  # warm the page cache and the bytecode cache
        measure(cmds[case])
    results: dict[str, list[Result]] = {c: [] for c in cases}
    for rep in range(reps):
        for case in cases:
            results[case].append(measure(cmds[case]))
        print(f"  rep {rep + 1}/{reps} done", file=sys.stderr)
    return results


RATE_IN_MILLIONS = 100_000  # rows/s from which the table prints millions


def _rate(per_s: float) -> str:
    """Rows per second: millions with one decimal (as for W1), thousands below 100k."""
    return f"{per_s / 1e6:.1f} M" if per_s >= RATE_IN_MILLIONS else f"{per_s / 1e3:.0f} k"


def table(results: dict[str, list[Result]], rows: int) -> str:
    """Markdown table of medians and ratios to the decode floors."""
    med = {c: statistics.median(w for w, _, _ in r) for c, r in results.items()}
    both_dict = "floor_dict_both" in med  # its column is shown only when it was run
    lines = [
        (
            "| case | median wall (s) | min–max (s) | × floor (both files) | × floor_current "
            "| × floor_dict | "
            + ("× floor_dict_both | " if both_dict else "")
            + "rows/s (current) | median peak RSS (MiB) | median CPU (s) |"
        ),
        "|---|---:|---:|---:|---:|---:|" + ("---:|" if both_dict else "") + "---:|---:|---:|",
    ]
    for case, rs in results.items():
        walls = [w for w, _, _ in rs]
        rss = statistics.median(m for _, m, _ in rs)
        cpu = statistics.median(c for _, _, c in rs)
        ratio = f"{med[case] / med['floor']:.2f}" if "floor" in med else "–"
        ratio_cur = f"{med[case] / med['floor_current']:.2f}" if "floor_current" in med else "–"
        ratio_dict = f"{med[case] / med['floor_dict']:.2f}" if "floor_dict" in med else "–"
        ratio_both = f"| {med[case] / med['floor_dict_both']:.2f} " if both_dict else ""
        lines.append(
            f"| {case} | {med[case]:.2f} | {min(walls):.2f}–{max(walls):.2f} | {ratio} "
            f"| {ratio_cur} | {ratio_dict} {ratio_both}| {_rate(rows / med[case])} "
            f"| {rss:.0f} | {cpu:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Parse arguments, generate, measure, print."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workload", choices=list(WORKLOADS), default="w1", help="data shape")
    ap.add_argument("--dir", default="bench-data", help="where data is written (reused if there)")
    ap.add_argument("--rows", type=int, help="rows per file (w1: 1M, wide: 200k)")
    ap.add_argument("--num", "--num-cols", type=int, help="float64 columns (w1: 20, wide: 150)")
    ap.add_argument("--cat", "--cat-cols", type=int, help="string columns (w1: 5, wide: 50)")
    ap.add_argument("--parts", type=int, default=1, help="write current data as N files")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--cases", nargs="+", choices=CASES, help="default: the workload's cases")
    ap.add_argument("--scaling", nargs="+", type=int, metavar="ROWS", help="rows per point")
    args = ap.parse_args()
    rows, num, cat, cases = WORKLOADS[args.workload]
    args.rows = rows if args.rows is None else args.rows
    args.num = num if args.num is None else args.num
    args.cat = cat if args.cat is None else args.cat
    args.cases = cases if args.cases is None else args.cases
    name = args.workload
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, pyarrow {pa.__version__}")
    if args.scaling:
        print("\n| rows | columns | driftkl vs profile wall (s) | peak RSS (MiB) | rows/s |")
        print("|---:|---:|---:|---:|---:|")
        for rows in args.scaling:
            parts = max(1, rows // 5_000_000)
            out = Path(args.dir) / f"{name}-{rows}-{args.num}-{args.cat}"
            paths = generate_in_child(out, rows, args.num, args.cat, parts)
            res = run(paths, ["profile"], args.reps)
            wall = statistics.median(w for w, _, _ in res["profile"])
            rss = statistics.median(m for _, m, _ in res["profile"])
            print(
                f"| {rows:,} | {args.num + args.cat} | {wall:.2f} | {rss:.0f} "
                f"| {rows / wall / 1e6:.1f} M |",
                flush=True,
            )
        return
    out = Path(args.dir) / f"{name}-{args.rows}-{args.num}-{args.cat}"
    both = ("floor", "compare", "pandas", "floor_dict_both")  # need a single current file
    cases = [c for c in args.cases if not (args.parts > 1 and c in both)]
    paths = generate_in_child(
        out, args.rows, args.num, args.cat, args.parts, profile="profile" in cases
    )
    res = run(paths, cases, args.reps)
    print(
        f"\n{name.upper()}: {args.rows:,} rows, {args.num} float + {args.cat} string columns, "
        f"{args.reps} reps"
    )
    print(table(res, args.rows))


if __name__ == "__main__":
    main()
