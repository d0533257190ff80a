r"""Make text from data (column names, category values, dataset names) safe to show.

Column names and category values come from the user's files, so they may hold anything: an
ESC or OSC sequence that retitles or clears a terminal, a carriage return that hides what
came before it, a bidi override that reorders a line, raw HTML, or Markdown syntax. Each
renderer passes such text through the helper for its medium:

* :func:`printable` for terminals and logs: control characters become visible escapes;
* :func:`markdown_text` for Markdown (table cells and headings);
* :func:`html_text` for HTML text and attribute values (``html.escape`` of ``str(value)``).

>>> printable("a\x1b]0;owned\x07b")
'a\\x1b]0;owned\\x07b'
>>> markdown_text("<b>x|y</b>")
'&lt;b&gt;x\\|y&lt;/b&gt;'
"""

from __future__ import annotations

import html
import re

__all__ = ["html_text", "markdown_text", "printable"]

# C0 and C1 controls and DEL, line and paragraph separators, bidi embeddings, overrides and
# isolates (U+202A-U+202E, U+2066-U+2069), and lone surrogates (which no encoder accepts).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
# Markdown's inline syntax (code, emphasis, strikethrough, links and images), the table cell
# separator and the escape character itself; ``&``, ``<`` and ``>`` become entities instead.
_MARKDOWN = re.compile(r"[\\`*_~\[\]|]")
_BYTE = 0xFF


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code <= _BYTE else f"\\u{code:04x}"


def printable(text: str) -> str:
    r"""``text`` with every control character shown as a Python-style escape (``\x1b``).

    Tabs, newlines and carriage returns become ``\t``, ``\n`` and ``\r``, so one value stays
    on one line; other characters, including non-ASCII letters, are kept.
    """
    return _UNSAFE.sub(_visible, text)


def markdown_text(text: str) -> str:
    """``text`` for a Markdown table cell or heading: shown literally, on one line.

    Control characters are made visible (:func:`printable`), ``&``, ``<`` and ``>`` become
    HTML entities (no raw HTML), and Markdown's inline syntax characters and ``|`` are
    backslash-escaped, so a value can neither add a table cell nor format, link or embed.
    """
    escaped = html.escape(printable(text), quote=False)
    return _MARKDOWN.sub(lambda m: "\\" + m.group(), escaped)


def html_text(value: object) -> str:
    """``str(value)`` escaped for HTML text and quoted attribute values."""
    return html.escape(str(value), quote=True)
