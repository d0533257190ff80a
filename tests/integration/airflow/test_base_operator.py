"""BaseDriftklOperator: the error policy (fail at once vs keep retries) and Asset outlet events."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from airflow.sdk import Asset, AssetAlias

from driftkl import errors
from driftkl.integrations.airflow import DriftCheckOperator
from driftkl.integrations.airflow.operators.base import BaseDriftklOperator, error_policy
from driftkl.integrations.airflow.version_compat import AirflowFailException

pytestmark = pytest.mark.airflow


class RecordingOperator(BaseDriftklOperator):
    """A driftkl operator that remembers which core errors it was told about."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen: list[Exception] = []

    def on_core_error(self, exc):
        self.seen.append(exc)


def _raise(exc):
    raise exc


def test_core_result_and_arguments_pass_through():
    """call_core forwards positional and keyword arguments and returns the core's value."""
    op = RecordingOperator(task_id="t")
    assert op.call_core(lambda a, /, *, b: (a, b), 1, b=2) == (1, 2)
    assert op.seen == []


def test_config_error_fails_without_retry():
    """A ConfigError becomes AirflowFailException (no retry) carrying the core's message."""
    op = RecordingOperator(task_id="t")
    cause = errors.ConfigError("unknown key 'bse'. Hint: did you mean 'base'?")
    with pytest.raises(AirflowFailException, match="driftkl configuration error: unknown key") as e:
        op.call_core(_raise, cause)
    assert e.value.__cause__ is cause
    assert op.seen == [cause]


@pytest.mark.parametrize(
    "cause",
    [
        errors.InputError("no rows"),
        errors.ColumnNotFoundError("column 'x' is missing"),
    ],
)
def test_data_errors_are_reraised_to_keep_retries(cause):
    """Input errors propagate unchanged, so the task keeps its retries (data may land late)."""
    op = RecordingOperator(task_id="t")
    with pytest.raises(type(cause)) as e:
        op.call_core(_raise, cause)
    assert e.value is cause
    assert op.seen == [cause]


def test_tampered_profile_fails_without_retry():
    """A ProfileError (edited or damaged profile) fails at once: a retry would fail the same."""
    op = RecordingOperator(task_id="t")
    cause = errors.ProfileError("profile 'p.json' fails its content hash check")
    with pytest.raises(AirflowFailException, match="driftkl profile error: profile 'p.json'"):
        op.call_core(_raise, cause)
    assert op.seen == [cause]


def test_other_exceptions_are_reraised_and_reported():
    """A crash keeps its type and the retries, and still reaches on_core_error (the metric)."""
    op = RecordingOperator(task_id="t")
    cause = RuntimeError("boom")
    with pytest.raises(RuntimeError, match="boom") as e:
        op.call_core(_raise, cause)
    assert e.value is cause
    assert op.seen == [cause]


@pytest.mark.parametrize("name", errors.__all__)
def test_every_driftkl_error_has_a_policy(name):
    """Each error class has a policy; only configuration and profile errors skip the retries."""
    kind = getattr(errors, name)
    exc = kind("dask", "engine='dask'") if kind is errors.MissingExtraError else kind("x")
    no_retry = (errors.ConfigError, errors.ProfileError)
    assert error_policy(exc).retry is not isinstance(exc, no_retry)


def test_asset_extra_goes_to_asset_outlets_only():
    """emit_asset_extra updates each Asset outlet's event and ignores other outlet kinds."""
    orders = Asset(name="orders", uri="file:///orders")
    report = Asset(name="report", uri="file:///report.json")
    op = RecordingOperator(task_id="t", outlets=[orders, AssetAlias(name="alias"), report])
    events = {orders: SimpleNamespace(extra={"kept": 1}), report: SimpleNamespace(extra={})}
    op.emit_asset_extra({"outlet_events": events}, {"driftkl_status": "ok"})
    assert events[orders].extra == {"kept": 1, "driftkl_status": "ok"}
    assert events[report].extra == {"driftkl_status": "ok"}


def test_drift_check_config_error_is_not_masked_by_a_failed_failure_push():
    """An undefined Pushgateway connection does not hide the config error that failed the check."""
    bad_config = {"task_id": "t", "reference": "r.parquet", "current": "c/", "config": {"bse": 2}}
    op = DriftCheckOperator(**bad_config, dataset="orders", prometheus_conn_id="no_such_connection")
    with pytest.raises(AirflowFailException, match="driftkl configuration error"):
        op.execute({})
