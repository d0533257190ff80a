"""What every picture of a feature shows: bin order, full labels, a colour-blind-safe palette."""

from __future__ import annotations

import numpy as np
import pandas as pd

import driftkl
from driftkl.render.figure import (
    CURRENT_COLOUR,
    REFERENCE_COLOUR,
    contribution_labels,
    display_bins,
)


def _luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG) of a #rrggbb colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_palette_is_okabe_ito_and_distinct_without_hue():
    """Reference and current are Okabe-Ito blue and orange, and differ in lightness too."""
    assert (REFERENCE_COLOUR, CURRENT_COLOUR) == ("#0072B2", "#E69F00")
    lighter, darker = sorted((_luminance(REFERENCE_COLOUR), _luminance(CURRENT_COLOUR)))[::-1]
    assert (lighter + 0.05) / (darker + 0.05) > 2.0  # tells apart in greyscale as well


def test_integer_categories_read_in_numeric_order():
    """Few distinct integers (binned as categories) are drawn 1, 2, 3, 10, 12, not by frequency."""
    rng = np.random.default_rng(5)
    values = [1, 2, 3, 10, 12]
    ref = pd.DataFrame({"rating": rng.choice(values, 3000, p=[0.05, 0.1, 0.5, 0.25, 0.1])})
    cur = pd.DataFrame({"rating": rng.choice(values, 3000, p=[0.3, 0.1, 0.2, 0.2, 0.2])})
    f = driftkl.compare(ref, cur)["rating"]
    assert f.kind == "categorical"
    assert f.labels[:2] == ("3", "10")  # the fit keeps frequency order ...
    assert [b.label for b in display_bins(f)] == ["1", "2", "3", "10", "12"]  # ... display not


def test_text_categories_keep_frequency_order_and_specials_last():
    """Text categories stay most frequent first; a new category shows as (unseen), last."""
    ref = pd.DataFrame({"c": ["b"] * 50 + ["a"] * 30 + ["c"] * 20})
    cur = pd.DataFrame({"c": ["b"] * 40 + ["a"] * 30 + ["c"] * 20 + ["new"] * 10})
    f = driftkl.compare(ref, cur)["c"]
    labels = [b.label for b in display_bins(f)]
    assert labels == ["b", "a", "c", "(unseen)"]
    assert display_bins(f)[-1].reference_share == 0.0
    assert display_bins(f)[-1].current_share == 0.1
    assert contribution_labels(f)["(unseen)"].endswith("of KL")


def test_datetime_labels_are_complete():
    """A datetime bin label keeps both full ISO timestamps (45 characters, nothing cut)."""
    rng = np.random.default_rng(2)
    start = pd.Timestamp("2025-01-01", tz="UTC")
    when = start + pd.to_timedelta(rng.uniform(0, 3e7, 2000), unit="s")
    frame = pd.DataFrame({"when": when})
    f = driftkl.compare(frame, frame.sample(frac=1, random_state=1))["when"]
    inner = [b.label for b in display_bins(f) if b.label.startswith("[")]
    assert inner
    assert all(len(lab) >= 44 and lab.count("Z") == 2 for lab in inner)
