"""The documentation site builds with ``mkdocs build --strict`` and needs no network to read."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from docs.markdown_blocks import REPO

import driftkl
import driftkl.integrations.airflow as provider


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built strictly (any warning fails the build) into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=REPO,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr
    return out


def test_every_page_is_built(site: Path) -> None:
    """Each Markdown page of docs/ has its HTML page (none is left out of the build)."""
    for page in (REPO / "docs").rglob("*.md"):
        rel = page.relative_to(REPO / "docs").with_suffix("")
        html = site / "index.html" if rel.name == "index" and rel.parent == Path() else None
        html = html or site / (rel.parent if rel.name == "index" else rel) / "index.html"
        assert html.is_file(), page


def test_site_loads_nothing_from_the_network(site: Path) -> None:
    """No page loads a script, stylesheet, font or image from another host."""
    remote = re.compile(r"<(?:script|link|img)[^>]+(?:src|href)=\"(?:https?:)?//", re.IGNORECASE)
    for html in site.rglob("*.html"):
        assert remote.search(html.read_text(encoding="utf-8")) is None, html
    css = " ".join(p.read_text(encoding="utf-8") for p in site.rglob("*.css"))
    assert "fonts.googleapis" not in css


def test_api_reference_renders_docstrings(site: Path) -> None:
    """The reference carries the docstrings: roles as code or links, doctests as code blocks."""
    api = (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    assert 'id="driftkl.compare"' in api
    assert "Compare current data with a reference, feature by feature." in api
    assert "Fit bins on reference data and count it" in api
    for html in (site / "reference").rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert re.search(r":(class|func|meth|attr|mod|data|exc):", text) is None, html
        assert "<blockquote>" not in text, f"{html}: a doctest rendered as a quote"
    div = (site / "reference" / "divergences" / "index.html").read_text(encoding="utf-8")
    assert div.count('<span class="gp">&gt;&gt;&gt; </span>') >= 3  # doctest prompts as code


def test_every_public_name_has_a_reference_entry() -> None:
    """Each name of ``driftkl.__all__`` and of the Airflow provider is on a reference page."""
    entries = " ".join(
        p.read_text(encoding="utf-8") for p in (REPO / "docs" / "reference").glob("*.md")
    )
    documented = {
        line.split()[1].rsplit(".", 1)[-1]
        for line in entries.splitlines()
        if line.startswith("::: ")
    }
    wanted = {n for n in driftkl.__all__ if n != "__version__"} | set(provider.__all__)
    assert wanted - documented == set()
