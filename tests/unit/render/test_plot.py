"""report.plot() with matplotlib (the driftkl[plot] extra), on the Agg backend."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import driftkl
from driftkl.render.figure import CURRENT_COLOUR, REFERENCE_COLOUR, display_bins

mpl.use("Agg")


@pytest.fixture
def drifted():
    """A numeric and a datetime column, both shifted, with 2 000 rows a side."""
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2025-01-01", tz="UTC")
    ref = pd.DataFrame(
        {
            "x": rng.normal(size=2000),
            "when": start + pd.to_timedelta(rng.uniform(0, 3e7, 2000), unit="s"),
        }
    )
    cur = pd.DataFrame(
        {
            "x": rng.normal(0.8, size=2000),
            "when": start + pd.to_timedelta(rng.uniform(5e6, 3.5e7, 2000), unit="s"),
        }
    )
    report = driftkl.compare(ref, cur)
    yield report
    plt.close("all")


def test_plot_draws_both_sides_side_by_side_in_distinct_colours(drifted, tmp_path):
    """One bar per drawn bin and side; the two sides never overlap and differ in colour."""
    ax = drifted.plot("x")
    bins = display_bins(drifted["x"])
    assert len(ax.patches) == 2 * len(bins)
    ref, cur = ax.patches[: len(bins)], ax.patches[len(bins) :]
    assert {mpl.colors.to_hex(p.get_facecolor()) for p in ref} == {REFERENCE_COLOUR.lower()}
    assert {mpl.colors.to_hex(p.get_facecolor()) for p in cur} == {CURRENT_COLOUR.lower()}
    for r, c in zip(ref, cur, strict=True):  # same bin: adjacent rows, no vertical overlap
        assert r.get_y() + r.get_height() <= c.get_y() + 1e-9
    assert "DRIFT" in ax.get_title(loc="left")
    out = tmp_path / "x.png"
    ax.figure.savefig(out)
    assert out.stat().st_size > 1000


def test_plot_labels_every_bin_in_full(drifted):
    """Datetime bin labels are whole ISO intervals (no cut mid-value), in bin order."""
    ax = drifted.plot("when")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [b.label for b in display_bins(drifted["when"])]
    inner = [lab for lab in labels if lab.startswith("[")]
    assert inner and all(lab.count("Z") == 2 and lab[-1] in ")]" for lab in inner)


def test_plot_text_does_not_overlap(drifted):
    """Contribution notes sit right of the axes, the legend below it: no text over a bar."""
    ax = drifted.plot("x")
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    notes = [t for t in ax.texts if t.get_text().endswith(("of KL", "of JS"))]
    assert notes
    for note in notes:
        assert note.get_window_extent(renderer).x0 >= axes_box.x1
    assert ax.get_legend().get_window_extent(renderer).y1 <= axes_box.y0 + 1
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    for i, a in enumerate(boxes):  # shares and notes never overlap one another
        assert not any(a.overlaps(b) for b in boxes[i + 1 :])


def test_plot_title_uses_the_shared_p_value_format():
    """An underflowed p-value is 'p < 1e-300' in the title, never 'p = 0'."""
    rng = np.random.default_rng(1)
    ref, cur = (
        pd.DataFrame({"x": rng.normal(size=4000)}),
        pd.DataFrame({"x": rng.normal(3, 1, 4000)}),
    )
    report = driftkl.compare(ref, cur)
    assert report["x"].test.p_value_adjusted == 0.0
    title = report.plot("x").get_title(loc="left")
    plt.close("all")
    assert "p < 1e-300" in title
    assert "p = 0" not in title.replace("p = 0.", "")
