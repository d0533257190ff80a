"""Reference profiles: bins fitted once on the reference, with the reference's counts.

A profile is saved as deterministic, human-diffable JSON (sorted keys, two-space indent) with a
``content_hash`` over everything else, so edits and truncation are detected on load. Profiles
with the same bin specifications merge by adding counts, so a reference can be built partition
by partition (``driftkl.profile(part, bins=first_profile)`` then :meth:`Profile.merge`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from driftkl._files import write_atomic
from driftkl._version import __version__
from driftkl.errors import ProfileError
from driftkl.model.bins import BinSpec, bins_from_dict

if TYPE_CHECKING:
    import os

__all__ = ["PROFILE_FORMAT_VERSION", "FeatureProfile", "Profile"]

PROFILE_FORMAT = "driftkl.profile"
PROFILE_FORMAT_VERSION = 1


@dataclass(frozen=True)
class FeatureProfile:
    """One feature of a profile: its kind, source type, bins and reference counts."""

    name: str
    kind: str
    dtype: str
    bins: BinSpec
    counts: tuple[int, ...]
    notes: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        """Reference rows counted for this feature (missing included)."""
        return int(sum(self.counts))

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "name": self.name,
            "kind": self.kind,
            "dtype": self.dtype,
            "bins": self.bins.to_dict(),
            "labels": list(self.bins.labels),
            "counts": list(self.counts),
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FeatureProfile:
        """Rebuild from :meth:`to_dict` form."""
        bins = bins_from_dict(d["bins"])
        counts = tuple(int(c) for c in d["counts"])
        if len(counts) != bins.n_bins or any(c < 0 for c in counts):
            raise ProfileError(
                f"feature {d['name']!r}: {len(counts)} counts for {bins.n_bins} bins"
            )
        return cls(
            name=str(d["name"]),
            kind=str(d["kind"]),
            dtype=str(d["dtype"]),
            bins=bins,
            counts=counts,
            notes=tuple(d.get("notes", ())),
        )


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)


def _hash(body: dict[str, Any]) -> str:
    digest = hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"


@dataclass(frozen=True)
class Profile:
    """A reference profile: per-feature bins and counts plus provenance metadata.

    Attributes:
        features: one :class:`FeatureProfile` per binned column, in source column order.
        rows: reference rows read.
        source: where the reference came from (description, schema, schema fingerprint).
        config: the config (plain dict) the bins were fitted with.
        created_at: UTC ISO-8601 creation time.
        driftkl_version: version that built the profile.
    """

    features: tuple[FeatureProfile, ...]
    rows: int
    source: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    driftkl_version: str = __version__

    def feature(self, name: str) -> FeatureProfile:
        """The feature called ``name``."""
        for f in self.features:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """Feature names in order."""
        return tuple(f.name for f in self.features)

    def _body(self) -> dict[str, Any]:
        return {
            "format": PROFILE_FORMAT,
            "format_version": PROFILE_FORMAT_VERSION,
            "driftkl_version": self.driftkl_version,
            "created_at": self.created_at,
            "rows": self.rows,
            "source": self.source,
            "config": self.config,
            "features": [f.to_dict() for f in self.features],
        }

    @property
    def content_hash(self) -> str:
        """``sha256:<hex>`` of the canonical JSON of everything but the hash itself."""
        return _hash(self._body())

    def to_dict(self) -> dict[str, Any]:
        """JSON form, including ``content_hash``."""
        body = self._body()
        body["content_hash"] = _hash(body)
        return body

    def to_json(self) -> str:
        """Deterministic JSON text (sorted keys, indent 2, trailing newline)."""
        return _canonical(self.to_dict()) + "\n"

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the profile atomically (temp file + rename) and return the path."""
        return write_atomic(path, self.to_json())

    @classmethod
    def from_dict(cls, d: dict[str, Any], *, where: str = "profile") -> Profile:
        """Rebuild and verify a profile from its JSON form."""
        if not isinstance(d, dict) or d.get("format") != PROFILE_FORMAT:
            raise ProfileError(
                f'{where} is not a driftkl profile (no "format": "{PROFILE_FORMAT}"). '
                "Hint: build one with `driftkl profile DATA -o PROFILE.json`."
            )
        version = d.get("format_version")
        if version != PROFILE_FORMAT_VERSION:
            raise ProfileError(
                f"{where} has profile format version {version!r}; this driftkl "
                f"({__version__}) reads version {PROFILE_FORMAT_VERSION}. Hint: rebuild the "
                "profile from the reference data with this driftkl version."
            )
        stored = d.get("content_hash")
        body = {k: v for k, v in d.items() if k != "content_hash"}
        if stored != _hash(body):
            raise ProfileError(
                f"{where} fails its content hash check (stored {stored!r}): it was edited or "
                "damaged after it was written. Hint: rebuild it with `driftkl profile`."
            )
        try:
            features = tuple(FeatureProfile.from_dict(f) for f in d["features"])
            return cls(
                features=features,
                rows=int(d["rows"]),
                source=dict(d["source"]),
                config=dict(d["config"]),
                created_at=str(d["created_at"]),
                driftkl_version=str(d["driftkl_version"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ProfileError(f"{where} is malformed: {exc!r}") from exc

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Profile:
        """Load and verify a profile saved by :meth:`save`."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise ProfileError(f"cannot read profile {str(p)!r}: {exc.strerror or exc}") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProfileError(
                f"profile {str(p)!r} is not valid JSON ({exc}); it may be truncated. "
                "Hint: rebuild it with `driftkl profile`."
            ) from exc
        return cls.from_dict(data, where=f"profile {str(p)!r}")

    def merge(self, other: Profile) -> Profile:
        """Add another profile's counts; both must have identical features and bins."""
        if self.names != other.names:
            raise ProfileError(
                f"cannot merge profiles with different features: {list(self.names)} vs "
                f"{list(other.names)}"
            )
        merged = []
        for a, b in zip(self.features, other.features, strict=True):
            if a.bins != b.bins or a.kind != b.kind:
                raise ProfileError(
                    f"cannot merge feature {a.name!r}: its bins differ between the profiles. "
                    "Hint: build the partial profiles with the same bins, "
                    "driftkl.profile(part, bins=first_profile)."
                )
            counts = tuple(int(x) for x in np.add(a.counts, b.counts))
            merged.append(replace(a, counts=counts, notes=tuple(dict.fromkeys(a.notes + b.notes))))
        return replace(
            self,
            features=tuple(merged),
            rows=self.rows + other.rows,
            created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            source={**self.source, "merged_from": [self.content_hash, other.content_hash]},
        )
