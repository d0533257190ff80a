"""Hints for arguments in the wrong place: a profile or report where data belongs, or swapped.

Checked before any data is read, so that the error names which argument goes where instead of
a Parquet reader's complaint about magic bytes.
"""

from __future__ import annotations

from pathlib import Path

from driftkl.errors import ConfigError

__all__ = ["check_compare_inputs", "check_profile_input", "json_kind"]

_SNIFF_BYTES = 8 << 20  # markers sit near the top; 8 MiB covers any config before them
_MARKERS = (('"driftkl.profile"', "profile"), ('"driftkl.report"', "report"))


def json_kind(path: str) -> str | None:
    """``"profile"``, ``"report"``, ``"json"`` (other JSON) or ``None`` (not a JSON file)."""
    p = Path(path)
    try:
        if not p.is_file():
            return None
        with p.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError:
        return None  # the reader will name the problem
    if head.lstrip()[:1] != b"{":
        return None
    text = head.decode("utf-8", "replace")
    return next((kind for marker, kind in _MARKERS if marker in text), "json")


def check_compare_inputs(reference: str | None, current: str) -> None:
    """Refuse a profile or report given as CURRENT, or a report given as REFERENCE.

    ``reference`` is ``None`` when it comes from ``--reference-store``.
    """
    reference = reference or "REFERENCE"
    cur = json_kind(current)
    if cur in {"profile", "json"}:
        what = "a saved profile" if cur == "profile" else "a JSON file (a saved profile?)"
        fix = (
            f"driftkl compare {current} {reference}"
            if json_kind(reference) is None
            else f"driftkl compare {current} CURRENT_DATA"
        )
        raise ConfigError(
            f"CURRENT {current!r} is {what}, not data. Hint: the profile (or the "
            f"reference data) goes first, the current data second: {fix}"
        )
    if cur == "report":
        raise ConfigError(
            f"CURRENT {current!r} is {_what(cur)}, not data. Hint: pass the current Parquet "
            "file, folder or glob as the second argument"
        )
    if json_kind(reference) == "report":
        raise ConfigError(
            f"REFERENCE {reference!r} is a drift report (the output of compare), not a profile. "
            "Hint: pass the profile written by `driftkl profile DATA -o PROFILE.json`, or the "
            "reference data, as the first argument"
        )


def check_profile_input(data: str) -> None:
    """Refuse a profile or report given as the reference data of ``driftkl profile``."""
    kind = json_kind(data)
    if kind == "profile":
        raise ConfigError(
            f"DATA {data!r} is already a profile. Hint: use it as the REFERENCE of "
            f"`driftkl compare {data} CURRENT`; `driftkl profile` reads Parquet data"
        )
    if kind is not None:
        raise ConfigError(
            f"DATA {data!r} is {_what(kind)}, not data. Hint: pass the reference Parquet file, "
            "folder or glob"
        )


def _what(kind: str) -> str:
    return "a drift report (the output of compare)" if kind == "report" else "a JSON file"
