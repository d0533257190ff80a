"""Hostile column names, category values and dataset names in the text and HTML outputs."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import driftkl
from driftkl.render.escape import markdown_text, printable
from driftkl.render.html import report_html
from driftkl.render.text import render_markdown, render_table

ESC_NAME = "col\x1b]0;owned\x07\x1b[2J\x9b1m\u202e"
ESC_VALUE = "v\x1b[31mred\r\nnext"
HTML_NAME = "<img src=x onerror=alert(1)>|<script>x</script>"
PIPES = "a|b\\|c"


@pytest.fixture(scope="module")
def hostile_report() -> driftkl.DriftReport:
    """A report whose names and top-bin labels carry escapes, HTML, pipes and newlines."""
    ref = pd.DataFrame(
        {
            ESC_NAME: ["x", "y"] * 45 + [ESC_VALUE] * 10,
            HTML_NAME: ["p", "q"] * 45 + ["<b>bold</b>|x"] * 10,
            PIPES: [1, 2] * 50,
        }
    )
    cur = pd.DataFrame(
        {
            ESC_NAME: [ESC_VALUE] * 80 + ["x"] * 20,
            HTML_NAME: ["<b>bold</b>|x"] * 80 + ["p"] * 20,
            PIPES: [1, 2] * 50,
        }
    )
    return driftkl.compare(ref, cur, dataset="orders\r\n# injected <i>x</i>")


def _markdown_it():
    markdown_it = pytest.importorskip("markdown_it")
    return markdown_it.MarkdownIt("commonmark").enable("table")


def test_table_and_repr_pass_no_control_character(hostile_report):
    """The CLI table and repr show ESC, OSC, CSI, C1 and bidi controls as visible escapes."""
    for text in (render_table(hostile_report), repr(hostile_report)):
        body = text.replace("\n", "")
        assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e]", body)
        assert "col\\x1b]0;owned\\x07" in text
        assert "v\\x1b[31mred\\r\\nnext" in text


def test_table_keeps_one_line_per_feature(hostile_report):
    """A CR/LF in a category value does not add a line to the table."""
    lines = render_table(hostile_report).splitlines()
    flagged = sum(f.status != "ok" for f in hostile_report.features)  # one "why" line each
    assert len(lines) == 2 + len(hostile_report.features) + (1 + flagged) + 2


def test_markdown_escapes_html_pipes_and_newlines(hostile_report):
    """Markdown shows every name literally: no raw HTML, no extra cell, no broken row."""
    md = render_markdown(hostile_report)
    assert "<img" not in md and "<script" not in md and "<b>" not in md
    html = _markdown_it().render(md)
    assert "<img" not in html and "<script" not in html and "<b>" not in html
    header = len(re.findall("<th[ >]", html))
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.DOTALL)
    assert len(rows) == 1 + len(hostile_report.features)
    assert all(r.count("<td") == header for r in rows[1:])
    cells = re.findall(r"<td>(.*?)</td>", html)
    assert "a|b\\|c" in cells  # the name as written, not split into cells
    assert "&lt;img src=x onerror=alert(1)&gt;|&lt;script&gt;x&lt;/script&gt;" in cells
    assert any("&lt;b&gt;bold&lt;/b&gt;|x" in c for c in re.findall(r"<td[^>]*>(.*?)</td>", html))


def test_dataset_name_cannot_inject_a_heading(hostile_report):
    """A newline and '#' in the dataset name stay inside the one heading."""
    html = _markdown_it().render(render_markdown(hostile_report))
    assert html.count("<h3>") == 1 and "<h1>" not in html and "<i>" not in html
    assert render_markdown(hostile_report).splitlines()[0].startswith("### driftkl: orders\\\\r")


@pytest.mark.parametrize(
    "text",
    ["a|b", "a\\|b", "a\\\\|b", "*em* _u_ [l](http://e) ![i](x)", "`c`", "&amp;", "<br>", "~~s~~"],
)
def test_markdown_text_renders_back_to_the_same_text(text):
    """Every escaped cell renders to exactly its text, in one cell."""
    src = f"| h | k |\n|---|---|\n| {markdown_text(text)} | z |\n"
    html = _markdown_it().render(src)
    cells = re.findall(r"<td>(.*?)</td>", html)
    expected = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert cells == [expected, "z"]


def test_printable_keeps_letters_and_escapes_controls():
    """Non-ASCII letters stay; controls, DEL, C1, separators and lone surrogates are escaped."""
    assert printable("Ünïcødé 日本") == "Ünïcødé 日本"
    assert printable("\x00\x7f\x85\u2028\ud800\t") == "\\x00\\x7f\\x85\\u2028\\ud800\\t"


def test_html_escapes_report_fields_from_a_hostile_dict(hostile_report):
    """Names, the correction and the row counts of a loaded report cannot inject HTML."""
    d = hostile_report.to_dict()
    d["reference"]["rows"] = "<script>rows()</script>"
    for f in d["features"]:
        if f.get("test"):
            f["test"]["correction"] = "<script>corr()</script>"
    page = report_html(driftkl.DriftReport.from_dict(d), standalone=True)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;rows()" in page and "&lt;script&gt;corr()" in page
