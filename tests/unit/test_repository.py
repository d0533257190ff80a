"""The repository's text files are whole: no merge-conflict markers left in any of them."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("driftkl", "tests", "dags", "docs", "configs", "docker", "benchmarks", ".ci")
TOP = ("README.md", "CHANGELOG.md", "mkdocs.yml", "pyproject.toml")
SUFFIXES = {".py", ".md", ".yml", ".yaml", ".toml", ".json", ".sh", ".txt", ".cfg", ""}
MARKER = re.compile(r"^(<{7} |>{7} |={7}$)", re.MULTILINE)


def text_files() -> list[Path]:
    """Every text file of the checked folders and the top-level documents."""
    found = [ROOT / name for name in TOP]
    for folder in CHECKED:
        found += [
            p
            for p in (ROOT / folder).rglob("*")
            if p.is_file() and p.suffix in SUFFIXES and "__pycache__" not in p.parts
        ]
    return found


def test_no_merge_conflict_markers():
    """No file holds a line that starts a merge-conflict block or separates its sides."""
    files = text_files()
    assert len(files) > 100  # the walk really found the project
    marked = [
        f"{p.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}"
        for p in files
        for text in [p.read_text(encoding="utf-8", errors="replace")]
        for m in [MARKER.search(text)]
        if m is not None
    ]
    assert marked == []
