"""Verdict benchmark: false-alarm rate and detection power of driftkl's default decision.

Each cell draws a reference sample, builds its profile with the real ``driftkl.profile``, then
draws current samples and counts them into the profile's bins with the real bin
specification, and decides each with the real ``evaluate_feature`` (distribution test,
novelty test, noise floor, Benjamini-Hochberg over the feature's tests, default thresholds).
Cells are run for ``--trials`` checks (a reference redrawn every ``per_ref`` checks).

No drift (false alarms, target ≤ α = 1%): N(0,1), lognormal, Poisson(4) as float and as
int64, an 8-category categorical; n_ref / n_cur = 10k/100, 10k/1k, 10k/10k, 100/100, 1k/1k.

Drift (power): 0.2σ mean shift and ×1.2 scale (n_cur = 100, 1k, 10k), +5 percentage points in
the largest category, 5% of values from a new mode N(4, 0.5), a new category at 1% and 5%,
a 0.5σ shift at 100/100, and a 0.02σ shift at n = 10⁶ (trivia: must not be drift).

Dataset level: random half-splits of scikit-learn's bundled wine and breast-cancer tables
(if scikit-learn is installed), compared whole; the share of splits reported as drift.

Usage:
  python benchmarks/verdicts.py                 # every cell, 200 checks each (a few minutes)
  python benchmarks/verdicts.py --trials 400 --only power
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

import driftkl
from driftkl.evaluation.evaluate import evaluate_feature

if TYPE_CHECKING:
    from collections.abc import Callable

ALPHA = 0.01
CATS = np.array([f"c{i}" for i in range(8)])
CAT_P = np.array([0.3, 0.2, 0.15, 0.1, 0.1, 0.07, 0.05, 0.03])
CONFIG = driftkl.load_config()

Sampler = "Callable[[np.random.Generator, int], np.ndarray]"


def normal(shift: float = 0.0, scale: float = 1.0):
    return lambda rng, n: rng.normal(shift, scale, n)


def lognormal():
    return lambda rng, n: rng.lognormal(0.0, 1.0, n)


def poisson(as_int: bool):
    def draw(rng, n):
        x = rng.poisson(4.0, n)
        return x.astype(np.int64) if as_int else x.astype(np.float64)

    return draw


def categorical(p=CAT_P, cats=CATS):
    p = np.asarray(p, dtype=float)
    return lambda rng, n: rng.choice(cats, n, p=p / p.sum())


def plus_pp(pp: float):
    p = CAT_P.copy()
    p[0] += pp
    p[1:] *= (1 - p[0]) / p[1:].sum()
    return categorical(p)


def new_category(share: float):
    return categorical(np.append(CAT_P * (1 - share), share), np.append(CATS, "new"))


def new_mode(share: float):
    def draw(rng, n):
        x = rng.normal(0.0, 1.0, n)
        mask = rng.random(n) < share
        x[mask] = rng.normal(4.0, 0.5, int(mask.sum()))
        return x

    return draw


@dataclass(frozen=True)
class Cell:
    name: str
    reference: Callable
    current: Callable
    n_ref: int
    n_cur: int


def rate(cell: Cell, trials: int, seed: int, per_ref: int = 10) -> float:
    """Share of checks whose feature status is "drift"."""
    rng = np.random.default_rng(seed)
    flagged = 0
    done = 0
    while done < trials:
        ref = pd.DataFrame({"x": cell.reference(rng, cell.n_ref)})
        feature = driftkl.profile(ref, config=CONFIG).features[0]
        for _ in range(min(per_ref, trials - done)):
            cur = pd.DataFrame({"x": cell.current(rng, cell.n_cur)})
            counts = feature.bins.count(driftkl_array(cur["x"], feature))
            flagged += evaluate_feature(feature, counts, CONFIG).status == "drift"
            done += 1
    return flagged / trials


def driftkl_array(series: pd.Series, feature) -> object:
    """The column as Arrow, typed like the reference (what the real pipeline counts)."""
    import pyarrow as pa  # noqa: PLC0415

    arr = pa.array(series)
    if feature.kind == "categorical" and not pa.types.is_string(arr.type):
        return arr.cast(pa.string())
    return arr


def multinomial_rate(shift: float, n: int, trials: int, seed: int) -> float:
    """Normal reference and shifted current drawn as counts over the bins (for n = 10⁶)."""
    from scipy.special import ndtr  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    flagged = 0
    for t in range(trials):
        if t % 10 == 0:
            ref = pd.DataFrame({"x": rng.normal(size=n)})
            feature = driftkl.profile(ref, config=CONFIG).features[0]
            cdf = ndtr(np.asarray(feature.bins.edges) - shift)
            probs = np.concatenate([[cdf[0]], np.diff(cdf), [1 - cdf[-1], 0.0]])
        counts = rng.multinomial(n, probs / probs.sum())
        flagged += evaluate_feature(feature, counts, CONFIG).status == "drift"
    return flagged / trials


NO_DRIFT = {
    "N(0,1)": normal(),
    "lognormal": lognormal(),
    "Poisson float": poisson(as_int=False),
    "Poisson int64": poisson(as_int=True),
    "categorical": categorical(),
}
SIZES = [(10_000, 100), (10_000, 1_000), (10_000, 10_000), (100, 100), (1_000, 1_000)]


def no_drift_cells() -> list[Cell]:
    return [Cell(name, s, s, r, c) for name, s in NO_DRIFT.items() for r, c in SIZES]


# (cell, target power); n_ref = 10 000 unless stated
def power_cells() -> list[tuple[Cell, float | None]]:
    out: list[tuple[Cell, float | None]] = []
    for n in (100, 1_000, 10_000):
        target = 0.95 if n == 10_000 else None
        out.append((Cell("0.2σ shift", normal(), normal(0.2), 10_000, n), target))
        out.append((Cell("×1.2 scale", normal(), normal(0, 1.2), 10_000, n), target))
        out.append((Cell("+5 pp category", categorical(), plus_pp(0.05), 10_000, n),
                    0.90 if n == 10_000 else None))  # fmt: skip
        out.append((Cell("new mode 5%", normal(), new_mode(0.05), 10_000, n),
                    0.95 if n >= 1_000 else None))  # fmt: skip
        out.append((Cell("new category 1%", categorical(), new_category(0.01), 10_000, n),
                    0.95 if n >= 1_000 else None))  # fmt: skip
        out.append((Cell("new category 5%", categorical(), new_category(0.05), 10_000, n),
                    0.80))  # fmt: skip
    out.append((Cell("0.5σ shift", normal(), normal(0.5), 100, 100), 0.60))
    return out


def half_splits(trials: int, seed: int) -> dict[str, float]:
    """Share of random half-splits of real tables that the default rule calls drift."""
    try:
        from sklearn import datasets  # noqa: PLC0415
    except ImportError:
        return {}
    rng = np.random.default_rng(seed)
    out = {}
    for name, loader in (
        ("wine", datasets.load_wine),
        ("breast_cancer", datasets.load_breast_cancer),
    ):
        frame = loader(as_frame=True).data
        drifted = 0
        for _ in range(trials):
            idx = rng.permutation(len(frame))
            half = len(frame) // 2
            a, b = frame.iloc[idx[:half]], frame.iloc[idx[half:]]
            drifted += driftkl.compare(a, b).status == "drift"
        out[name] = drifted / trials
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--trials", type=int, default=200)
    p.add_argument("--only", choices=["no-drift", "power", "dataset"], default=None)
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    se = math.sqrt(ALPHA * (1 - ALPHA) / args.trials)
    if args.only in (None, "no-drift"):
        print(
            f"\n### No drift: false-alarm rate (target ≤ α = 1%, + 3 SE = {ALPHA + 3 * se:.1%})\n"
        )
        print("| distribution | " + " | ".join(f"{r:,}/{c:,}" for r, c in SIZES) + " |")
        print("|---|" + "---:|" * len(SIZES))
        for name, s in NO_DRIFT.items():
            cells = [rate(Cell(name, s, s, r, c), args.trials, seed=r + c) for r, c in SIZES]
            print(f"| {name} | " + " | ".join(f"{x:.1%}" for x in cells) + " |")
            sys.stdout.flush()
    if args.only in (None, "power"):
        print("\n### Drift: detection rate (n_ref / n_cur)\n")
        print("| scenario | n_ref / n_cur | detected | target |")
        print("|---|---:|---:|---:|")
        for cell, target in power_cells():
            r = rate(cell, args.trials, seed=cell.n_cur + 7)
            goal = "–" if target is None else f"≥ {target:.0%}"
            print(f"| {cell.name} | {cell.n_ref:,}/{cell.n_cur:,} | {r:.1%} | {goal} |")
            sys.stdout.flush()
        trivia = multinomial_rate(0.02, 1_000_000, max(args.trials // 4, 20), seed=3)
        print(f"| 0.02σ shift (trivia) | 1,000,000/1,000,000 | {trivia:.1%} | not drift |")
    if args.only in (None, "dataset"):
        splits = half_splits(args.trials, seed=5)
        if splits:
            print("\n### Dataset level: random half-splits reported as drift (target ≤ 2%)\n")
            for name, r in splits.items():
                print(f"- {name}: {r:.1%}")
    print(f"\n({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
