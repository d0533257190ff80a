"""Value objects that explain a feature's result: its significance test and top bins.

They are carried by :class:`driftkl.report.FeatureResult` (fields ``test`` and
``contributions``) and serialised in the report dict under the keys ``"test"`` and
``"contributions"`` (the XCom / JSON form).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from driftkl.stats.significance import SignificanceTest

__all__ = ["TOP_CONTRIBUTIONS", "BinContribution", "SignificanceTest"]

TOP_CONTRIBUTIONS = 5
"""How many bins, largest share first, a report keeps per feature (the full per-bin picture
can always be recomputed from the counts with :func:`driftkl.stats.contributions.bin_terms`)."""


@dataclass(frozen=True)
class BinContribution:
    """One bin's part of a feature's divergence.

    Attributes:
        label: the bin label (``"[3.2, 4.1)"``, ``"(unseen)"``, ``"missing"`` ...).
        reference_share: share of reference rows in the bin (raw counts, no pseudo-count).
        current_share: share of current rows in the bin.
        kl: the bin's non-negative KL term ``p ln(p/q) − p + q`` in the report's unit
            (report direction and pseudo-count); ``None`` when KL is not reported.
        kl_share: ``kl`` as a fraction of the feature's KL divergence.
        js: the bin's JS divergence term, in the report's unit.
        js_share: ``js`` as a fraction of the feature's JS divergence.
    """

    label: str
    reference_share: float
    current_share: float
    kl: float | None
    kl_share: float | None
    js: float
    js_share: float

    def describe(self) -> str:
        """Short text, e.g. ``"[3.2, 4.1): 61% of KL"`` (or of JS when KL is absent)."""
        if self.kl_share is not None:
            return f"{self.label}: {self.kl_share:.0%} of KL"
        return f"{self.label}: {self.js_share:.0%} of JS"

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (``inf`` KL terms, possible only with pseudo-count 0, as "inf")."""
        kl = self.kl
        return {
            "label": self.label,
            "reference_share": self.reference_share,
            "current_share": self.current_share,
            "kl": "inf" if kl is not None and kl == float("inf") else kl,
            "kl_share": self.kl_share,
            "js": self.js,
            "js_share": self.js_share,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BinContribution:
        """Rebuild from :meth:`to_dict` form."""
        return cls(
            label=str(d["label"]),
            reference_share=float(d["reference_share"]),
            current_share=float(d["current_share"]),
            kl=None if d.get("kl") is None else float(d["kl"]),
            kl_share=None if d.get("kl_share") is None else float(d["kl_share"]),
            js=float(d["js"]),
            js_share=float(d["js_share"]),
        )
