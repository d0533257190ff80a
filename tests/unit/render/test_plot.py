"""report.plot() with matplotlib (the driftkl[plot] extra), on the Agg backend."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd

import driftkl

mpl.use("Agg")


def test_plot_overlays_both_sides_on_the_same_bins(tmp_path):
    """The Axes has one bar per non-empty bin for each side, bin labels and the status."""
    import matplotlib.pyplot as plt  # noqa: PLC0415

    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"x": rng.normal(size=2000)})
    cur = pd.DataFrame({"x": rng.normal(0.8, size=2000)})
    report = driftkl.compare(ref, cur)
    ax = report.plot("x")
    f = report["x"]
    used = sum(1 for r, c in zip(f.reference_counts, f.current_counts, strict=True) if r or c)
    assert len(ax.patches) == 2 * used
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0].startswith("< ") or labels[0].startswith("[")
    assert "DRIFT" in ax.get_title()
    out = tmp_path / "x.png"
    ax.figure.savefig(out)
    assert out.stat().st_size > 1000
    plt.close("all")
