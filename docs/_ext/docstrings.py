"""Griffe extension: docstrings written for ``help()`` and doctest, rendered as Markdown.

The docstrings are Google style with Sphinx cross-reference roles and doctests, as ``help()``
and IDEs show them. For the site:

* each role (``:func:`compare```) becomes inline code, linked to its API-reference entry when
  the target is one of the objects the reference pages render (``::: path`` lines), so no link
  can dangle and ``mkdocs build --strict`` stays quiet;
* a doctest (``>>>`` lines and their output, up to a blank line) becomes a ``pycon`` code
  block, at its own indentation (so also inside an ``Example:`` section).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from griffe import AliasResolutionError, CyclicAliasError, Extension, NameResolutionError, Object

#: What griffe raises for a name or alias it cannot follow: such a role renders as plain code.
UNRESOLVED = (KeyError, NameResolutionError, AliasResolutionError, CyclicAliasError)

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|attr|mod|data|exc|obj):`(?P<target>[^`]+)`")
REFERENCE = Path(__file__).resolve().parents[1] / "reference"
DIRECTIVE = re.compile(r"^:::\s+(?P<path>[\w.]+)\s*$", re.MULTILINE)


def rendered_paths() -> list[str]:
    """The object paths the API-reference pages render."""
    return [
        m.group("path")
        for page in sorted(REFERENCE.glob("*.md"))
        for m in DIRECTIVE.finditer(page.read_text(encoding="utf-8"))
    ]


def fence_doctests(text: str) -> str:
    """Wrap each run of doctest lines (``>>>`` up to a blank line) in a pycon fence."""
    out: list[str] = []
    indent: str | None = None  # the open doctest's indentation
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        if indent is not None and (not line.strip() or not line.startswith(indent)):
            out.append(f"{indent}```")
            indent = None
        if not in_fence and indent is None and line.lstrip().startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}```pycon")
        out.append(line)
    if indent is not None:
        out.append(f"{indent}```")
    return "\n".join(out)


class SiteDocstrings(Extension):
    """Rewrite roles and doctests in every docstring of the package once it is loaded."""

    def on_package(self, *, pkg: Object, **kwargs: Any) -> None:  # noqa: ARG002 - griffe's hook
        """Compute the linkable targets, then rewrite every docstring of ``pkg``."""
        linkable: set[str] = set()
        for path in rendered_paths():
            if path.split(".")[0] != pkg.path:
                continue
            try:
                obj = pkg[path[len(pkg.path) + 1 :]] if path != pkg.path else pkg
                linkable.add(obj.canonical_path)
                linkable.update(m.canonical_path for m in obj.members.values() if m.docstring)
            except UNRESOLVED:  # mkdocstrings reports a bad ::: path itself
                pass
        self._rewrite(pkg, linkable, set())

    def _rewrite(self, obj: Object, linkable: set[str], seen: set[str]) -> None:
        if obj.path in seen or obj.is_alias:
            return
        seen.add(obj.path)
        if obj.docstring is not None:
            roles = ROLE.sub(lambda m: self._role(obj, m, linkable), obj.docstring.value)
            obj.docstring.value = fence_doctests(roles)
        for member in obj.members.values():
            if not member.is_alias:
                self._rewrite(member, linkable, seen)

    @staticmethod
    def _role(obj: Object, match: re.Match[str], linkable: set[str]) -> str:
        target = match.group("target").strip()
        short = target.startswith("~")
        target = target.lstrip("~.")
        shown = target.rsplit(".", 1)[-1] if short else target
        shown = shown + "()" if match.group(0).startswith((":func:", ":meth:")) else shown
        head, _, rest = target.partition(".")
        try:
            full = obj.resolve(head) + (f".{rest}" if rest else "")
            full = obj.modules_collection[full].canonical_path
        except UNRESOLVED:
            return f"`{shown}`"
        if full in linkable:
            return f"[`{shown}`][{full}]"
        return f"`{shown}`"
