"""How every rendering writes numbers: p-values, divergences, noise floors and log bases.

One formatter per kind of number, so a table, a plot title and a reason line never disagree
(a p-value that underflowed is ``<1e-300`` everywhere, never ``0``):

>>> format_p_value(0.0), format_p_value(0.01234), p_equals(0.0), p_equals(0.5)
('<1e-300', '0.012', 'p < 1e-300', 'p = 0.5')
>>> format_noise_floor(float("inf")), format_noise_floor(1.46e-4), format_noise_floor(None)
('unbounded', '0.000146', '')
>>> format_share(0.0), format_share(0.0004), format_share(0.2971)
('0%', '<0.1%', '29.7%')
>>> describe_log("nats", 2.718281828459045), describe_log("bits", 2.0)
('nats (natural log)', 'bits (log base 2)')
"""

from __future__ import annotations

import math

__all__ = [
    "UNBOUNDED_FLOOR_NOTE",
    "describe_log",
    "format_noise_floor",
    "format_number",
    "format_p_value",
    "format_share",
    "p_equals",
]

_TINY_P = 1e-300
_SMALL = 1e-4
_SMALL_SHARE = 0.0005  # rounds to 0.0%
_BASE_NAMES = {2.0: "log base 2", 10.0: "log base 10"}

UNBOUNDED_FLOOR_NOTE = (
    "noise floor 'unbounded': with pseudo-count 0, a sample with no drift can leave a bin "
    "empty on one side, which makes this metric infinite, so its expected value under no drift "
    "has no finite bound; the p-value alone tells noise from drift (a pseudo_count > 0 gives a "
    "finite floor)"
)


def format_p_value(p: float) -> str:
    """A p-value in two significant digits; one that underflowed prints as ``<1e-300``."""
    return "<1e-300" if p < _TINY_P else f"{p:.2g}"


def p_equals(p: float) -> str:
    """A p-value in prose: ``p = 0.012``, or ``p < 1e-300`` when it underflowed."""
    return "p < 1e-300" if p < _TINY_P else f"p = {p:.2g}"


def format_number(x: float | None, digits: int = 3) -> str:
    """A divergence or threshold in ``digits`` significant digits (``inf`` stays ``inf``).

    Magnitudes below 1e-4 print in scientific notation with three digits (``9.68e-05``).
    """
    if x is None:
        return ""
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x != 0 and abs(x) < _SMALL:
        return f"{x:.2e}"
    return f"{x:.{digits}g}"


def format_share(x: float) -> str:
    """A share of rows as a percentage; a non-zero share too small for 0.1% is ``<0.1%``."""
    if x == 0:
        return "0%"
    return "<0.1%" if x < _SMALL_SHARE else f"{x:.1%}"


def format_noise_floor(x: float | None, digits: int = 3) -> str:
    """A noise floor; an infinite one (possible only with pseudo-count 0) is ``unbounded``.

    See :data:`UNBOUNDED_FLOOR_NOTE` for the sentence that explains it to a reader.
    """
    if x is not None and math.isinf(x):
        return "unbounded"
    return format_number(x, digits)


def describe_log(unit: object, base: object) -> str:
    """The unit with its logarithm in words: ``nats (natural log)``, ``bits (log base 2)``."""
    try:
        b = float(base)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(unit)
    if math.isclose(b, math.e):
        return f"{unit} (natural log)"
    return f"{unit} ({_BASE_NAMES.get(b, f'log base {b:g}')})"
