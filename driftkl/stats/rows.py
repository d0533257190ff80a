"""KL divergence between two batches of model outputs, row by row.

The common idiom for comparing two models (or one model on two days) on the *same* rows:
softmax each row of logits, take ``Σ_j p_j · (log p_j − log q_j)`` per row, then reduce over
rows. Here the direction is a named argument rather than the argument order that
``torch.nn.functional.kl_div(input, target)`` uses (which computes ``D(target‖input)`` from
``input = log q``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from driftkl.stats.divergence import DIRECTIONS, Direction, log_base, oriented

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = ["kl_divergence_rows"]

InputKind = Literal["logits", "probabilities", "log_probabilities"]
Reduction = Literal["mean", "sum", "none"]


def _log_softmax(x: NDArray[np.float64]) -> NDArray[np.float64]:
    shifted = x - np.max(x, axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))  # type: ignore[no-any-return]


def _as_log_probs(a: ArrayLike, inputs: InputKind, name: str) -> NDArray[np.float64]:
    x = np.asarray(a, dtype=np.float64)
    if x.ndim == 1:
        x = x[np.newaxis, :]
    if x.ndim != 2:  # noqa: PLR2004 - rows x classes
        raise ValueError(f"{name} must be a 2-D array (rows x classes), got shape {x.shape}")
    if inputs == "logits":
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{name} contains NaN or inf logits")
        return _log_softmax(x)
    if inputs == "log_probabilities":
        if np.any(np.isnan(x)) or np.any(x > 0):
            raise ValueError(f"{name} log-probabilities must be <= 0 and not NaN")
        return x
    if inputs == "probabilities":
        if not np.all(np.isfinite(x)) or np.any(x < 0):
            raise ValueError(f"{name} probabilities must be finite and >= 0")
        sums = x.sum(axis=1, keepdims=True)
        if np.any(sums <= 0):
            raise ValueError(f"{name} has a row of all-zero probabilities")
        with np.errstate(divide="ignore"):
            return np.log(x / sums)  # type: ignore[no-any-return]
    raise ValueError(
        f"inputs must be 'logits', 'probabilities' or 'log_probabilities', got {inputs!r}"
    )


def kl_divergence_rows(
    reference: ArrayLike,
    current: ArrayLike,
    *,
    direction: Direction,
    inputs: InputKind = "logits",
    reduction: Reduction = "mean",
    base: float | None = None,
) -> float | NDArray[np.float64]:
    """Per-row KL divergence between two batches of class scores for the same rows.

    Args:
        reference: ``(rows, classes)`` scores of the reference model/day.
        current: ``(rows, classes)`` scores of the current model/day, same shape.
        direction: ``"reference||current"`` computes ``D(ref_row‖cur_row)`` for each row,
            ``"current||reference"`` computes ``D(cur_row‖ref_row)``.
        inputs: ``"logits"`` (softmax applied per row), ``"probabilities"`` (rows normalised)
            or ``"log_probabilities"``.
        reduction: ``"mean"`` over rows (what PyTorch calls ``"batchmean"``), ``"sum"`` over
            rows, or ``"none"`` for the per-row vector. PyTorch's ``"mean"`` (division by the
            number of *elements*) is deliberately not offered: it is not a KL divergence.
        base: logarithm base; ``None`` = nats.

    Returns:
        A float (``mean``/``sum``) or a float array of length ``rows`` (``none``), in units of
        ``base``; ``inf`` where a row puts mass on a class the other row gives probability 0.

    >>> round(kl_divergence_rows([[0.4, 0.4, 0.2]], [[0.5, 0.1, 0.4]],
    ...                          direction="reference||current", inputs="probabilities"), 6)
    0.326631
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    divisor = log_base(base)
    log_ref = _as_log_probs(reference, inputs, "reference")
    log_cur = _as_log_probs(current, inputs, "current")
    if log_ref.shape != log_cur.shape:
        raise ValueError(
            f"reference and current must have the same shape, got {log_ref.shape} and "
            f"{log_cur.shape}"
        )
    log_p, log_q = oriented(log_ref, log_cur, direction)
    p = np.exp(log_p)
    with np.errstate(invalid="ignore"):
        terms = np.where(p > 0, p * (log_p - log_q), 0.0)
    per_row = terms.sum(axis=1) / divisor
    if reduction == "none":
        return per_row  # type: ignore[no-any-return]
    if reduction == "sum":
        return float(per_row.sum())
    return float(per_row.mean())
