"""Statuses of a metric, a feature and a report, from best to worst."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["STATUSES", "level", "worst"]

STATUSES = ("ok", "warn", "drift")


def worst(statuses: Iterable[str]) -> str:
    """The worst of several statuses (``"ok"`` for none).

    >>> worst(["ok", "drift", "warn"]), worst([])
    ('drift', 'ok')
    """
    return max(statuses, key=STATUSES.index, default="ok")


def level(value: float, warn: float | None, drift: float | None) -> str:
    """``"drift"`` at or above ``drift``, ``"warn"`` at or above ``warn``, else ``"ok"``.

    >>> level(0.02, 0.005, 0.01), level(0.007, 0.005, 0.01), level(0.001, None, 0.01)
    ('drift', 'warn', 'ok')
    """
    if drift is not None and value >= drift:
        return "drift"
    if warn is not None and value >= warn:
        return "warn"
    return "ok"
