"""Reference profiles: bins fitted once on the reference, with the reference's counts.

A profile is saved as deterministic, human-diffable JSON (sorted keys, two-space indent) with a
``content_hash`` over everything else, so edits and truncation are detected on load. A hash
proves nothing about a file someone wrote on purpose, so loading also checks everything before
it is used, within :class:`ProfileLimits`: sizes and nesting first, then (after the hash) the
types, finite increasing edges, non-negative integer counts matching the bins and the rows,
and unique feature names. Every error names the key path. Profiles with the same bin
specifications merge by adding counts, so a reference can be built partition by partition
(``driftkl.profile(part, bins=first_profile)`` then :meth:`Profile.merge`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from driftkl._files import write_atomic
from driftkl._version import __version__
from driftkl.columns import is_unicode
from driftkl.errors import ProfileError
from driftkl.model.bins import (
    MAX_CATEGORIES,
    MAX_EDGES,
    BinSpec,
    CategoricalBins,
    bins_from_dict,
    checked_list,
    invalid_profile,
    json_type,
)

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable

    from numpy.typing import NDArray

__all__ = [
    "PROFILE_FORMAT_VERSION",
    "FeatureProfile",
    "Profile",
    "ProfileLimits",
    "merge_profiles",
]

PROFILE_FORMAT = "driftkl.profile"
PROFILE_FORMAT_VERSION = 1
KINDS = ("numeric", "datetime", "categorical")
MAX_COUNT = 2**63 - 1  # counts are summed as int64


@dataclass(frozen=True)
class ProfileLimits:
    """Caps on a profile read from a file or a dict, checked before it is used.

    Attributes:
        max_bytes: size of the JSON text.
        max_depth: nesting of objects and arrays (a profile written by driftkl needs 6).
        max_features: features in one profile.
        max_edges: edges of one numeric feature.
        max_categories: categories (kept plus ``other``) of one categorical feature.
        max_notes: notes of one feature.
    """

    max_bytes: int = 512 * 2**20
    max_depth: int = 32
    max_features: int = 100_000
    max_edges: int = MAX_EDGES
    max_categories: int = MAX_CATEGORIES
    max_notes: int = 1_000


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_profile(where, f"must be a whole number, not {json_type(value)}")
    if not 0 <= value <= MAX_COUNT:
        raise invalid_profile(where, f"is {value}, outside 0 .. {MAX_COUNT}")
    return value


def _kind_of(bins: BinSpec) -> str:
    if isinstance(bins, CategoricalBins):
        return "categorical"
    return "datetime" if bins.datetime else "numeric"


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise invalid_profile(where, f"must be a string, not {json_type(value)}")
    return value


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
    def from_dict(
        cls, d: Any, *, where: str = "feature", limits: ProfileLimits | None = None
    ) -> FeatureProfile:
        """Rebuild from :meth:`to_dict` form, checking every part (errors name ``where``)."""
        lim = limits or ProfileLimits()
        if not isinstance(d, dict):
            raise invalid_profile(where, f"must be an object, not {json_type(d)}")
        kind = d.get("kind")
        if kind not in KINDS:
            raise invalid_profile(
                f"{where}.kind", f"is {json_type(kind)}; expected one of {', '.join(KINDS)}"
            )
        bins = bins_from_dict(
            d.get("bins"),
            where=f"{where}.bins",
            max_edges=lim.max_edges,
            max_categories=lim.max_categories,
        )
        if _kind_of(bins) != kind:
            raise invalid_profile(f"{where}.bins.type", f"does not match the kind {kind!r}")
        most = max(lim.max_edges, lim.max_categories) + 3
        raw = checked_list(
            d.get("counts"), f"{where}.counts", item=int, what="integers", limit=most
        )
        if len(raw) != bins.n_bins:
            raise invalid_profile(
                f"{where}.counts", f"has {len(raw)} counts for {bins.n_bins} bins"
            )
        counts = tuple(_count(c, f"{where}.counts[{i}]") for i, c in enumerate(raw))
        notes = checked_list(
            d.get("notes", []), f"{where}.notes", item=str, what="strings", limit=lim.max_notes
        )
        return cls(
            name=_text(d.get("name"), f"{where}.name"),
            kind=kind,
            dtype=_text(d.get("dtype"), f"{where}.dtype"),
            bins=bins,
            counts=counts,
            notes=tuple(notes),
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
        """``sha256:<hex>`` of the canonical JSON of everything but the hash itself.

        The file's integrity check (any edit is detected on load); it changes with the
        creation time. Reports identify a profile by :attr:`fingerprint` instead.
        """
        return _hash(self._body())

    @property
    def fingerprint(self) -> str:
        """``sha256:<hex>`` of what the profile means: its bins, counts, rows and settings.

        Two profiles of the same data with the same settings have the same fingerprint
        whenever, wherever and with whatever engine they were built; it is the report's
        ``reference.profile_hash`` (a stable Prometheus label value).
        """
        body = self._body()
        return _hash(
            {k: body[k] for k in ("format", "format_version", "rows", "config", "features")}
        )

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
    def from_dict(
        cls, d: Any, *, where: str = "profile", limits: ProfileLimits | None = None
    ) -> Profile:
        """Rebuild and verify a profile from its JSON form.

        Sizes and nesting are checked first (bounded work whatever the input), then the
        content hash, then every part's type and meaning; errors name ``where`` and the key.
        """
        lim = limits or ProfileLimits()
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
        features = d.get("features")
        if isinstance(features, list) and len(features) > lim.max_features:
            raise invalid_profile(
                f"{where}: features",
                f"has {len(features)} entries, more than the limit of {lim.max_features}",
            )
        _scan(d, where, lim)
        stored = d.get("content_hash")
        body = {k: v for k, v in d.items() if k != "content_hash"}
        if stored != _hash(body):
            raise ProfileError(
                f"{where} fails its content hash check (stored {stored!r}): it was edited or "
                "damaged after it was written. Hint: rebuild it with `driftkl profile`."
            )
        if not isinstance(features, list) or not features:
            problem = "is empty" if features == [] else f"is {json_type(features)}"
            raise invalid_profile(
                f"{where}: features", f"{problem}; a profile has an array of one feature or more"
            )
        feats = tuple(
            FeatureProfile.from_dict(f, where=f"{where}: features[{i}]", limits=lim)
            for i, f in enumerate(features)
        )
        rows = _count(d.get("rows"), f"{where}: rows")
        _check_features(feats, rows, where)
        for key in ("source", "config"):
            if not isinstance(d.get(key), dict):
                raise invalid_profile(
                    f"{where}: {key}", f"must be an object, not {json_type(d.get(key))}"
                )
        return cls(
            features=feats,
            rows=rows,
            source=dict(d["source"]),
            config=dict(d["config"]),
            created_at=_text(d.get("created_at"), f"{where}: created_at"),
            driftkl_version=_text(d.get("driftkl_version"), f"{where}: driftkl_version"),
        )

    @classmethod
    def from_json(
        cls, text: str, *, where: str = "profile", limits: ProfileLimits | None = None
    ) -> Profile:
        """Parse and verify a profile's JSON text (``NaN``/``Infinity`` tokens are refused)."""
        lim = limits or ProfileLimits()
        if len(text) > lim.max_bytes:
            raise ProfileError(
                f"{where} is larger than the limit of {lim.max_bytes} bytes. Hint: check the "
                "file, or raise ProfileLimits.max_bytes for a profile this large."
            )

        def refuse(token: str) -> None:
            raise ProfileError(
                f"{where} holds the token {token}, which is not JSON (numbers must be finite). "
                "Hint: rebuild it with `driftkl profile`."
            )

        try:
            data = json.loads(text, parse_constant=refuse)
        except ProfileError:
            raise
        except json.JSONDecodeError as exc:
            raise ProfileError(
                f"{where} is not valid JSON ({exc}); it may be truncated. "
                "Hint: rebuild it with `driftkl profile`."
            ) from exc
        except (ValueError, RecursionError) as exc:  # 5 000-digit numbers, deep nesting
            raise ProfileError(
                f"{where} cannot be read as JSON ({exc or 'nested too deeply'}). "
                "Hint: rebuild it with `driftkl profile`."
            ) from exc
        return cls.from_dict(data, where=where, limits=lim)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Profile:
        """Load and verify a profile saved by :meth:`save` (default :class:`ProfileLimits`)."""
        p = Path(path)
        where = f"profile {str(p)!r}"
        limit = ProfileLimits().max_bytes
        if p.exists() and not p.is_file():
            raise ProfileError(
                f"{where} is not a regular file. Hint: pass the path of a profile JSON file."
            )
        try:
            with p.open("rb") as fh:
                raw = fh.read(limit + 1)
        except OSError as exc:
            raise ProfileError(f"cannot read profile {str(p)!r}: {exc.strerror or exc}") from exc
        if len(raw) > limit:
            raise ProfileError(
                f"{where} is larger than the limit of {limit} bytes. Hint: check the file, or "
                "read it with Profile.from_json(text, limits=ProfileLimits(max_bytes=...))."
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProfileError(
                f"{where} is not UTF-8 text (invalid byte at offset {exc.start}). "
                "Hint: rebuild it with `driftkl profile`."
            ) from exc
        return cls.from_json(text, where=where)

    def merge(self, other: Profile) -> Profile:
        """Add another profile's counts (see :func:`merge_profiles`)."""
        return merge_profiles([self, other])


def _mergeable(first: Profile, other: Profile, i: int) -> None:
    """Same features, kinds and bins, and the same dataset, or a :class:`ProfileError`."""
    if first.names != other.names:
        raise ProfileError(
            f"cannot merge profiles with different features: profile 0 has {list(first.names)}, "
            f"profile {i} has {list(other.names)}. Hint: build every part with the same "
            "columns, driftkl.profile(part, bins=base_profile)."
        )
    ds_a, ds_b = first.config.get("dataset"), other.config.get("dataset")
    if ds_a != ds_b:
        raise ProfileError(
            f"cannot merge profiles of different datasets: profile 0 is {ds_a!r}, profile {i} "
            f"is {ds_b!r}. Hint: merge the profiles of one dataset only."
        )
    for a, b in zip(first.features, other.features, strict=True):
        if a.bins != b.bins or a.kind != b.kind:
            raise ProfileError(
                f"cannot merge feature {a.name!r}: its bins differ between profile 0 and "
                f"profile {i}, so their counts do not add up. Hint: build the parts with the "
                "same bins, driftkl.profile(part, bins=base_profile)."
            )


def merge_profiles(profiles: Iterable[Profile], *, description: str | None = None) -> Profile:
    """One profile whose counts are the sums of ``profiles``' counts (bins shared).

    The profiles are read one at a time (memory: one profile plus the running sums), so a
    generator that loads each from disk keeps only one in memory. Profiles built with the
    same bins (``driftkl.profile(part, bins=base)``) on parts of a dataset merge into exactly
    the profile of the whole: the same counts, rows and :attr:`Profile.fingerprint`.

    Args:
        profiles: one profile or more, with the same features, kinds and bins, of the same
            dataset; the first one's config and source schema are kept.
        description: the merged profile's ``source.description`` (default: the first's).

    Raises:
        ProfileError: no profile, or two with different features, bins or datasets.
    """
    first: Profile | None = None
    sums: list[NDArray[np.int64]] = []
    notes: list[dict[str, None]] = []
    rows = 0
    hashes: list[str] = []
    for i, prof in enumerate(profiles):
        if first is None:
            first = prof
            sums = [np.asarray(f.counts, dtype=np.int64) for f in prof.features]
            notes = [dict.fromkeys(f.notes) for f in prof.features]
        else:
            _mergeable(first, prof, i)
            for j, f in enumerate(prof.features):
                np.add(sums[j], np.asarray(f.counts, dtype=np.int64), out=sums[j])
                notes[j].update(dict.fromkeys(f.notes))
        rows += prof.rows
        hashes.append(prof.content_hash)
    if first is None:
        raise ProfileError("no profiles to merge. Hint: pass one profile or more.")
    merged = tuple(
        replace(f, counts=tuple(int(x) for x in total), notes=tuple(seen))
        for f, total, seen in zip(first.features, sums, notes, strict=True)
    )
    source = {**first.source, "merged_from": hashes}
    if description is not None:
        source["description"] = description
    return replace(
        first,
        features=merged,
        rows=rows,
        created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        source=source,
    )


def _check_features(feats: tuple[FeatureProfile, ...], rows: int, where: str) -> None:
    """Unique names, and counts that add up to the profile's rows (each feature counts all)."""
    seen: dict[str, int] = {}
    for i, f in enumerate(feats):
        if f.name in seen:
            raise invalid_profile(
                f"{where}: features[{i}].name",
                f"repeats the feature name {f.name!r} of features[{seen[f.name]}]",
            )
        seen[f.name] = i
        if f.rows != rows:
            raise invalid_profile(
                f"{where}: features[{i}].counts",
                f"add up to {f.rows} rows, but the profile has {rows} rows",
            )


def _key(path: str, key: Any) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else str(key)


def _scan(d: dict[str, Any], where: str, lim: ProfileLimits) -> None:
    """Before anything else: bounded nesting and array sizes, finite numbers, valid text.

    One pass over the values, no recursion, so a hostile document costs time in proportion
    to its size and fails before it is hashed or used.
    """
    longest = max(lim.max_features, lim.max_edges + 3, lim.max_categories + 3, lim.max_notes)
    stack: list[tuple[Any, str, int]] = [(d, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        at = f"{where}: {path or 'the document'}"
        if depth > lim.max_depth:
            raise invalid_profile(at, f"is nested more than {lim.max_depth} levels deep")
        if isinstance(node, list) and len(node) > longest:
            raise invalid_profile(at, f"has {len(node)} entries, more than any limit allows")
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            problem = _problem(value)
            if isinstance(node, dict) and not isinstance(key, str):
                problem = f"is under the key {key!r}, which is not a string"
            elif isinstance(node, dict):
                problem = _problem(key) or problem
            if problem:
                raise invalid_profile(f"{where}: {_key(path, key)}", problem)
            if isinstance(value, (dict, list)):
                stack.append((value, _key(path, key), depth + 1))


def _problem(value: Any) -> str | None:
    """What is wrong with a scalar JSON value, if anything."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"is {value}, which JSON does not allow (numbers must be finite)"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**64:
        return "is a number too large for a profile"
    if isinstance(value, str) and not value.isascii() and not is_unicode(value):
        return "holds text that is not valid Unicode (a lone surrogate)"
    if not isinstance(value, (str, int, float, bool, dict, list)) and value is not None:
        return f"is a {type(value).__name__}, which is not JSON"
    return None
