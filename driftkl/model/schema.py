"""Schema changes between the reference and the current data, reported as findings.

A column the reference had and the current data lacks (``missing``), a column the current data
has and the reference did not (``added``), or a column whose type no longer fits the reference
bins (``type_changed``, e.g. text where numbers were) is one :class:`SchemaChange` in
:attr:`driftkl.DriftReport.schema_changes`. The other columns are still checked. A type change
within the same kind (``int32`` → ``int64``, ``int64`` → ``double``, a timestamp unit) still
fits the bins: it is counted as usual and noted on the feature, not reported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["SCHEMA_CHANGES", "SchemaChange"]

#: The kinds of schema change, in the order reports list them.
SCHEMA_CHANGES = ("missing", "type_changed", "added")
_STATUSES = ("warn", "drift")


@dataclass(frozen=True)
class SchemaChange:
    """One column that is missing, added or retyped in the current data.

    Attributes:
        column: the column name.
        change: ``"missing"`` (in the reference, not in the current data), ``"added"`` (in
            the current data only) or ``"type_changed"`` (its type no longer fits the
            reference bins).
        reference_type: the column's type in the reference (``None`` when ``added``).
        current_type: the column's type in the current data (``None`` when ``missing``).
        status: what the change counts as in the report: ``"warn"`` or ``"drift"``
            (``on_schema_change``; an added column is at most ``warn``).
        reason: one line saying what changed and which rule set the status.
    """

    column: str
    change: str
    reference_type: str | None
    current_type: str | None
    status: str = "warn"
    reason: str = ""

    def describe(self) -> str:
        """A short phrase: ``'x' missing (was int64)``, ``'y' int64 → string``."""
        if self.change == "missing":
            return f"{self.column!r} missing from the current data (was {self.reference_type})"
        if self.change == "added":
            return f"{self.column!r} added in the current data ({self.current_type})"
        return f"{self.column!r} type changed: {self.reference_type} → {self.current_type}"

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (the report's ``schema_changes`` entries)."""
        return {
            "column": self.column,
            "change": self.change,
            "reference_type": self.reference_type,
            "current_type": self.current_type,
            "status": self.status,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SchemaChange:
        """Rebuild from :meth:`to_dict` form."""
        change, status = d["change"], d.get("status", "warn")
        if change not in SCHEMA_CHANGES:
            raise ValueError(f"schema change {change!r} is not one of {SCHEMA_CHANGES}")
        if status not in _STATUSES:
            raise ValueError(f"schema change status {status!r} is not one of {_STATUSES}")
        return cls(
            column=str(d["column"]),
            change=change,
            reference_type=None if d.get("reference_type") is None else str(d["reference_type"]),
            current_type=None if d.get("current_type") is None else str(d["current_type"]),
            status=status,
            reason=str(d.get("reason", "")),
        )
