"""Print driftkl's runtime requirements (core plus extras) from pyproject.toml, one per line.

The image installs these in their own layer before copying the source, so editing driftkl's
code does not reinstall its dependencies::

    python requirements.py pyproject.toml airflow,prometheus > requirements.txt

Extras that name driftkl itself (``all = ["driftkl[airflow,...]"]``) are expanded.
"""

# ruff: noqa: INP001 - a standalone script run during the image build, not a package
from __future__ import annotations

import re
import sys
from pathlib import Path

import tomllib

SELF = re.compile(r"^driftkl\[([\w,\s-]+)\]$")


def requirements(pyproject: Path, extras: list[str]) -> list[str]:
    """Core dependencies, then those of each extra, self-references expanded, no duplicates."""
    project = tomllib.loads(pyproject.read_text())["project"]
    optional: dict[str, list[str]] = project.get("optional-dependencies", {})
    out: list[str] = list(project.get("dependencies", []))
    todo, seen = list(extras), set()
    while todo:
        extra = todo.pop(0)
        if extra in seen:
            continue
        seen.add(extra)
        if extra not in optional:
            msg = f"pyproject.toml has no extra {extra!r}; it has {sorted(optional)}"
            raise SystemExit(msg)
        for req in optional[extra]:
            m = SELF.match(req.replace(" ", ""))
            if m:
                todo.extend(m[1].split(","))
            elif req not in out:
                out.append(req)
    return out


def main(argv: list[str]) -> int:
    """``requirements.py PYPROJECT EXTRAS``: print the requirements."""
    if len(argv) != 2:  # noqa: PLR2004 - two positional arguments
        sys.stderr.write("usage: python requirements.py PYPROJECT EXTRA[,EXTRA...]\n")
        return 2
    extras = [e for e in argv[1].split(",") if e]
    sys.stdout.write("".join(f"{r}\n" for r in requirements(Path(argv[0]), extras)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
