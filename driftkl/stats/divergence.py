"""Divergences between two discrete distributions given as counts or probabilities.

Conventions follow :mod:`scipy.stats`: ``base=None`` means the natural logarithm (nats),
``base=2`` bits, ``base=10`` hartleys; an invalid base raises :class:`ValueError`. Inputs may be
counts or probabilities: each vector is normalised to sum to one after ``pseudo_count`` is added
to every bin. With ``pseudo_count=0`` a bin where ``p > 0`` and ``q = 0`` makes
``D(p‖q) = inf``; the value is returned as ``inf``, never clipped.

The argument order *is* the direction: ``kl_divergence(p, q)`` is ``D(p‖q) = Σ p·log(p/q)``,
the same as ``scipy.stats.entropy(p, q)`` and ``torch.nn.functional.kl_div(q.log(), p,
reduction="sum")``. Reports built by :func:`driftkl.compare` name the direction explicitly
(``"reference||current"`` or ``"current||reference"``) instead of relying on argument order.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal, TypeVar

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = [
    "DIRECTIONS",
    "Direction",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "kl_kernel",
    "log_base",
    "normalised",
    "oriented",
    "psi",
    "unit_name",
]

Direction = Literal["reference||current", "current||reference"]
DIRECTIONS: tuple[Direction, ...] = ("reference||current", "current||reference")

_T = TypeVar("_T")

_UNIT_NAMES = {math.e: "nats", 2.0: "bits", 10.0: "hartleys"}


def log_base(base: float | None) -> float:
    """Return ``ln(base)``, the divisor that converts nats to ``base`` units.

    Raises:
        ValueError: if ``base`` is not a finite number greater than 0 and different from 1.
    """
    if base is None:
        return 1.0
    if isinstance(base, bool) or not isinstance(base, (int, float)):
        raise ValueError(  # noqa: TRY004 - scipy raises ValueError for any invalid base
            f"base must be a number (e.g. 2, 10) or None for natural log, got {base!r}"
        )
    b = float(base)
    if not math.isfinite(b) or b <= 0 or b == 1:
        raise ValueError(f"base must be finite, > 0 and != 1 (e.g. 2, math.e, 10), got {base!r}")
    return math.log(b)


def unit_name(base: float | None) -> str:
    """Name the unit of a divergence in ``base``: nats, bits, hartleys, or ``log<b>`` units.

    >>> unit_name(None), unit_name(2), unit_name(10)
    ('nats', 'bits', 'hartleys')
    """
    log_base(base)
    b = math.e if base is None else float(base)
    return _UNIT_NAMES.get(b, f"log{b:g} units")


def normalised(
    p: ArrayLike, q: ArrayLike, pseudo_count: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate two count (or probability) vectors, add ``pseudo_count``, normalise both."""
    pa = np.asarray(p, dtype=np.float64)
    qa = np.asarray(q, dtype=np.float64)
    if pa.ndim != 1 or qa.ndim != 1:
        raise ValueError(f"p and q must be 1-D vectors, got shapes {pa.shape} and {qa.shape}")
    if pa.shape != qa.shape:
        raise ValueError(
            f"p and q must have the same number of bins, got {pa.size} and {qa.size}. "
            "Hint: bin both sides with the same bin specification (driftkl.compare does)."
        )
    if not (math.isfinite(pseudo_count) and pseudo_count >= 0):
        raise ValueError(f"pseudo_count must be finite and >= 0, got {pseudo_count!r}")
    for name, v in (("p", pa), ("q", qa)):
        if not np.all(np.isfinite(v)):
            raise ValueError(f"{name} contains NaN or inf; counts and probabilities must be finite")
        if np.any(v < 0):
            raise ValueError(f"{name} contains negative entries; counts must be >= 0")
    if pseudo_count:
        pa = pa + pseudo_count
        qa = qa + pseudo_count
    for name, v in (("p", pa), ("q", qa)):
        if v.sum() <= 0:
            raise ValueError(f"{name} sums to zero: an empty distribution has no divergence")
    return pa / pa.sum(), qa / qa.sum()


def kl_kernel(p: NDArray[np.float64], q: NDArray[np.float64]) -> NDArray[np.float64]:
    """Per-bin terms ``p·ln(p/q)`` in nats: the one KL kernel every metric is built on.

    Works elementwise on vectors or on row matrices (sum over the last axis for one
    divergence per row). ``0·ln(0/q) = 0``; ``p > 0`` with ``q = 0`` gives ``inf``.

    >>> kl_kernel(np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.75, 0.5])).round(4).tolist()
    [0.3466, -0.2027, 0.0]
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(p / np.where(q > 0, q, 1.0)), 0.0)
    return np.where((p > 0) & (q <= 0), np.inf, terms)


def oriented(reference: _T, current: _T, direction: Direction) -> tuple[_T, _T]:
    """``(p, q)`` of ``D(p‖q)`` for a named direction: the one place the order is decided.

    >>> oriented("ref", "cur", "current||reference")
    ('cur', 'ref')
    """
    if direction == "reference||current":
        return reference, current
    if direction == "current||reference":
        return current, reference
    raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")


def kl_divergence(
    p: ArrayLike, q: ArrayLike, *, base: float | None = None, pseudo_count: float = 0.0
) -> float:
    r"""Kullback-Leibler divergence ``D(p‖q) = Σ_i p_i · log_base(p_i / q_i)``.

    Args:
        p: counts or probabilities of the distribution the expectation is taken under.
        q: counts or probabilities of the approximating distribution, same bins as ``p``.
        base: logarithm base; ``None`` = e (nats), 2 = bits, 10 = hartleys.
        pseudo_count: added to every bin of both vectors before normalising.

    Returns:
        ``D(p‖q)`` in units of ``base``; ``inf`` when some ``p_i > 0`` has ``q_i = 0``.

    >>> p, q = [2, 2, 1], [5, 1, 4]           # {1,1,2,2,3} and {1,1,1,1,1,2,3,3,3,3}
    >>> round(kl_divergence(p, q), 6), round(kl_divergence(p, q, base=2), 6)
    (0.326631, 0.471229)
    >>> round(kl_divergence(q, p), 6)
    0.250201
    """
    pn, qn = normalised(p, q, pseudo_count)
    return float(np.sum(kl_kernel(pn, qn))) / log_base(base)


def js_divergence(
    p: ArrayLike, q: ArrayLike, *, base: float | None = None, pseudo_count: float = 0.0
) -> float:
    r"""Jensen-Shannon divergence ``JS(p, q) = ½ D(p‖m) + ½ D(q‖m)``, ``m = ½(p + q)``.

    Symmetric, always finite, bounded by ``ln 2`` nats = 1 bit. This is the *divergence*;
    :func:`js_distance` is its square root (what ``scipy.spatial.distance.jensenshannon``
    returns).

    >>> round(js_divergence([2, 2, 1], [5, 1, 4], base=2), 6)
    0.098045
    >>> round(js_divergence([2, 2, 1], [5, 1, 4]), 6)
    0.06796
    """
    pn, qn = normalised(p, q, pseudo_count)
    m = 0.5 * (pn + qn)
    value = 0.5 * float(np.sum(kl_kernel(pn, m))) + 0.5 * float(np.sum(kl_kernel(qn, m)))
    return max(value, 0.0) / log_base(base)


def js_distance(
    p: ArrayLike, q: ArrayLike, *, base: float | None = None, pseudo_count: float = 0.0
) -> float:
    """Jensen-Shannon distance ``sqrt(JS(p, q))``, a metric; ``≤ 1`` in base 2.

    Equal to ``scipy.spatial.distance.jensenshannon(p, q, base=base)``.

    >>> round(js_distance([2, 2, 1], [5, 1, 4], base=2), 6)
    0.313121
    """
    return math.sqrt(js_divergence(p, q, base=base, pseudo_count=pseudo_count))


def psi(
    p: ArrayLike, q: ArrayLike, *, base: float | None = None, pseudo_count: float = 0.0
) -> float:
    r"""Population Stability Index ``PSI = Σ (q_i − p_i) · log(q_i / p_i) = D(p‖q) + D(q‖p)``.

    Symmetric. Its customary thresholds (0.1 "moderate", 0.25 "major" shift) assume the
    natural log, so keep ``base=None`` to use them. ``inf`` when a bin is empty on exactly one
    side and ``pseudo_count=0``.

    >>> round(psi([2, 2, 1], [5, 1, 4]), 6)
    0.576832
    """
    pn, qn = normalised(p, q, pseudo_count)
    return (float(np.sum(kl_kernel(pn, qn))) + float(np.sum(kl_kernel(qn, pn)))) / log_base(base)


def kl_terms(
    p: ArrayLike, q: ArrayLike, *, base: float | None = None, pseudo_count: float = 0.0
) -> NDArray[np.float64]:
    """Per-bin terms of ``D(p‖q)`` in units of ``base``; they sum to :func:`kl_divergence`.

    A term is negative where ``p_i < q_i``; the sum is always ``≥ 0``.
    """
    pn, qn = normalised(p, q, pseudo_count)
    return kl_kernel(pn, qn) / log_base(base)
