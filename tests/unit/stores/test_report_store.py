"""ReportStore: put by dataset and time, reports(dataset, since), odd names, damaged files."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import driftkl
from driftkl.errors import InputError

RNG = np.random.default_rng(5)
REF = pd.DataFrame({"x": RNG.normal(size=500), "c": RNG.choice(["a", "b"], 500)})


def _report(dataset="orders", shift=0.0):
    return driftkl.compare(REF, REF.assign(x=REF["x"] + shift), dataset=dataset)


@pytest.fixture(params=["path", "file_url", "memory"])
def store(request, tmp_path):
    if request.param == "path":
        return driftkl.ReportStore(tmp_path / "reports")
    if request.param == "file_url":
        return driftkl.ReportStore((tmp_path / "reports").as_uri())
    return driftkl.ReportStore(f"memory://driftkl-test-{uuid.uuid4().hex}/reports")


def test_reports_come_back_equal_in_time_order_filtered(store):
    """Reports round-trip; they sort by filing time; dataset and since filter them."""
    ok, drifted, users = _report(), _report(shift=1.0), _report("users")
    store.put(drifted, at="2026-11-03")
    store.put(ok, at=dt.date(2026, 11, 1))
    store.put(users, at=dt.datetime(2026, 11, 2, 6, tzinfo=dt.timezone.utc))
    assert store.reports(dataset="orders") == [ok, drifted]
    assert store.reports() == [ok, users, drifted]
    assert store.reports(dataset="orders", since="2026-11-02") == [drifted]
    assert store.reports(since="2026-11-02T06:00:00+00:00") == [users, drifted]
    assert store.datasets() == ["orders", "users"]
    assert store.reports(dataset="nobody") == []


def test_the_same_report_twice_is_one_file_and_default_time_is_created_at(tmp_path):
    """Saving twice is idempotent; without at= the report's created_at files it."""
    store = driftkl.ReportStore(tmp_path)
    r = _report()
    assert store.put(r) == store.put(r)
    (path,) = (tmp_path / "orders").iterdir()
    stamp = driftkl.stores.reports.as_utc(r.created_at).strftime("%Y-%m-%dT%H-%M-%SZ")
    assert path.name.startswith(stamp)


def test_dataset_names_cannot_escape_the_store(tmp_path):
    """'..', slashes and unicode in a dataset name stay inside one encoded folder."""
    store = driftkl.ReportStore(tmp_path / "s")
    for name in ["..", "a/b", "größe ✓", "."]:
        store.put(_report(name), at="2026-11-01")
    assert sorted(store.datasets()) == sorted(["..", "a/b", "größe ✓", "."])
    assert [r.dataset for r in store.reports(dataset="a/b")] == ["a/b"]
    assert not (tmp_path / "a").exists()


def test_damaged_report_file_is_named(tmp_path):
    """A stored file that is not a report raises an InputError naming it."""
    store = driftkl.ReportStore(tmp_path)
    written = store.put(_report(), at="2026-11-01")
    Path(written).write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"orders/2026-11-01T00-00-00Z_.*not a readable"):
        store.reports()


def test_bad_since_and_bad_put_are_clear_errors(tmp_path):
    """since must be an ISO time; put takes a DriftReport."""
    store = driftkl.ReportStore(tmp_path)
    with pytest.raises(InputError, match="since 'yesterday' is not an ISO date"):
        store.reports(since="yesterday")
    with pytest.raises(InputError, match="takes a DriftReport"):
        store.put({"dataset": "x"})
