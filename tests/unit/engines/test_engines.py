"""Engines plug in through the protocol: any merge order gives bit-identical results."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

import driftkl
from driftkl.engines import registry
from driftkl.errors import ConfigError


class ShuffledTreeEngine:
    """A test engine: batches in a random order, merged pairwise in a random tree."""

    name = "shuffled"

    def __init__(self, execution) -> None:
        self.rng = random.Random(execution.threads or 0)  # noqa: S311 - a test's merge order

    def map_reduce(self, source, passes, work, merge, *, label):  # noqa: ARG002 - no progress
        for cols in passes:
            parts = [work(b) for b in source.batches(cols)]
            self.rng.shuffle(parts)
            while len(parts) > 1:
                i = self.rng.randrange(len(parts) - 1)
                parts[i : i + 2] = [merge(parts[i], parts[i + 1])]
            yield parts[0] if parts else None


@dataclass
class FakeEntryPoint:
    name: str
    target: type

    def load(self) -> type:
        return self.target


@pytest.fixture
def shuffled(monkeypatch):
    """Register ShuffledTreeEngine under the entry-point group, as a plugin package would."""
    real = registry.entry_points

    def entry_points(*, group):
        found = list(real(group=group))
        if group == registry.ENTRY_POINT_GROUP:
            found.append(FakeEntryPoint("shuffled", ShuffledTreeEngine))
        return found

    monkeypatch.setattr(registry, "entry_points", entry_points)


def _data(seed: int, shift: float, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.normal(shift, 1, n),
            "k": rng.integers(0, 9, n),
            "c": rng.choice(list("abcdefg"), n),
            "big": rng.integers(0, 10**6, n).astype(float),
        }
    )


def _strip(report: driftkl.DriftReport) -> dict:
    d = report.to_dict()
    for k in ("created_at", "duration_seconds"):
        d.pop(k)
    return d


@pytest.mark.usefixtures("shuffled")
def test_a_plugin_engine_gives_bit_identical_reports():
    """An entry-point engine merging in random trees gives exactly the local engine's report."""
    assert "shuffled" in registry.engine_names()
    ref, cur = _data(1, 0.0, 20_000), _data(2, 0.1, 9_000)
    base = _strip(driftkl.compare(ref, cur, batch_size=1_000))
    for seed in (1, 2, 3):
        got = driftkl.compare(ref, cur, engine="shuffled", threads=seed, batch_size=1_000)
        assert _strip(got) == base


@pytest.mark.usefixtures("shuffled")
def test_streaming_fit_is_merge_order_independent():
    """The streaming quantile passes (sketch, windows, gather) merge in any order exactly."""
    ref = _data(3, 0.0, 200_000)  # 1.6 MB per numeric column: over a 1 MiB budget
    small = {"binning": {"reference_memory_mib": 1}, "batch_size": 20_000}
    base = driftkl.profile(ref, **small)
    assert base.to_dict()["features"] == driftkl.profile(ref).to_dict()["features"]
    for seed in (1, 2):
        prof = driftkl.profile(ref, engine="shuffled", threads=seed, **small)
        assert prof.fingerprint == base.fingerprint


def test_unknown_engine_names_the_available_ones():
    """An engine name nobody registered is a ConfigError listing the known engines."""
    with pytest.raises(
        ConfigError, match=r"engine 'ray' is not known; available: local, dask, spark"
    ):
        driftkl.compare(_data(1, 0, 100), _data(2, 0, 100), engine="ray")


def test_novel_range_is_the_same_whatever_the_batch_size():
    """An infinity below the range does not make a batch's in-range minimum "novel"."""
    ref = pd.DataFrame({"x": np.linspace(-3.0, 3.0, 2_000)})
    x = np.linspace(-1.0, 4.0, 2_000)
    x[[10, 1500]] = -np.inf
    cur = pd.DataFrame({"x": x})
    novelty = {
        size: driftkl.compare(ref, cur, batch_size=size)["x"].to_dict()["novelty"]
        for size in (100, 777, 2_000)
    }
    assert novelty[100] == novelty[777] == novelty[2_000]
    assert "current_min" not in novelty[100]  # only -inf fell below: no finite novel minimum
    assert novelty[100]["current_max"] == 4.0


def test_profiles_hash_the_same_whatever_the_execution_settings():
    """Engine, threads, scheduler and batch size never change a profile or its hash."""
    ref = _data(4, 0.0, 5_000)
    base = driftkl.profile(ref)
    other = driftkl.profile(ref, threads=1, batch_size=777)
    assert other.fingerprint == base.fingerprint
    assert not set(base.config) & {"engine", "threads", "scheduler", "batch_size"}
