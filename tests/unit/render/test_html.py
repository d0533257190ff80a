"""Tests of the HTML report: parses, every feature with an SVG, no network references."""

from __future__ import annotations

import html
import re
import sys
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

import driftkl
from driftkl.render.figure import CURRENT_COLOUR, REFERENCE_COLOUR, display_bins
from driftkl.render.svg import feature_svg


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[str] = []
        self.sections: dict[str, int] = {}
        self.current: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "details":
            self.current = a["id"].removeprefix("feature-")
            self.sections[self.current] = 0
        if tag == "svg" and self.current is not None:
            self.sections[self.current] += 1


@pytest.fixture(scope="module")
def report():
    rng = np.random.default_rng(2)
    n = 2000
    ref = pd.DataFrame(
        {
            "amount": rng.lognormal(3, 1, n),
            "country": rng.choice(["DE", "FR", "US"], n),
            "a<b&c": rng.normal(size=n),
        }
    )
    cur = pd.DataFrame(
        {
            "amount": rng.lognormal(3.4, 1, n),
            "country": rng.choice(["DE", "FR", "US", "BR"], n),
            "a<b&c": rng.normal(size=n),
        }
    )
    return driftkl.compare(ref, cur)


def test_html_parses_and_has_an_svg_per_feature(report, tmp_path):
    """to_html writes a page with every feature's (collapsible) section, each with one <svg>."""
    path = tmp_path / "r.html"
    text = report.to_html(path)
    assert path.read_text(encoding="utf-8") == text
    assert text.startswith("<!DOCTYPE html>")
    parser = _Collect()
    parser.feed(text)
    parser.close()
    assert set(parser.sections) == {f.name for f in report.features}
    assert all(count == 1 for count in parser.sections.values())
    assert "a&lt;b&amp;c" in text  # names are escaped


def test_html_has_no_network_references(report):
    """No http(s):// or protocol-relative URL anywhere (no scripts, fonts or images fetched)."""
    text = report.to_html()
    assert not re.search(r"https?://", text)
    assert "src=" not in text and "//" not in text.replace("<!DOCTYPE", "")


def test_summary_is_sorted_by_divergence_with_units_p_values_and_floors(report):
    """The notebook fragment lists features by decreasing JS divergence with the key numbers."""
    frag = report._repr_html_()
    assert not frag.startswith("<!DOCTYPE")
    order = sorted(report.features, key=lambda f: -f.metrics["js_divergence"].value)
    positions = [frag.index(f"href='#feature-{f.name}'") for f in order if "<" not in f.name]
    assert positions == sorted(positions)
    assert "noise floor" in frag and "bits" in frag and "p-value" in frag
    assert "(unseen): " in frag  # the new country shows up as the top contributor
    assert "DRIFT" in frag


def test_html_renders_without_matplotlib_and_plot_names_the_extra(report, monkeypatch):
    """With matplotlib unimportable, to_html still works; plot() raises naming driftkl[plot]."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    assert "<svg" in report.to_html()
    with pytest.raises(driftkl.MissingExtraError, match=r"driftkl\[plot\]"):
        report.plot("amount")


def test_text_cells_are_left_aligned_inside_jupyter(report):
    """The scoped CSS beats Jupyter's right-align rule for text cells; numbers stay right."""
    frag = report._repr_html_()
    css = frag[frag.index("<style>") + len("<style>") : frag.index("</style>")]
    assert re.search(r"\.driftkl th,\.driftkl td\{[^}]*text-align:left!important", css)
    assert re.search(r"\.driftkl td\.num[^{]*\{text-align:right!important", css)
    rules = re.findall(r"([^{}]+)\{", css)
    assert all(r.strip().startswith(".driftkl") for sel in rules for r in sel.split(","))
    assert "<td><a href='#feature-amount'>amount</a></td>" in frag  # name cell: no num class


def test_bars_are_side_by_side_in_the_palette_with_full_labels(report):
    """Each bin is a row: a reference bar above a current bar in the two palette colours."""
    svg = feature_svg(report["amount"])
    bins = display_bins(report["amount"])
    bar = r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="(\d+)" fill="{}"/>'
    ref = re.findall(bar.format(REFERENCE_COLOUR), svg)[1:]  # the first is the legend's
    cur = re.findall(bar.format(CURRENT_COLOUR), svg)[1:]
    assert len(ref) == len(cur) == len(bins)
    for (ry, rh), (cy, _) in zip(ref, cur, strict=True):
        assert float(ry) + float(rh) <= float(cy)  # no overlap: colour is not the only cue
    for b in bins:
        assert f">{html.escape(b.label)}</text>" in svg  # every label whole
    assert "fill-opacity" not in svg


def test_summary_reads_at_a_glance(report):
    """One line per feature: the reason moves to a tooltip, top bins to one, sections fold."""
    frag = report._repr_html_()
    table = frag[frag.index("<table>") : frag.index("</table>")]
    assert table.count("<tr>") == 1 + len(report.features)
    for f in report.features:
        assert f"title='{html.escape(f.reason, quote=True)}'" in table
    assert "<details id='feature-amount' open>" in frag  # drifted: open
    assert "<details id='feature-a&lt;b&amp;c'>" in frag  # ok: folded
    assert "warn / drift" in table and "noise<br>floor" in table
    assert table.index("js_divergence") < table.index("kl_divergence")  # deciding one first
    assert "1e-300" not in table or "&lt;1e-300" in table
