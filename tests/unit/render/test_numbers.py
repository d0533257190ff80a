"""One way to write p-values, noise floors and log bases, whichever renderer shows them."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import driftkl
from driftkl.render.numbers import (
    describe_log,
    format_noise_floor,
    format_number,
    format_p_value,
    p_equals,
)
from driftkl.render.text import render_markdown, render_table

PACKAGE = Path(driftkl.__file__).parent


@pytest.mark.parametrize(
    ("p", "cell", "prose"),
    [(0.0, "<1e-300", "p < 1e-300"), (1e-320, "<1e-300", "p < 1e-300"),
     (0.01234, "0.012", "p = 0.012"), (1.0, "1", "p = 1"), (3.2e-7, "3.2e-07", "p = 3.2e-07")],
)  # fmt: skip
def test_p_value_never_prints_as_zero(p, cell, prose):
    """Table cells and prose agree; an underflowed p is an upper bound, never '0'."""
    assert format_p_value(p) == cell
    assert p_equals(p) == prose


def test_one_p_value_formatter_in_the_package():
    """No renderer or reason line writes its own underflow rule: only render/numbers.py does."""
    own = [
        path.relative_to(PACKAGE).as_posix()
        for folder in ("render", "evaluation", "integrations")
        for path in (PACKAGE / folder).rglob("*.py")
        if "1e-300" in path.read_text(encoding="utf-8")
    ]
    assert own == ["render/numbers.py"]


def test_log_bases_are_named_in_words():
    """Natural log is said as such, never as 'log base 2.718'."""
    assert describe_log("nats", math.e) == "nats (natural log)"
    assert describe_log("bits", 2) == "bits (log base 2)"
    assert describe_log("hartleys", 10.0) == "hartleys (log base 10)"
    assert describe_log("log3 units", 3.0) == "log3 units (log base 3)"


def test_infinite_noise_floor_is_unbounded_not_inf():
    """An infinite floor reads 'unbounded'; finite numbers keep three significant digits."""
    assert format_noise_floor(math.inf) == "unbounded"
    assert format_noise_floor(0.000146) == "0.000146"
    assert format_number(9.68e-05) == "9.68e-05"
    assert format_number(math.inf) == "inf"  # a divergence itself may be infinite


def test_pseudo_count_zero_footer_and_floors_say_what_they_mean():
    """With pseudo_count=0 and base e: 'natural log', 'unbounded' explained, no '(inf)'."""
    rng = np.random.default_rng(4)
    ref = pd.DataFrame({"x": rng.normal(size=3000), "c": rng.choice(list("abcdefgh"), 3000)})
    cur = pd.DataFrame({"x": rng.normal(0.5, size=3000), "c": rng.choice(list("abcdefgh"), 3000)})
    report = driftkl.compare(ref, cur, pseudo_count=0, base="e")
    floors = [m.noise_floor for f in report.features for m in f.metrics.values()]
    assert math.inf in floors  # the situation the wording is for
    for text in (render_table(report), render_markdown(report), report.to_html()):
        assert "2.718" not in text
        assert "natural log" in text
        assert "(inf)" not in text and "floor inf" not in text
        assert "unbounded" in text and "no finite bound" in text
