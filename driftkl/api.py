"""The two entry points, :func:`profile` and :func:`compare`: the composition root.

Here the config is turned into the narrow values each layer takes (the engine, each column's
binning, the thresholds), sources are opened, and fitting, counting and evaluation are
composed. No domain rule lives here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from driftkl._version import __version__
from driftkl.columns import timezone_note, type_name
from driftkl.config import DriftConfig, load_config
from driftkl.counting import (
    Novel,
    count_grouped,
    count_source,
    fold_segments,
    require_rows,
    total,
)
from driftkl.engines.local import resolve_threads
from driftkl.engines.registry import get_engine
from driftkl.errors import ColumnNotFoundError, ConfigError, SchemaMismatchError
from driftkl.evaluation.decide import decide
from driftkl.evaluation.evaluate import measure_feature
from driftkl.evaluation.schema import check_schema, fits_bins
from driftkl.fitting.fit import fit_source
from driftkl.fitting.plan import select_columns
from driftkl.grouping import OTHER_SEGMENT, Segments, top_segments
from driftkl.model.profile import FeatureProfile, Profile
from driftkl.model.report import DriftReport, FeatureResult
from driftkl.sources import Source, open_source
from driftkl.stats.divergence import unit_name

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    import pyarrow as pa

    from driftkl.engines.base import Engine
    from driftkl.model.bins import BinSpec
    from driftkl.model.schema import SchemaChange

__all__ = ["compare", "profile"]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _fingerprint(schema: pa.Schema, columns: list[str]) -> str:
    text = "\n".join(f"{c}:{type_name(schema.field(c).type)}" for c in columns)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _open(data: Any, side: str, config: DriftConfig) -> tuple[Source, Engine]:
    """The source for ``data`` and the engine it runs on (the source's own, if it has one)."""
    source = open_source(
        data, side=side, row_filter=config.filter, batch_size=config.execution.batch_size
    )
    execution = config.execution
    if source.engine_hint is not None:
        execution = dataclasses.replace(execution, engine=source.engine_hint)
    return source, get_engine(execution)


def _describe(data: Any, source: Source) -> str:
    if isinstance(data, (str, os.PathLike)):
        return os.fspath(data)
    return source.description


def profile(
    data: Any,
    *,
    config: str | Path | Mapping[str, Any] | DriftConfig | None = None,
    bins: Profile | None = None,
    **overrides: Any,
) -> Profile:
    """Fit bins on reference data and count it: the reference profile.

    Args:
        data: a ``pandas.DataFrame``, ``pyarrow.Table``, Polars ``DataFrame`` or
            ``LazyFrame``, an object with ``__arrow_c_stream__`` (DuckDB relation, Arrow
            reader), a dask DataFrame, or a Parquet path (file, folder, glob,
            hive-partitioned dataset).
        config: YAML path, mapping or :class:`DriftConfig` (see ``configs/drift.yaml``).
        bins: reuse this profile's bins instead of fitting new ones (to build a reference
            partition by partition and :meth:`Profile.merge` the parts).
        **overrides: config keys that replace the file's values.

    Returns:
        A :class:`Profile`; ``profile.save(path)`` writes it as JSON.
    """
    cfg = load_config(config, **overrides)
    source, engine = _open(data, "reference", cfg)
    names = source.schema.names
    if bins is not None:
        columns = (
            [
                c
                for c in select_columns(names, cfg.include, cfg.exclude, source.description)
                if c in bins.names
            ]
            if cfg.include is not None or cfg.exclude
            else list(bins.names)
        )
        _check_compatible(bins, source, columns)
        counts, rows, _ = count_source(
            source,
            {c: bins.feature(c).bins for c in columns},
            engine,
            label="counting reference rows",
        )
        feats = tuple(
            dataclasses.replace(bins.feature(c), counts=tuple(int(x) for x in counts[c]), notes=())
            for c in columns
        )
    else:
        _check_named_columns(cfg, names, source.description)
        columns = select_columns(names, cfg.include, cfg.exclude, source.description)
        fitted, rows = fit_source(
            source,
            columns,
            cfg.binning_for,
            engine,
            memory_mib=cfg.binning.reference_memory_mib,
            threads=resolve_threads(cfg.execution.threads),
        )
        feats = tuple(
            FeatureProfile(
                name=f.name,
                kind=f.kind,
                dtype=f.dtype,
                bins=f.bins,
                counts=tuple(int(x) for x in f.counts),
                notes=f.notes,
            )
            for f in fitted
        )
    return Profile(
        features=feats,
        rows=rows,
        source={
            "description": _describe(data, source),
            "schema": {c: type_name(source.schema.field(c).type) for c in columns},
            "schema_fingerprint": _fingerprint(source.schema, columns),
        },
        config=cfg.recorded(),
        created_at=_now(),
    )


def _check_named_columns(cfg: DriftConfig, names: Sequence[str], where: str) -> None:
    """``exclude`` and ``columns.<name>`` naming no column are typos that silently do nothing."""
    named = [("exclude", c) for c in cfg.exclude] + [(f"columns.{c}", c) for c in cfg.columns]
    for key, column in named:
        if column not in names:
            close = difflib.get_close_matches(column, list(names), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"columns are {list(names)}"
            raise ConfigError(f"{key} names {column!r}, which is not in {where}. Hint: {hint}")


def _check_compatible(prof: Profile, source: Source, columns: list[str]) -> None:
    names = set(source.schema.names)
    missing = [c for c in columns if c not in names]
    if missing:
        raise ColumnNotFoundError(
            f"column(s) {missing} of the reference are missing from {source.description} "
            f"(it has {source.schema.names}). Hint: fix the data, or exclude them "
            f"(exclude: {missing})."
        )
    for c in columns:
        feat = prof.feature(c)
        t = source.schema.field(c).type
        if fits_bins(feat, t, source.description):
            continue
        hint = (
            f"cast it back (e.g. .astype(str)) or set columns.{c}.kind consistently on both sides"
            if feat.kind == "categorical"
            else "cast the current column to the reference type, or rebuild the profile if "
            "the type change is intended"
        )
        raise SchemaMismatchError(
            f"column {c!r} is {feat.kind} ({feat.dtype}) in the reference but {type_name(t)} "
            f"in {source.description}. Hint: {hint}."
        )


def measure_all(
    run: Prepared,
    counts: Mapping[str, Any],
    novel: Mapping[str, Novel],
    *,
    reference_counts: Mapping[str, Any] | None = None,
) -> list[FeatureResult]:
    """Every feature measured, on the local threads (the noise-floor draws dominate).

    ``reference_counts`` replaces the profile's counts (a segment's reference rows).
    """
    prof, columns, cfg, schema = run.prof, run.columns, run.cfg, run.source.schema
    threads = min(resolve_threads(cfg.execution.threads), max(len(columns), 1))

    def one(c: str) -> FeatureResult:
        feature = prof.feature(c)
        if reference_counts is not None:
            feature = dataclasses.replace(
                feature, counts=tuple(int(x) for x in reference_counts[c])
            )
        added = [timezone_note(feature.dtype, schema.field(c).type), run.notes.get(c)]
        if any(added):
            feature = dataclasses.replace(feature, notes=(*feature.notes, *filter(None, added)))
        return measure_feature(feature, counts[c], cfg, novel=novel.get(c))

    if threads == 1:
        return [one(c) for c in columns]
    with ThreadPoolExecutor(threads, thread_name_prefix="driftkl-measure") as pool:
        return list(pool.map(one, columns))


def compare(
    reference: Any,
    current: Any,
    *,
    config: str | Path | Mapping[str, Any] | DriftConfig | None = None,
    **overrides: Any,
) -> DriftReport:
    """Compare current data with a reference, feature by feature.

    Bins are fitted on the reference only (or taken from a saved :class:`Profile`), then the
    current data is counted into the same bins, including out-of-range, unseen-category and
    missing bins.

    Args:
        reference: a :class:`Profile` or the path of one (``*.json``, as written by
            ``driftkl profile``), or reference data in any form :func:`profile` takes.
        current: current data in any form :func:`profile` takes.
        config: YAML path, mapping or :class:`DriftConfig`; ``direction``, ``base``,
            ``pseudo_count``, ``metrics``, ``thresholds``, ... (see ``configs/drift.yaml``).
        **overrides: config keys that replace the file's values.

    Returns:
        A :class:`DriftReport` whose every value states its unit and KL direction.

    >>> import pandas as pd
    >>> ref = pd.DataFrame({"x": ["1", "1", "2", "2", "3"]})
    >>> cur = pd.DataFrame({"x": list("1111123333")})
    >>> r = compare(ref, cur, pseudo_count=0, base=2, direction="reference||current")
    >>> round(r["x"].metrics["kl_divergence"].value, 6), r["x"].metrics["kl_divergence"].unit
    (0.471229, 'bits')
    """
    started = time.perf_counter()
    cfg = load_config(config, **overrides)
    if cfg.segment_by:
        return segmented_compare(reference, current, cfg, started=started)
    run = prepare(reference, current, cfg)
    counts, rows, novel = count_source(run.source, run.specs, run.engine)
    results = decide(measure_all(run, counts, novel), cfg)
    return build_report(run, results, rows, started=started)


@dataclass(frozen=True)
class Prepared:
    """A comparison ready to count: the config, the reference profile, the current source."""

    cfg: DriftConfig
    prof: Profile
    reference_description: str
    columns: list[str]
    source: Source
    engine: Engine
    current_description: str
    notes: Mapping[str, str] = field(default_factory=dict)
    changes: tuple[SchemaChange, ...] = ()

    @property
    def specs(self) -> dict[str, BinSpec]:
        """Each checked column's bins."""
        return {c: self.prof.feature(c).bins for c in self.columns}


def reference_profile(reference: Any, cfg: DriftConfig) -> tuple[Profile, str]:
    """The reference as a profile (loaded, given or fitted) and its description."""
    if isinstance(reference, (str, os.PathLike)) and os.fspath(reference).endswith(".json"):
        reference = Profile.load(reference)
    if isinstance(reference, Profile):
        return reference, str(reference.source.get("description", "profile"))
    prof = profile(reference, config=cfg)
    return prof, str(prof.source.get("description", "reference"))


def prepare(
    reference: Any, current: Any, cfg: DriftConfig, *, skip: Sequence[str] = ()
) -> Prepared:
    """Profile the reference, open the current data, check columns and types on both sides.

    ``skip``: columns never checked as features (a time column, segment columns), whether or
    not the reference has them.
    """
    prof, ref_desc = reference_profile(reference, cfg)
    if cfg.include is not None:
        unknown = [c for c in cfg.include if c not in prof.names]
        if unknown:
            raise ColumnNotFoundError(
                f"column(s) {unknown} from include are not in the reference profile "
                f"(it has {list(prof.names)}). Hint: rebuild the profile including them."
            )
    columns = [
        c
        for c in prof.names
        if (cfg.include is None or c in cfg.include) and c not in (*cfg.exclude, *skip)
    ]
    if not columns:
        raise ConfigError(
            f"no columns left to check: include/exclude{'/' + str(list(skip)) if skip else ''} "
            f"leave none of the profile's {list(prof.names)}. Hint: check include and exclude."
        )
    source, engine = _open(current, "current", cfg)
    if isinstance(reference, Profile):  # a profile built here was checked against its data
        known = list(dict.fromkeys([*prof.names, *source.schema.names]))
        _check_named_columns(cfg, known, f"the reference profile or {source.description}")
    layout = tuple(getattr(source, "partition_keys", ()))  # hive keys: folders, not columns
    check = check_schema(
        prof, source.schema, columns, cfg, source.description, skip=(*skip, *layout)
    )
    return Prepared(
        cfg,
        prof,
        ref_desc,
        list(check.columns),
        source,
        engine,
        _describe(current, source),
        notes=dict(check.notes),
        changes=tuple(check.changes),
    )


def build_report(
    run: Prepared,
    results: Sequence[FeatureResult],
    rows: int,
    *,
    started: float,
    segments: Mapping[str, tuple[FeatureResult, ...]] | None = None,
) -> DriftReport:
    """The report of decided ``results`` over ``rows`` current rows."""
    cfg = run.cfg
    settings = {
        "direction": cfg.direction,
        "base": cfg.base,
        "unit": unit_name(cfg.base),
        "pseudo_count": cfg.pseudo_count,
        "metrics": list(cfg.metrics),
        "significance": dataclasses.asdict(cfg.significance),
        "noise_floor": dataclasses.asdict(cfg.noise_floor),
        "threshold_on": cfg.threshold_on,
        "novelty": dataclasses.asdict(cfg.novelty),
        "event_time": cfg.event_time,
        "on_schema_change": cfg.on_schema_change,
    }
    if cfg.segment_by:
        settings["segment_by"] = list(cfg.segment_by)
        settings["max_segments"] = cfg.max_segments
    return DriftReport(
        features=tuple(results),
        schema_changes=run.changes,
        dataset=cfg.dataset,
        settings=settings,
        reference={
            "source": run.reference_description,
            "rows": run.prof.rows,
            "profile_hash": run.prof.fingerprint,
        },
        current={"source": run.current_description, "rows": rows},
        created_at=_now(),
        duration_seconds=round(time.perf_counter() - started, 6),
        driftkl_version=__version__,
        segments=dict(segments or {}),
    )


def segmented_compare(
    reference: Any, current: Any, cfg: DriftConfig, *, started: float
) -> DriftReport:
    """:func:`compare` overall and per segment of ``cfg.segment_by``, decided together.

    The current data is read once, counted per segment; the overall counts are the sum. The
    reference is fitted, then counted per segment with the same bins (a second read). The
    ``cfg.max_segments`` segments with the most reference rows are kept by name, the rest
    are pooled as ``(other)``. One correction runs over every test of every segment and of
    the overall result.
    """
    if isinstance(reference, Profile) or (
        isinstance(reference, (str, os.PathLike)) and os.fspath(reference).endswith(".json")
    ):
        raise ConfigError(
            "segment_by needs the reference data, not a saved profile: a profile holds no "
            "counts per segment. Hint: pass the reference table or Parquet path."
        )
    grouping = Segments(cfg.segment_by)
    run = prepare(reference, current, cfg, skip=cfg.segment_by)
    grouping.check(run.source.schema, run.source.description)
    ref_source, ref_engine = _open(reference, "reference", cfg)
    ref_groups, _ = count_grouped(
        ref_source, run.specs, ref_engine, grouping, label="reference segments"
    )
    cur_groups, _ = count_grouped(run.source, run.specs, run.engine, grouping)
    overall = total(cur_groups, run.specs)
    keep = top_segments({k: g.rows for k, g in ref_groups.items()}, cfg.max_segments)
    folded = fold_segments(ref_groups, cur_groups, run.specs, keep=keep, other=OTHER_SEGMENT)
    judged = {label: pair for label, pair in folded.items() if pair[0].rows and pair[1].rows}
    results = measure_all(run, overall.counts, overall.novel)
    spans: list[tuple[str | None, int, int]] = [(None, 0, len(results))]
    for label, (ref, cur) in judged.items():
        part = measure_all(run, cur.counts, cur.novel, reference_counts=ref.counts)
        spans.append((label, len(results), len(results) + len(part)))
        results.extend(part)
    decided = decide(results, cfg)
    segments = {label: decided[a:b] for label, a, b in spans[1:] if label is not None}
    return build_report(
        run,
        decided[: spans[0][2]],
        require_rows(overall.rows, run.source),
        started=started,
        segments=segments,
    )
