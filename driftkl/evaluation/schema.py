"""Schema changes: which profiled columns the current data lacks, gained or retyped.

A type change counts when the current column no longer fits the reference bins: its natural
kind (:func:`driftkl.columns.natural_kind`) is not one the feature's kind accepts, or its type
cannot be binned at all. ``int64`` → ``double`` on a numeric feature, or ``int32`` →
``int64``, fits the same bins and is counted as usual, with a note on the feature.

``on_schema_change`` sets what a change counts as: ``drift`` (default) makes a missing or
retyped column a drift finding and an added one a warning; ``warn`` makes every change a
warning; ``fail`` raises :class:`driftkl.errors.SchemaChangeError` naming the columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from driftkl.columns import natural_kind, type_name
from driftkl.errors import SchemaChangeError, UnbinnableTypeError
from driftkl.model.schema import SCHEMA_CHANGES, SchemaChange

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pyarrow as pa

    from driftkl.config import DriftConfig
    from driftkl.model.profile import FeatureProfile, Profile

__all__ = ["SchemaCheck", "check_schema", "fits_bins"]

_COMPATIBLE = {
    "numeric": {"numeric", "integer"},
    "datetime": {"datetime"},
    "categorical": {"categorical", "integer"},
}


def fits_bins(feature: FeatureProfile, t: pa.DataType, where: str) -> bool:
    """Whether a current column of Arrow type ``t`` can be counted into ``feature``'s bins.

    Raises:
        UnbinnableTypeError: ``t`` cannot be binned at all.
    """
    natural = natural_kind(t, feature.name, where)
    allowed = set(_COMPATIBLE[feature.kind])
    if feature.kind == "categorical" and feature.dtype.startswith(("int", "uint")):
        # an integer column that gained nulls in pandas arrives as float64: 3.0 reads "3"
        allowed.add("numeric")
    return natural in allowed


@dataclass(frozen=True)
class SchemaCheck:
    """The outcome of comparing a profile's columns with the current data's schema.

    Attributes:
        changes: the schema changes, missing first, then retyped, then added.
        columns: the profiled columns that can still be checked, in profile order.
        notes: per column, a note for a type change that still fits the bins.
    """

    changes: tuple[SchemaChange, ...]
    columns: tuple[str, ...]
    notes: dict[str, str]


def _status(change: str, mode: str) -> str:
    return "warn" if mode == "warn" or change == "added" else "drift"


def _reason(change: SchemaChange, mode: str) -> str:
    extra = "; an added column is at most warn" if change.change == "added" else ""
    return f"schema change: {change.describe()} → {change.status} (on_schema_change: {mode}{extra})"


def check_schema(
    prof: Profile,
    schema: pa.Schema,
    columns: Sequence[str],
    config: DriftConfig,
    where: str,
) -> SchemaCheck:
    """Compare ``columns`` of ``prof`` with the current ``schema`` (described by ``where``).

    Added columns are looked for only when ``include`` is not set (then only the included
    columns matter); excluded columns are never reported.

    Raises:
        SchemaChangeError: there are changes and ``config.on_schema_change`` is ``fail``, or
            no column of the reference is left to check.
    """
    mode = config.on_schema_change
    present = set(schema.names)
    found: list[tuple[str, str, str | None, str | None]] = []
    kept: list[str] = []
    notes: dict[str, str] = {}
    for c in columns:
        feature = prof.feature(c)
        if c not in present:
            found.append((c, "missing", feature.dtype, None))
            continue
        t = schema.field(c).type
        try:
            fits = fits_bins(feature, t, where)
        except UnbinnableTypeError:
            fits = False
        if not fits:
            found.append((c, "type_changed", feature.dtype, type_name(t)))
            continue
        kept.append(c)
        if type_name(t) != feature.dtype and not type_name(t).startswith("timestamp"):
            notes[c] = (
                f"type {feature.dtype} in the reference, {type_name(t)} in the current data: "
                "same kind, counted in the same bins"
            )
    if config.include is None:
        known = set(prof.names) | set(config.exclude)
        found += [(c, "added", None, type_name(schema.field(c).type)) for c in schema.names]
        found = [f for f in found if f[1] != "added" or f[0] not in known]
    found.sort(key=lambda f: SCHEMA_CHANGES.index(f[1]))
    listed = "; ".join(SchemaChange(c, kind, ref, cur).describe() for c, kind, ref, cur in found)
    if found and mode == "fail":
        raise SchemaChangeError(
            f"schema of {where} differs from the reference: {listed}. Hint: fix the data, "
            "rebuild the reference profile if the change is intended, or set "
            "on_schema_change: drift (or warn) to report changes and check the other columns.",
            columns=tuple(c for c, *_ in found),
        )
    if not kept:
        raise SchemaChangeError(
            f"none of the reference's columns can be checked in {where}: {listed}. Hint: is "
            "this the right data? Rebuild the reference profile if the change is intended.",
            columns=tuple(c for c, *_ in found),
        )
    changes = []
    for c, kind, ref, cur in found:
        change = SchemaChange(c, kind, ref, cur, status=_status(kind, mode))
        changes.append(SchemaChange(c, kind, ref, cur, change.status, _reason(change, mode)))
    return SchemaCheck(changes=tuple(changes), columns=tuple(kept), notes=notes)
