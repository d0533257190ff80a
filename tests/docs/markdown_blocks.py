"""Fenced code blocks of the Markdown pages, and the driftkl commands inside shell blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOT_RUN = re.compile(r"^<!--\s*not-run:\s*(?P<reason>.+?)\s*-->$")
FENCE = re.compile(r"^```(?P<lang>[\w-]*)")
EXPECTED_EXIT = re.compile(r"#\s*exits?\s+(?P<code>\d+)")
SHELL = ("bash", "console", "sh", "shell")
#: driftkl run as a command: after a separator (&&, ;, |) or as the last part of a path
INVOKED = re.compile(r"(^|[;&|]\s*|/)driftkl\s")


@dataclass(frozen=True)
class Block:
    """One fenced block: its language, text, first line (1-based) and not-run reason."""

    page: str
    lang: str
    code: str
    line: int
    not_run: str | None


@dataclass(frozen=True)
class Command:
    """A ``driftkl ...`` shell command of a block and the exit code it documents."""

    text: str
    line: int
    expected_exit: int


def pages() -> list[Path]:
    """Every page whose examples run: docs/**/*.md and README.md."""
    return [*sorted((REPO / "docs").rglob("*.md")), REPO / "README.md"]


def blocks(text: str, page: str) -> list[Block]:
    """The top-level fenced blocks of ``text``, each with the marker on the line before it."""
    out: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m is None:
            i += 1
            continue
        start = i
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            i += 1
        before = next((ln.strip() for ln in reversed(lines[:start]) if ln.strip()), "")
        marker = NOT_RUN.match(before)
        out.append(
            Block(
                page=page,
                lang=m.group("lang"),
                code="\n".join(lines[start + 1 : i]) + "\n",
                line=start + 2,
                not_run=marker.group("reason") if marker else None,
            )
        )
        i += 1
    return out


def not_run_markers(text: str) -> list[str]:
    """The reasons of every not-run marker on a page."""
    return [m.group("reason") for ln in text.splitlines() if (m := NOT_RUN.match(ln.strip()))]


def shell_commands(block: Block) -> tuple[list[Command], list[str]]:
    """The ``driftkl`` commands of a shell block, and other lines that mention driftkl.

    In a ``console`` block only lines starting with ``$ `` are commands (the rest is output);
    in a ``bash`` block every line is. Backslash continuations are joined. A command runs when
    its first word is ``driftkl``; it documents a non-zero exit with a ``# exits N`` comment.
    """
    commands: list[Command] = []
    others: list[str] = []
    raw = block.code.splitlines()
    i = 0
    while i < len(raw):
        line, first = raw[i], i
        while line.endswith("\\") and i + 1 < len(raw):
            i += 1
            line = line[:-1].rstrip() + " " + raw[i].strip()
        i += 1
        if block.lang == "console":
            if not line.startswith("$ "):
                continue
            line = line[2:]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.split()[0] == "driftkl":
            m = EXPECTED_EXIT.search(stripped)
            commands.append(Command(stripped, block.line + first, int(m.group("code")) if m else 0))
        elif INVOKED.search(stripped.split("#")[0]):
            others.append(stripped)
    return commands, others
