"""Reference profiles: save/load, determinism, integrity checks, merging."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

import driftkl
from driftkl.model.profile import PROFILE_FORMAT_VERSION


@pytest.fixture
def frame():
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "a": rng.normal(size=3000),
            "c": rng.choice(["x", "y", "z"], 3000),
            "t": pd.date_range("2026-01-01", periods=3000, freq="min"),
        }
    )


def test_save_load_round_trip_gives_identical_report(tmp_path, frame):
    """A saved and reloaded profile compares exactly like the in-memory one."""
    prof = driftkl.profile(frame)
    path = prof.save(tmp_path / "p.json")
    loaded = driftkl.Profile.load(path)
    assert loaded == prof
    cur = frame.sample(frac=0.5, random_state=1)
    a = driftkl.compare(prof, cur)
    b = driftkl.compare(loaded, cur)
    assert a.features == b.features
    by_path = driftkl.compare(str(path), cur)  # a profile path works like the loaded profile
    assert by_path.features == a.features
    assert driftkl.compare(path, cur).reference["profile_hash"] == prof.fingerprint


def test_profile_json_is_deterministic_and_has_metadata(tmp_path, frame):
    """The JSON is sorted and stable, and records provenance."""
    prof = driftkl.profile(frame, dataset="orders")
    text1 = prof.to_json()
    text2 = driftkl.Profile.load(prof.save(tmp_path / "p.json")).to_json()
    assert text1 == text2
    d = json.loads(text1)
    assert list(d) == sorted(d)
    assert d["format_version"] == PROFILE_FORMAT_VERSION
    assert d["rows"] == 3000
    assert d["source"]["schema"]["a"] == "double"
    assert d["source"]["schema_fingerprint"].startswith("sha256:")
    assert d["config"]["dataset"] == "orders"
    assert d["driftkl_version"] == driftkl.__version__
    assert d["content_hash"] == prof.content_hash


def test_tampered_profile_is_rejected(tmp_path, frame):
    """Editing a count breaks the content hash and loading names the file."""
    path = driftkl.profile(frame).save(tmp_path / "p.json")
    d = json.loads(path.read_text())
    d["features"][0]["counts"][1] += 1
    path.write_text(json.dumps(d))
    with pytest.raises(driftkl.ProfileError, match=r"p\.json.*content hash"):
        driftkl.Profile.load(path)


def test_other_format_version_is_rejected(tmp_path, frame):
    """A profile of another format version gets a clear error with the fix."""
    prof = driftkl.profile(frame)
    d = prof.to_dict()
    d["format_version"] = 99
    path = tmp_path / "v99.json"
    path.write_text(json.dumps(d))
    with pytest.raises(driftkl.ProfileError, match="format version 99.*rebuild"):
        driftkl.Profile.load(path)


def test_truncated_profile_is_rejected(tmp_path, frame):
    """A truncated profile file is reported as such, not as a JSON traceback."""
    path = driftkl.profile(frame).save(tmp_path / "p.json")
    path.write_text(path.read_text()[:200])
    with pytest.raises(driftkl.ProfileError, match="not valid JSON.*truncated"):
        driftkl.Profile.load(path)


def test_merge_of_partitions_equals_whole(frame):
    """Counting partitions with the same bins and merging equals counting the whole."""
    first = driftkl.profile(frame.iloc[:1000])
    parts = [driftkl.profile(frame.iloc[i : i + 1000], bins=first) for i in (1000, 2000)]
    merged = first.merge(parts[0]).merge(parts[1])
    whole = driftkl.profile(frame, bins=first)
    assert merged.rows == whole.rows == 3000
    for m, w in zip(merged.features, whole.features, strict=True):
        assert m.counts == w.counts
        assert m.bins == w.bins


def test_merge_with_different_bins_is_an_error(frame):
    """Profiles fitted separately have different bins and cannot be merged."""
    a = driftkl.profile(frame.iloc[:1000])
    b = driftkl.profile(frame.iloc[1000:])
    with pytest.raises(driftkl.ProfileError, match="bins differ"):
        a.merge(b)


def test_a_report_rebuilt_from_its_xcom_form_keeps_its_row_counts():
    """from_dict(to_dict(bins=False)) (what XCom carries) keeps n_reference and n_current."""
    ref = pd.DataFrame({"x": np.arange(500.0), "c": ["a", "b"] * 250})
    cur = pd.DataFrame({"x": np.arange(300.0), "c": ["a"] * 300})
    report = driftkl.compare(ref, cur)
    back = driftkl.DriftReport.from_dict(report.to_dict(bins=False))
    for a, b in zip(report.features, back.features, strict=True):
        assert (b.n_reference, b.n_current) == (a.n_reference, a.n_current) == (500, 300)
    full = driftkl.DriftReport.from_dict(report.to_dict())
    assert full.features[0].n_current == 300 and full.features[0].reference_rows is None


def test_the_fingerprint_is_what_the_profile_means_not_when_it_was_built():
    """Same data and settings: same fingerprint (the report's profile_hash), other hashes."""
    frame = pd.DataFrame({"x": np.arange(200.0), "c": ["a", "b"] * 100})
    a, b = driftkl.profile(frame), driftkl.profile(frame)
    b = dataclasses.replace(b, created_at="2001-01-01T00:00:00+00:00", source={"description": "x"})
    assert a.fingerprint == b.fingerprint
    assert a.content_hash != b.content_hash  # the file's integrity check covers everything
    assert driftkl.profile(frame, binning={"bins": 5}).fingerprint != a.fingerprint
