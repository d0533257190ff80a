"""Keys of stored objects: short, filesystem- and URL-safe names that sort in time order."""

from __future__ import annotations

import re

from driftkl.errors import InputError

__all__ = ["check_key"]

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._=+-]{0,199}")


def check_key(key: object, what: str = "key") -> str:
    """``key`` if it is a safe name (letters, digits, ``. _ = + -``; at most 200 characters).

    Keys are compared as text, so they sort in time order when written as ISO dates
    (``2026-11-28``) or times (``2026-11-28T06``).

    >>> check_key("2026-11-28")
    '2026-11-28'
    """
    if not isinstance(key, str) or not _KEY.fullmatch(key) or ".." in key:
        raise InputError(
            f"{what} {key!r} is not a valid store key: use letters, digits and . _ = + - "
            "(at most 200 characters, starting with a letter or digit). Hint: an ISO date "
            "such as '2026-11-28' sorts in time order."
        )
    return key
