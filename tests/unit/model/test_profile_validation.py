"""Hostile profiles with a correctly recomputed hash are refused by key path, cheaply.

A content hash proves a profile was not damaged by accident, not that whoever wrote it meant
well: every part is checked before use, and the caps bound the work whatever the file holds.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import time
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pytest

import driftkl
from driftkl.errors import ProfileError
from driftkl.model.profile import ProfileLimits

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


@pytest.fixture(scope="module")
def valid() -> dict[str, Any]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=300), "c": rng.choice(["x", "y", "z"], 300)})
    return driftkl.profile(frame).to_dict()


def _rehash(d: dict[str, Any]) -> dict[str, Any]:
    """What an attacker does: recompute the hash over the edited body."""
    body = {k: v for k, v in d.items() if k != "content_hash"}
    text = json.dumps(body, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=True)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    d["content_hash"] = f"sha256:{digest}"
    return d


def _write(tmp_path: Path, d: dict[str, Any], text: str | None = None) -> Path:
    path = tmp_path / "hostile.json"
    body = json.dumps(_rehash(d)) if text is None else text
    path.write_bytes(body.encode("utf-8", "surrogatepass"))
    return path


def _set(path: list[Any], /, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(d: dict[str, Any]) -> None:
        node = d
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit


def _nested(depth: int) -> Any:
    node: Any = 1
    for _ in range(depth):
        node = {"a": node}
    return node


def _repeat_first_category(d: dict[str, Any]) -> None:
    cats = d["features"][1]["bins"]["categories"]
    cats[1] = cats[0]


CASES = {
    "non-monotonic edges": (
        _set(["features", 0, "bins", "edges", 3], -100.0),
        r"features\[0\]\.bins\.edges\[3\] is -100.0, not above the edge before it",
    ),
    "unknown kind": (
        _set(["features", 0, "kind"], "weird"),
        r"features\[0\]\.kind is the string 'weird'; expected one of",
    ),
    "unknown bins type": (
        _set(["features", 0, "bins", "type"], "histogram"),
        r"features\[0\]\.bins\.type is the string 'histogram'",
    ),
    "kind and bins disagree": (
        _set(["features", 0, "kind"], "datetime"),
        r"features\[0\]\.bins\.type does not match the kind 'datetime'",
    ),
    "no features": (_set(["features"], []), r"features is empty"),
    "10^30 counts": (_set(["features", 0, "counts", 1], 10**30), r"counts\[1\] is a number too"),
    "negative count": (_set(["features", 0, "counts", 1], -1), r"counts\[1\] is -1, outside"),
    "fractional count": (_set(["features", 0, "counts", 1], 1.5), r"must be an integer"),
    "boolean count": (_set(["features", 0, "counts", 1], value=True), r"must be an integer"),
    "counts for other bins": (_set(["features", 0, "counts"], [1, 2]), r"2 counts for 13 bins"),
    "counts off the rows": (
        _set(["features", 0, "counts", 1], 5),
        r"features\[0\]\.counts add up to \d+ rows, but the profile has 300 rows",
    ),
    "deep nesting": (_set(["config", "x"], _nested(40)), r"config\.x\.a.* nested more than 32"),
    "duplicate names": (
        lambda d: d["features"].append(copy.deepcopy(d["features"][0])),
        r"features\[2\]\.name repeats the feature name 'a' of features\[0\]",
    ),
    "category not a string": (
        _set(["features", 1, "bins", "categories", 0], 3),
        r"features\[1\]\.bins\.categories\[0\] must be a string, not the number 3",
    ),
    "repeated category": (
        lambda d: _set(
            ["features", 1, "bins", "categories", 1], d["features"][1]["bins"]["categories"][0]
        )(d),
        r"features\[1\]\.bins\.categories\[1\] repeats the category",
    ),
    "lone surrogate": (
        _set(["features", 0, "name"], "a\ud800"),
        r"features\[0\]\.name holds text that is not valid Unicode",
    ),
    "features not a list": (_set(["features"], {}), r"features is an object"),
    "bins not an object": (_set(["features", 0, "bins"], []), r"bins must be an object"),
    "no edges": (_set(["features", 0, "bins", "edges"], []), r"edges is empty"),
    "source not an object": (_set(["source"], []), r"source must be an object"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_profile_is_refused_with_its_key_path(case, valid, tmp_path):
    """Each hostile edit with a recomputed hash is a ProfileError naming file and key path."""
    edit, message = CASES[case]
    d = copy.deepcopy(valid)
    edit(d)
    path = _write(tmp_path, d)
    with pytest.raises(ProfileError, match=r"hostile\.json': .*" + message + r".*Hint"):
        driftkl.Profile.load(path)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_tokens_are_refused(token, valid, tmp_path):
    """NaN/Infinity tokens are not JSON: refused by name before anything is used."""
    text = json.dumps(_rehash(copy.deepcopy(valid))).replace('"rows": 300', f'"rows": {token}')
    with pytest.raises(ProfileError, match=rf"holds the token {token}, which is not JSON"):
        driftkl.Profile.load(_write(tmp_path, valid, text))


def test_nan_read_by_another_json_parser_is_refused_with_its_key(valid):
    """A dict from a lenient parser (NaN as a float) is refused at the key holding it."""
    d = copy.deepcopy(valid)
    d["features"][0]["bins"]["edges"][2] = float("nan")
    with pytest.raises(ProfileError, match=r"features\[0\]\.bins\.edges\[2\] is nan"):
        driftkl.Profile.from_dict(_rehash(d))


def test_five_million_edges_fail_fast_before_the_hash(valid, tmp_path):
    """5 million edges are refused by size in seconds, before hashing or building labels."""
    d = copy.deepcopy(valid)
    d["features"][0]["bins"]["edges"] = [float(i) for i in range(5_000_000)]
    path = _write(tmp_path, d)
    started = time.perf_counter()
    with pytest.raises(ProfileError, match=r"edges has 5000000 entries, more than any limit"):
        driftkl.Profile.load(path)
    assert time.perf_counter() - started < 20


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "cannot be read as JSON"),
        ('{"rows": ' + "9" * 5_000 + "}", "cannot be read as JSON"),
        ('{"format": "driftkl.profile"', "not valid JSON.*truncated"),
    ],
    ids=["deeply nested", "5000-digit number", "truncated"],
)
def test_unreadable_json_is_a_profile_error(text, message, tmp_path):
    """Recursion, huge numbers and truncation give a ProfileError, not a json traceback."""
    path = tmp_path / "p.json"
    path.write_text(text)
    with pytest.raises(ProfileError, match=message):
        driftkl.Profile.load(path)


def test_non_utf8_and_non_regular_files_are_refused(tmp_path):
    """A profile that is not UTF-8, or a folder or FIFO in its place, is a ProfileError."""
    path = tmp_path / "p.json"
    path.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(ProfileError, match="not UTF-8 text"):
        driftkl.Profile.load(path)
    with pytest.raises(ProfileError, match="not a regular file"):
        driftkl.Profile.load(tmp_path)
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(ProfileError, match="not a regular file"):
        driftkl.Profile.load(fifo)  # would block forever if it were opened


def test_limits_are_configurable(valid):
    """ProfileLimits caps features, edges and bytes; a valid profile passes the defaults."""
    text = json.dumps(valid)
    assert driftkl.Profile.from_json(text).rows == 300
    with pytest.raises(ProfileError, match=r"features has 2 entries, more than the limit of 1"):
        driftkl.Profile.from_json(text, limits=ProfileLimits(max_features=1))
    with pytest.raises(ProfileError, match=r"edges has \d+ entries, more than the limit of 3"):
        driftkl.Profile.from_json(text, limits=ProfileLimits(max_edges=3))
    with pytest.raises(ProfileError, match="larger than the limit of 100 bytes"):
        driftkl.Profile.from_json(text, limits=ProfileLimits(max_bytes=100))
