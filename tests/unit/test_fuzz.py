"""Fuzzing: any input gives a valid report or a driftkl error that names what is wrong.

Random Arrow tables and pandas frames (large ints, ns timestamps with nulls, decimals, nested,
dictionary, binary, NaN and ±inf, hostile and duplicate names; reference and current drawn
independently), random configs, tampered profiles and tampered saved reports for ``driftkl
serve``. Nothing else may escape; the CLI never exits 1 without drift nor 4 (a bug).
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import hashlib
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from helpers import run_cli
from hypothesis import HealthCheck, assume, event, example, given, reject, settings
from hypothesis import strategies as st

import driftkl
from driftkl.errors import DriftklError
from driftkl.model.status import STATUSES
from driftkl.render.escape import printable
from driftkl.render.text import render_markdown, render_table
from driftkl.stats.metrics import METRICS

pytest.importorskip("prometheus_client")
from prometheus_client import generate_latest

from driftkl.integrations.prometheus.exporter import ReportDirectoryCollector
from driftkl.integrations.prometheus.registry import fresh_registry

FUZZ = settings(
    max_examples=150,
    deadline=None,
    # CI replays the same examples (a red build means a change broke them); a developer's
    # run explores new ones, and whatever it finds becomes an @example here
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEW = settings(FUZZ, max_examples=12)
CLI = settings(FUZZ, max_examples=8)  # a fresh interpreter per example: about 1.5 s each
I64 = (-(2**63), 2**63 - 1)
U64 = (0, 2**64 - 1)
ROWS = st.integers(min_value=1, max_value=30)

# ---------------------------------------------------------------- values and columns

_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=6)  # Arrow needs UTF-8
_NAME = st.one_of(
    st.sampled_from(["a", "b", "amount", "", " ", "a.b", "x\x1b[2J", "é", "日本", "a\nb", "0"]),
    _TEXT,
)
_EXTREME_FLOATS = st.sampled_from(
    [math.nan, math.inf, -math.inf, 0.0, -0.0, 1e308, -1e308, 5e-324, 2.0**53 + 1]
)
_ZONES = [None, "UTC", "Europe/Paris", "+05:30"]


def _nullable(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), values)


_COMMON_KINDS = (
    "int64",
    "uint64",
    "int8",
    "float64",
    "float32",
    "bool",
    "string",
    "large_string",
    "dictionary",
    "timestamp",
    "date32",
    "decimal",
    "constant",
)
_RARE_KINDS = ("binary", "list", "struct", "null")  # unbinnable: the whole check is refused
_KIND = st.sampled_from(_COMMON_KINDS * 4 + _RARE_KINDS)


@st.composite
def arrow_column(draw: st.DrawFn, n: int, kind: str | None = None) -> pa.Array:
    """One Arrow array of ``n`` rows of a random (or the given) type, nulls anywhere."""
    kind = kind or draw(_KIND)

    def values(strategy: st.SearchStrategy[Any]) -> list[Any]:
        return draw(st.lists(_nullable(strategy), min_size=n, max_size=n))

    if kind == "int64":
        return pa.array(values(st.integers(*I64)), pa.int64())
    if kind == "uint64":
        return pa.array(values(st.integers(*U64)), pa.uint64())
    if kind == "int8":
        return pa.array(values(st.integers(-128, 127)), pa.int8())
    if kind in {"float64", "float32"}:
        floats = st.one_of(st.floats(width=64 if kind == "float64" else 32), _EXTREME_FLOATS)
        if kind == "float32":
            floats = st.floats(width=32)
        return pa.array(values(floats), pa.float64() if kind == "float64" else pa.float32())
    if kind == "bool":
        return pa.array(values(st.booleans()), pa.bool_())
    if kind in {"string", "large_string", "dictionary"}:
        strings = st.one_of(st.sampled_from(["", "x", "y", "日本", "\x1b]0;t\x07"]), _TEXT)
        arr = pa.array(values(strings), pa.large_string() if kind == "large_string" else None)
        if arr.type == pa.null():
            arr = arr.cast(pa.string())
        return arr.dictionary_encode() if kind == "dictionary" else arr
    if kind == "timestamp":
        zone = draw(st.sampled_from(_ZONES))
        unit = draw(st.sampled_from(["ns", "us", "s"]))
        bound = I64 if unit == "ns" else (-(10**15), 10**15)
        return pa.array(values(st.integers(*bound)), pa.timestamp(unit, tz=zone))
    if kind == "date32":
        return pa.array(values(st.integers(-(10**6), 10**6)), pa.int32()).cast(pa.date32())
    if kind == "decimal":
        decimals = st.decimals(
            min_value=-(10**7), max_value=10**7, places=2, allow_nan=False, allow_infinity=False
        )
        return pa.array(values(decimals), pa.decimal128(12, 2))
    if kind == "binary":
        return pa.array(values(st.binary(max_size=4)), pa.binary())
    if kind == "list":
        return pa.array(values(st.lists(st.integers(-5, 5), max_size=3)), pa.list_(pa.int64()))
    if kind == "struct":
        structs = st.fixed_dictionaries({"a": _nullable(st.integers(-5, 5))})
        return pa.array(values(structs), pa.struct([("a", pa.int64())]))
    if kind == "null":
        return pa.nulls(n)
    value = draw(st.one_of(st.integers(*I64), st.floats(), _TEXT))
    return pa.array([value] * n)


@st.composite
def arrow_tables(
    draw: st.DrawFn, schema: list[tuple[str, str]] | None = None, rows: Any = ROWS
) -> pa.Table:
    """A table of 1 to 30 rows and 1 to 4 columns; names may repeat or be hostile."""
    n = draw(rows)
    schema = schema or draw(st.lists(st.tuples(_NAME, _KIND), min_size=1, max_size=4))
    columns = [draw(arrow_column(n, kind)) for _, kind in schema]
    return pa.Table.from_arrays(columns, names=[name for name, _ in schema])


@st.composite
def table_pairs(draw: st.DrawFn) -> tuple[pa.Table, pa.Table]:
    """Reference and current: one schema, a drifted schema, or two independent tables."""
    schema = draw(st.lists(st.tuples(_NAME, _KIND), min_size=1, max_size=4))
    mode = draw(st.sampled_from(["same", "same", "drifted", "independent"]))
    if mode == "independent":
        anything = st.integers(0, 30)
        return draw(arrow_tables(rows=anything)), draw(arrow_tables(rows=anything))
    current = list(schema)
    if mode == "drifted":
        i = draw(st.integers(0, len(current) - 1))
        change = draw(st.sampled_from(["drop", "add", "retype"]))
        if change == "drop" and len(current) > 1:
            del current[i]
        elif change == "add":
            current.append(draw(st.tuples(_NAME, _KIND)))
        else:
            current[i] = (current[i][0], draw(_KIND))
    return draw(arrow_tables(schema)), draw(arrow_tables(current))


_PANDAS_NAMES = st.lists(
    st.one_of(_NAME, st.text(max_size=3), st.integers(-2, 2)), min_size=1, max_size=4
)
_PANDAS_KIND = st.sampled_from(["arrow", "object", "datetime", "category"] * 3 + ["mixed"])


@st.composite
def frame_pairs(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reference and current DataFrames with the same column names and kinds, or independent."""
    if draw(st.integers(0, 2)) == 0:
        return draw(pandas_frames()), draw(pandas_frames())
    names = draw(_PANDAS_NAMES)
    kinds = [draw(_PANDAS_KIND) for _ in names]
    return draw(pandas_frames(names, kinds)), draw(pandas_frames(names, kinds))


@st.composite
def pandas_frames(
    draw: st.DrawFn, names: list[Any] | None = None, kinds: list[str] | None = None
) -> pd.DataFrame:
    """A DataFrame with pandas-only hazards: object columns, lone surrogates, int names, NaT."""
    n = draw(ROWS)
    names = names or draw(_PANDAS_NAMES)
    kinds = kinds or [draw(_PANDAS_KIND) for _ in names]
    columns = []
    for kind in kinds:
        if kind == "arrow":
            arr = draw(arrow_column(n))
            try:
                columns.append(pd.Series(arr.to_pandas(), dtype=None))
            except (pa.ArrowException, ValueError, TypeError, OverflowError):
                columns.append(pd.Series([None] * n, dtype=object))
        elif kind == "object":
            columns.append(
                pd.Series(draw(st.lists(_nullable(st.text(max_size=4)), min_size=n, max_size=n)))
            )
        elif kind == "datetime":
            seconds = draw(
                st.lists(_nullable(st.integers(-(10**9), 10**10)), min_size=n, max_size=n)
            )
            stamps = pd.to_datetime(pd.Series(seconds, dtype="Float64"), unit="s")
            if draw(st.booleans()):
                stamps = stamps.dt.tz_localize("UTC")
            columns.append(stamps)
        elif kind == "category":
            columns.append(
                pd.Series(
                    draw(st.lists(_nullable(st.sampled_from("abc")), min_size=n, max_size=n)),
                    dtype="category",
                )
            )
        else:  # ints, floats and strings in one object column
            mixed = st.one_of(st.integers(*I64), st.floats(), st.text(max_size=2), st.none())
            columns.append(pd.Series(draw(st.lists(mixed, min_size=n, max_size=n)), dtype=object))
    frame = pd.concat(columns, axis=1, ignore_index=True) if columns else pd.DataFrame()
    frame.columns = names
    return frame


# ---------------------------------------------------------------- configs

_LEVEL = st.floats(min_value=0, max_value=2, allow_nan=False)


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    """A config dict: mostly valid values, sometimes one invalid value or unknown key."""
    cfg: dict[str, Any] = {
        # the Monte Carlo floor's default 500 draws would dominate the run time
        "noise_floor": draw(
            st.one_of(
                st.just({"method": "analytic"}),
                st.fixed_dictionaries(
                    {"method": st.just("monte_carlo"), "draws": st.integers(1, 20)}
                ),
            )
        )
    }
    binning = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "method": st.sampled_from(["quantile", "uniform"]),
                "bins": st.integers(1, 40),
                "min_count": st.integers(0, 5),
                "top_k": st.integers(1, 20),
                "max_vocabulary": st.integers(0, 50),
                "integer_categorical_max": st.integers(0, 30),
            },
        )
    )
    if binning:
        cfg["binning"] = binning
    metrics = draw(st.lists(st.sampled_from(list(METRICS)), min_size=1, max_size=3, unique=True))
    if draw(st.booleans()):
        cfg["metrics"] = metrics
        thresholds = {}
        for m in draw(st.lists(st.sampled_from(metrics), max_size=2, unique=True)):
            low, high = sorted(draw(st.tuples(_LEVEL, _LEVEL)))
            thresholds[m] = {"warn": low, "drift": high}
        cfg["thresholds"] = thresholds
    extra = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "base": st.sampled_from([2, "e", 10, 1.5, math.e]),
                "pseudo_count": st.sampled_from([0, 0.5, 1, 1e-9, 3.0]),
                "direction": st.sampled_from(["reference||current", "current||reference"]),
                "threshold_on": st.sampled_from(["plug_in", "bias_corrected"]),
                "event_time": st.sampled_from(["auto", "none"]),
                "significance": st.fixed_dictionaries(
                    {},
                    optional={
                        "enabled": st.booleans(),
                        "alpha": st.sampled_from([0.001, 0.05, 0.5]),
                        "correction": st.sampled_from(["none", "bonferroni", "fdr_bh"]),
                    },
                ),
                "novelty": st.fixed_dictionaries(
                    {},
                    optional={
                        "enabled": st.booleans(),
                        "min_share": st.sampled_from([0.0, 0.005, 0.5]),
                    },
                ),
                "batch_size": st.integers(1, 64),
            },
        )
    )
    cfg.update(extra)
    bad = draw(
        st.one_of(
            st.none(),
            st.sampled_from(
                [
                    ("base", 0.5),
                    ("base", -1),
                    ("pseudo_count", -1),
                    ("binning", {"bins": 0}),
                    ("binning", {"top_k": "ten"}),
                    ("binnig", {"bins": 3}),
                    ("metrics", ["kl"]),
                    ("direction", "left"),
                    ("binning", {"bins": 10_000_000, "method": "uniform"}),
                    ("binning", {"bins": 10**18}),
                    ("noise_floor", {"draws": 10**8}),
                    ("columns", {"a": {"bins": 10**9}}),
                    ("filter", [["a", "in", 3]]),
                ]
            ),
        )
    )
    if bad is not None:
        cfg[bad[0]] = bad[1]
    return cfg


# ---------------------------------------------------------------- the allowed outcomes


def _spellings(name: object) -> set[str]:
    text = str(name)
    return {text, repr(name), repr(text), printable(text), ascii(text), json.dumps(text)}


def _names_something(message: str, names: list[object], keys: tuple[str, ...] = ()) -> bool:
    """The message names one of the columns, an input side, a file or a config key."""
    if any(s and s in message for name in names for s in _spellings(name)):
        return True
    words = ("reference", "current", "profile", "column", "file", *keys)
    return any(w in message for w in words)


def check_report(report: driftkl.DriftReport) -> None:
    """A valid report: known statuses, numbers where promised, strict JSON, renderable."""
    assert report.status in STATUSES
    for feature in report.features:
        assert feature.status in STATUSES, feature.name
        for name, metric in feature.metrics.items():
            assert metric.status in STATUSES, (feature.name, name)
            assert not math.isnan(metric.value), (feature.name, name)  # inf is documented
            for v in (metric.noise_floor, metric.bias_corrected):
                assert v is None or not math.isnan(v), (feature.name, name)
    text = report.to_json()  # allow_nan=False: a NaN anywhere raises here
    again = driftkl.DriftReport.from_dict(json.loads(text))
    assert [f.name for f in again.features] == [f.name for f in report.features]
    assert again.status == report.status
    render_table(report)
    render_markdown(report)


def outcome(call: Any, names: list[object], keys: tuple[str, ...] = ()) -> Any:
    """Run ``call``; its report must be valid, and any error a driftkl error naming the cause."""
    try:
        result = call()
    except DriftklError as exc:
        result = exc
    if isinstance(result, DriftklError):
        message = str(result)
        assert message, type(result).__name__
        assert _names_something(message, names, keys), message
        event(f"error: {type(result).__name__}")
        return result
    if isinstance(result, driftkl.DriftReport):
        check_report(result)
        event("report")
    return result


def _columns(*frames: Any) -> list[object]:
    out: list[object] = []
    for frame in frames:
        out.extend(frame.column_names if isinstance(frame, pa.Table) else list(frame.columns))
    return out


_CONFIG_KEYS = (
    "draws",
    "base",
    "pseudo_count",
    "bins",
    "top_k",
    "binning",
    "metrics",
    "direction",
    "config",
    "threshold",
    "filter",
)


# ---------------------------------------------------------------- the API

_FAR_APART = pa.table({"a": [7.976931348623158e307, -1e308]})  # max - min overflows


@FUZZ
@given(pair=table_pairs())
@example(  # ids beyond 2**53
    pair=(
        pa.table({"h": pa.array([2**63 - 1, -(2**63), None], pa.int64())}),
        pa.table({"h": pa.array([2**53 + 1, 0, 1], pa.int64())}),
    )
)
@example(  # a ns timestamp with a null, tz-naive against tz-aware
    pair=(
        pa.table({"t": pa.array([1, None, 2**62], pa.timestamp("ns"))}),
        pa.table({"t": pa.array([None, None, 5], pa.timestamp("ns", tz="UTC"))}),
    )
)
@example(  # duplicate names, a column only on one side
    pair=(
        pa.Table.from_arrays([pa.array([1, 2]), pa.array(["a", "b"])], names=["x", "x"]),
        pa.table({"y": [1.5, math.nan]}),
    )
)
def test_arrow_tables_give_a_report_or_a_named_error(pair):
    """Reference and current Arrow tables: a valid report, or a driftkl error naming the cause."""
    reference, current = pair
    names = _columns(reference, current)
    outcome(lambda: driftkl.compare(reference, current, noise_floor={"method": "analytic"}), names)


@FUZZ
@given(pair=frame_pairs())
def test_pandas_frames_give_a_report_or_a_named_error(pair):
    """Reference and current DataFrames (object, mixed, NaT, category): a report or an error."""
    reference, current = pair
    names = _columns(reference, current)
    outcome(lambda: driftkl.compare(reference, current, noise_floor={"method": "analytic"}), names)


@FUZZ
@given(pair=table_pairs(), config=configs())
def test_random_configs_give_a_report_or_a_named_error(pair, config):
    """Random configs (some invalid) on random tables: a report, or an error naming the key."""
    reference, current = pair
    names = _columns(reference, current)
    outcome(lambda: driftkl.compare(reference, current, config=config), names, _CONFIG_KEYS)


@FUZZ
@given(pair=table_pairs(), config=configs())
@example(  # values more than the float range apart: quantile edges overflowed to ±inf, NaN
    pair=(_FAR_APART, pa.table({"a": pa.array([], pa.int64())})),
    config={"noise_floor": {"method": "analytic"}},
)
@example(  # the same with equal-width edges: numpy.linspace overflowed
    pair=(_FAR_APART, pa.table({"a": pa.array([], pa.int64())})),
    config={"noise_floor": {"method": "analytic"}, "binning": {"method": "uniform"}},
)
def test_profile_then_compare_gives_a_report_or_a_named_error(pair, config):
    """profile → JSON → load → compare, with random configs: a report or a named error."""
    reference, current = pair
    names = _columns(reference, current)
    prof = outcome(lambda: driftkl.profile(reference, config=config), names, _CONFIG_KEYS)
    assume(isinstance(prof, driftkl.Profile))
    loaded = driftkl.Profile.from_json(prof.to_json())
    assert loaded.content_hash == prof.content_hash
    outcome(lambda: driftkl.compare(loaded, current, config=config), names, _CONFIG_KEYS)


# ---------------------------------------------------------------- Parquet files and folders


def _write_parquet(table: pa.Table, path: Path) -> None:
    try:
        pq.write_table(table, path)
    except (pa.ArrowException, ValueError, TypeError, OverflowError):
        reject()


_UNIQUE_SCHEMA = st.lists(st.tuples(_NAME, _KIND), min_size=1, max_size=4, unique_by=lambda c: c[0])


@FEW
@given(
    parts=st.lists(_UNIQUE_SCHEMA.flatmap(arrow_tables), min_size=2, max_size=3),
    current=arrow_tables(),
)
def test_parquet_folders_with_drifting_schemas_give_a_report_or_a_named_error(parts, current):
    """A folder whose files' schemas differ: a report, or an error naming the file or column."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "ref")
        folder.mkdir()
        for i, part in enumerate(parts):
            _write_parquet(part, folder / f"part-{i}.parquet")
        cur = Path(tmp, "cur.parquet")
        _write_parquet(current, cur)
        names = [*_columns(*parts, current), "part-"]
        outcome(lambda: driftkl.compare(folder, cur, noise_floor={"method": "analytic"}), names)


def test_folder_with_a_duplicate_name_in_a_later_file_names_it(tmp_path):
    """part-0 {b: bool}, part-1 [b: int64, b: null]: an InputError, not a raw KeyError."""
    folder = tmp_path / "ref"
    folder.mkdir()
    pq.write_table(pa.table({"b": pa.array([None], pa.bool_())}), folder / "part-0.parquet")
    twice = pa.Table.from_arrays([pa.array([1]), pa.nulls(1)], names=["b", "b"])
    pq.write_table(twice, folder / "part-1.parquet")
    with pytest.raises(DriftklError, match=r"part-1\.parquet.*duplicate column names \['b'\]"):
        driftkl.compare(folder, pa.table({"b": [1]}))


# ---------------------------------------------------------------- profiles


def _rehash(doc: dict[str, Any]) -> None:
    """Recompute ``content_hash`` as a deliberate forger would (the canonical JSON form)."""
    body = {k: v for k, v in doc.items() if k != "content_hash"}
    try:
        text = json.dumps(body, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError:  # ±inf: no JSON text to hash; the profile must refuse it anyway
        return
    doc["content_hash"] = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False),
    st.text(max_size=4),
    st.just([]),
    st.just({}),
    st.lists(st.integers(-3, 10**20), max_size=4),
    st.lists(st.floats(allow_nan=False), max_size=4),
    st.just([[[[[[[[[[[]]]]]]]]]]]),
    st.sampled_from(["numeric", "categorical", "datetime", "quantile", "inf", "-inf"]),
)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out.extend(_paths(v, (*prefix, i)))
    return out


@st.composite
def mutated(
    draw: st.DrawFn, doc: dict[str, Any], junk: st.SearchStrategy[Any] = _JUNK
) -> tuple[dict[str, Any], tuple[Any, ...]]:
    """``doc`` with one to three values replaced, deleted or duplicated."""
    doc = copy.deepcopy(doc)
    first: tuple[Any, ...] = ()
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        path = draw(st.sampled_from(paths))
        first = first or path
        parent: Any = doc
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
        if action == "replace":
            parent[path[-1]] = copy.deepcopy(draw(junk))  # st.just(): one shared object
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
        else:
            parent[path[-1]] = [parent[path[-1]], copy.deepcopy(parent[path[-1]])]
    return doc, first


_SAMPLE = pa.table(
    {
        "amount": pa.array([0.5, 1.0, 2.0, None, 8.0, 3.0] * 5),
        "city": pa.array(["a", "b", "a", "c", None, "a"] * 5),
        "when": pa.array([1, 2, None, 4, 5, 6] * 5, pa.timestamp("ns")),
    }
)


@pytest.fixture(scope="module")
def profile_doc() -> dict[str, Any]:
    """A genuine profile of the sample table, as a dict."""
    return driftkl.profile(_SAMPLE).to_dict()


@FUZZ
@given(data=st.data(), rehash=st.booleans())
def test_tampered_profiles_load_or_raise_a_profile_error(profile_doc, data, rehash):
    """A tampered profile (hash recomputed or not) loads and compares, or is a named error."""
    doc, path = data.draw(mutated(profile_doc))
    if rehash:
        _rehash(doc)
    loaded = outcome(lambda: driftkl.Profile.from_dict(doc), [], ("profile",))
    if isinstance(loaded, DriftklError):
        assert "profile" in str(loaded), path
        return
    assert isinstance(loaded, driftkl.Profile)
    outcome(
        lambda: driftkl.compare(loaded, _SAMPLE, noise_floor={"method": "analytic"}),
        ["amount", "city", "when"],
    )


@FEW
@given(
    cut=st.integers(min_value=0, max_value=5000),
    token=st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "9" * 5000, "[" * 5000]),
)
def test_tampered_profile_files_load_or_name_the_file(profile_doc, cut, token):
    """A truncated file, or one with a non-JSON token, is a ProfileError naming the file."""
    text = json.dumps(profile_doc, indent=2)
    with tempfile.TemporaryDirectory() as tmp:
        truncated = Path(tmp, "cut.json")
        truncated.write_text(text[: min(cut, len(text) - 1)], encoding="utf-8")
        spliced = Path(tmp, "token.json")
        spliced.write_text(text.replace('"rows": 30', f'"rows": {token}'), encoding="utf-8")
        for path in (truncated, spliced):
            err = outcome(lambda p=path: driftkl.Profile.load(p), [], ())
            assert isinstance(err, DriftklError), path.name
            assert path.name in str(err)


# ---------------------------------------------------------------- the exporter


@pytest.fixture(scope="module")
def report_doc() -> dict[str, Any]:
    """A genuine saved report of the sample table against itself, as a dict."""
    report = driftkl.compare(_SAMPLE, _SAMPLE, dataset="fuzzed")
    return json.loads(report.to_json())


_REPORT_JUNK = st.one_of(
    _JUNK,
    st.sampled_from(
        ["\ud800", "2026-13-45T00:00:00", "nan", "-inf", 10**400, -1, "drift", "unknown", "\x1b[2J"]
    ),
)
_NOT_JSON = [b"", b"{", b'{"schema": "driftkl.report", "x": NaN}', b"[" * 100_000, b"\xff\xfe"]


@FUZZ
@given(data=st.data())
def test_tampered_report_dicts_rebuild_or_raise_an_input_error(report_doc, data):
    """DriftReport.from_dict (the XCom form) rebuilds a tampered dict or names the problem.

    It checks structure, not values: a rebuilt report may hold values no exposition accepts
    (the exporter checks those and skips the file, see the test below).
    """
    doc, _ = data.draw(mutated(report_doc, _REPORT_JUNK))
    try:
        rebuilt: object = driftkl.DriftReport.from_dict(doc)
    except DriftklError as exc:
        rebuilt = exc
    if isinstance(rebuilt, DriftklError):
        assert "report" in str(rebuilt)
    else:
        assert isinstance(rebuilt, driftkl.DriftReport)


def test_report_dict_without_metrics_is_an_input_error(report_doc):
    """A report dict missing a feature's metrics was a raw KeyError; now an InputError."""
    doc = copy.deepcopy(report_doc)
    del doc["features"][0]["metrics"]
    with pytest.raises(DriftklError, match="not a valid driftkl report.*missing key 'metrics'"):
        driftkl.DriftReport.from_dict(doc)


@FUZZ
@given(data=st.data(), garbage=st.one_of(st.none(), st.sampled_from(_NOT_JSON)))
def test_exporter_skips_tampered_reports_and_keeps_the_others(report_doc, data, garbage):
    """A tampered report never fails a scrape; another dataset's report is still exported."""
    doc, _ = data.draw(mutated(report_doc, _REPORT_JUNK))
    keeper = copy.deepcopy(report_doc)
    keeper["dataset"] = "keeper"
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "keeper.json").write_text(json.dumps(keeper), encoding="utf-8")
        text = json.dumps(doc, allow_nan=True, ensure_ascii=data.draw(st.booleans()))
        raw = text.encode("utf-8", "surrogatepass") if garbage is None else garbage
        Path(tmp, "tampered.json").write_bytes(raw)
        collector = ReportDirectoryCollector(tmp)
        reports, invalid = collector.scan()
        exposition = generate_latest(fresh_registry(collector)).decode("utf-8")
    assert "keeper" in [r.dataset for r in reports]
    assert len(reports) + sum(invalid.values()) <= 2
    assert "driftkl_exporter_reports" in exposition


# ---------------------------------------------------------------- the CLI


@CLI
@given(
    pair=table_pairs(),
    config=st.one_of(st.none(), configs()),
    fail=st.booleans(),
    fmt=st.sampled_from(["table", "json", "markdown"]),
)
def test_cli_exits_0_2_or_3_and_1_only_on_drift(pair, config, fail, fmt):
    """``driftkl compare`` on random Parquet files: exit 0, 2, 3, or 1 only for real drift."""
    reference, current = pair
    with tempfile.TemporaryDirectory() as tmp:
        ref, cur = Path(tmp, "ref.parquet"), Path(tmp, "cur.parquet")
        _write_parquet(reference, ref)
        _write_parquet(current, cur)
        out = Path(tmp, "report.json")
        args: list[str | Path] = ["compare", ref, cur, "--format", fmt, "-o", out, "--no-progress"]
        if config is not None:
            config.setdefault("noise_floor", {"method": "analytic"})
            cfg = Path(tmp, "drift.yaml")
            cfg.write_text(yaml.safe_dump(config), encoding="utf-8")
            args += ["--config", cfg]
        if fail:
            args.append("--fail-on-drift")
        proc = run_cli(*args, timeout=120)
        saved = out.read_text(encoding="utf-8") if proc.returncode in {0, 1} else None
    assert proc.returncode in {0, 1, 2, 3}, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    if saved is not None:
        report = json.loads(saved)
        assert report["summary"]["status"] in STATUSES
        drifted = report["summary"]["status"] == "drift"
        assert (proc.returncode == 1) == (fail and drifted), saved[-500:]
        assert "\x1b" not in proc.stdout  # hostile names reach the terminal escaped
    if proc.returncode == 2:
        assert proc.stderr.startswith("driftkl: error:"), proc.stderr


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"binning": {"bins": 10_000_000, "method": "uniform"}}, "binning.bins"),
        ({"binning": {"bins": 10**18}}, "binning.bins"),
        ({"noise_floor": {"draws": 10**8}}, "noise_floor.draws"),
        ({"columns": {"a": {"bins": 10**9}}}, "columns.a.bins"),
        ({"columns": {"a": {"edges": list(range(20_000))}}}, "columns.a.edges"),
    ],
)
def test_sizes_that_would_exhaust_memory_are_config_errors(config, key):
    """Huge bins, edges or draws are a ConfigError naming the key (was a MemoryError, exit 4)."""
    with pytest.raises(DriftklError, match=key.replace(".", r"\.")):
        driftkl.compare(_SAMPLE, _SAMPLE, config=config)


@pytest.mark.parametrize("value", [3, "3", None])
def test_scalar_value_for_an_in_filter_is_a_config_error(value):
    """`[a, in, 3]` was a raw TypeError (exit 4) and `"3"` a test on characters: ConfigError."""
    with pytest.raises(DriftklError, match="filter condition.*needs a list of values"):
        driftkl.compare(_SAMPLE, _SAMPLE, filter=[["amount", "in", value]])


@pytest.mark.parametrize("method", ["quantile", "uniform"])
def test_edges_of_values_more_than_the_float_range_apart_are_finite(method):
    """Edges of -1e308 and 8e307 are finite and increasing; the profile saves and reloads."""
    prof = driftkl.profile(_FAR_APART, binning={"method": method, "bins": 4})
    edges = np.asarray(prof.features[0].bins.edges)
    assert np.isfinite(edges).all()
    assert (np.diff(edges) > 0).all()
    assert edges[0] == -1e308
    assert edges[-1] == 7.976931348623158e307
    again = driftkl.Profile.from_json(prof.to_json())
    check_report(driftkl.compare(again, _FAR_APART))


def test_date_and_decimal_columns_with_nulls_are_binned():
    """date32 and decimal128 columns with nulls give features, with their nulls as missing."""
    day = dt.date(2026, 1, 1)
    table = pa.table(
        {
            "d": pa.array([day, None, day + dt.timedelta(days=3)] * 10, pa.date32()),
            "m": pa.array([decimal.Decimal("1.25"), None, decimal.Decimal(-3)] * 10),
        }
    )
    report = driftkl.compare(table, table)
    check_report(report)
    assert [f.name for f in report.features] == ["d", "m"]
    assert report["m"].kind == "numeric"
    assert report["m"].missing_share == pytest.approx(1 / 3)
