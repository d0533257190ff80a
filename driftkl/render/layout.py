"""Fitting text into terminal columns: display width, shortening, wrapping and colour.

Widths count terminal cells: East Asian wide characters take two, combining marks none, so a
table of Japanese column names lines up as well as an ASCII one.
"""

from __future__ import annotations

import textwrap
import unicodedata

__all__ = ["STATUS_COLOURS", "colour", "shorten", "text_width", "wrap"]

ELLIPSIS = "…"
# SGR codes: drift bold red, warn yellow, ok green; anything else stays uncoloured
STATUS_COLOURS = {"drift": "1;31", "warn": "33", "ok": "32"}


def text_width(text: str) -> int:
    """Terminal cells ``text`` takes (wide characters 2, combining marks 0)."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _head(text: str, cells: int) -> str:
    out, used = [], 0
    for c in text:
        w = text_width(c)
        if used + w > cells:
            break
        out.append(c)
        used += w
    return "".join(out)


def shorten(text: str, cells: int) -> str:
    """``text`` cut in the middle with ``…`` to at most ``cells`` cells (both ends stay readable).

    >>> shorten("customer_lifetime_value_last_90_days", 20)
    'customer_l…t_90_days'
    """
    if text_width(text) <= cells:
        return text
    if cells <= 1:
        return _head(ELLIPSIS, cells)
    keep = cells - 1
    head = _head(text, (keep + 1) // 2)
    tail = _head(text[::-1], keep - text_width(head))[::-1]
    return head + ELLIPSIS + tail


def wrap(text: str, width: int, *, indent: str = "  ") -> list[str]:
    """``text`` broken into lines of at most ``width`` cells; later lines get ``indent``.

    Words longer than a line are broken; nothing is dropped.
    """
    lines = textwrap.wrap(
        text,
        width=max(width, len(indent) + 8),
        subsequent_indent=indent,
        break_on_hyphens=False,
    )
    return [shorten(line, width) if text_width(line) > width else line for line in lines] or [""]


def colour(text: str, status: str, *, enabled: bool) -> str:
    """``text`` in the colour of ``status`` when ``enabled`` (padding stays outside the codes)."""
    code = STATUS_COLOURS.get(status)
    if not enabled or code is None:
        return text
    stripped = text.rstrip()
    return f"\x1b[{code}m{stripped}\x1b[0m{text[len(stripped) :]}"
