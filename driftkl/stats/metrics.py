"""The metric registry: every per-feature metric, its unit rule and whether it has a direction.

One entry per metric; evaluation, noise floors, contributions and the config validator all
look metrics up here instead of dispatching on names. Adding a metric is one entry.

Each metric is computed from the two normalised (pseudo-counted) distributions ``p`` and
``q`` already put in KL order by :func:`~driftkl.stats.divergence.oriented`; arrays may be
vectors or row matrices (one distribution per row, as the Monte Carlo noise floor uses).

>>> sorted(METRICS)
['js_distance', 'js_divergence', 'kl_divergence', 'psi']
>>> m = METRICS["psi"]
>>> m.unit(2.0), m.directional
('nats', False)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from driftkl.stats.divergence import kl_kernel, log_base, unit_name

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

    Rows = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]

__all__ = ["METRICS", "Metric", "metric"]


def _kl(p: NDArray[np.float64], q: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(kl_kernel(p, q).sum(axis=-1))


def _js(p: NDArray[np.float64], q: NDArray[np.float64]) -> NDArray[np.float64]:
    m = 0.5 * (p + q)
    js = 0.5 * kl_kernel(p, m).sum(axis=-1) + 0.5 * kl_kernel(q, m).sum(axis=-1)
    return np.asarray(np.maximum(js, 0.0))


def _psi(p: NDArray[np.float64], q: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(kl_kernel(p, q).sum(axis=-1) + kl_kernel(q, p).sum(axis=-1))


def _js_distance(p: NDArray[np.float64], q: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.sqrt(_js(p, q))


def _mean_chi(nu: int) -> float:
    """``E[χ_ν] = √2 Γ((ν+1)/2) / Γ(ν/2)``."""
    return math.sqrt(2) * math.exp(math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2))


@dataclass(frozen=True)
class Metric:
    """One per-feature metric.

    Attributes:
        name: the report key (``"kl_divergence"`` ...).
        directional: whether the value depends on the KL direction (only KL does).
        natural_log: the metric is always reported in nats whatever the report base (PSI: its
            customary thresholds 0.1 / 0.25 assume the natural log).
        root: the metric is the square root of a divergence (JS distance), so it converts
            between bases by ``sqrt(ln b)``.
        nats_of: ``(p, q) -> value`` in nats (``sqrt(nats)`` for a root metric), summed over
            the last axis.
        floor_nats: first-order expected plug-in value under no drift, ``(ν, n_eff) ->``
            nats (``sqrt(nats)`` for a root metric); ``ν = k − 1`` bins of freedom.
    """

    name: str
    directional: bool
    natural_log: bool
    root: bool
    nats_of: Rows
    floor_nats: Callable[[int, float], float]

    def base(self, base: float) -> float:
        """The logarithm base this metric is reported in, given the report's base."""
        return math.e if self.natural_log else base

    def unit(self, base: float) -> str:
        """The unit name this metric is reported in, given the report's base."""
        return unit_name(self.base(base))

    def divisor(self, base: float) -> float:
        """What a value in nats is divided by to be in this metric's reporting unit."""
        scale = log_base(self.base(base))
        return math.sqrt(scale) if self.root else scale

    def in_report_unit(self, value: float, unit: str | None, base: float) -> float:
        """A level written in ``unit`` converted to this metric's unit in a ``base`` report.

        ``unit`` is ``"bits"``, ``"nats"`` or ``"hartleys"``; ``None`` means it already is in
        the report's unit.

        >>> round(METRICS["js_divergence"].in_report_unit(0.001, "bits", math.e), 6)
        0.000693
        """
        if unit is None:
            return value
        written = {"bits": 2.0, "nats": math.e, "hartleys": 10.0}[unit]
        return value * self.divisor(written) / self.divisor(base)

    def direction_label(self, direction: str) -> str:
        """The direction a report states for this metric: the KL direction or ``symmetric``."""
        return direction if self.directional else "symmetric"


_ENTRIES = (
    Metric(
        "kl_divergence",
        directional=True,
        natural_log=False,
        root=False,
        nats_of=_kl,
        floor_nats=lambda nu, n: nu / (2 * n),
    ),
    Metric(
        "js_divergence",
        directional=False,
        natural_log=False,
        root=False,
        nats_of=_js,
        floor_nats=lambda nu, n: nu / (8 * n),
    ),
    Metric(
        "js_distance",
        directional=False,
        natural_log=False,
        root=True,
        nats_of=_js_distance,
        floor_nats=lambda nu, n: _mean_chi(nu) / math.sqrt(8 * n),
    ),
    Metric(
        "psi",
        directional=False,
        natural_log=True,
        root=False,
        nats_of=_psi,
        floor_nats=lambda nu, n: nu / n,
    ),
)
METRICS: dict[str, Metric] = {m.name: m for m in _ENTRIES}


def metric(name: str) -> Metric:
    """The registry entry for ``name``; ``ValueError`` naming the known metrics otherwise."""
    try:
        return METRICS[name]
    except KeyError:
        raise ValueError(f"unknown metric {name!r}; known: {', '.join(METRICS)}") from None
