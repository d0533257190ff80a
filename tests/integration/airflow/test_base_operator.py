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
        errors.ProfileError("bad hash"),
    ],
)
def test_data_errors_are_reraised_to_keep_retries(cause):
    """Input and profile errors propagate unchanged, so the task keeps its retries."""
    op = RecordingOperator(task_id="t")
    with pytest.raises(type(cause)) as e:
        op.call_core(_raise, cause)
    assert e.value is cause
    assert op.seen == [cause]


def test_other_exceptions_pass_untouched():
    """A non-driftkl error is neither translated nor reported to on_core_error."""
    op = RecordingOperator(task_id="t")
    with pytest.raises(RuntimeError, match="boom"):
        op.call_core(_raise, RuntimeError("boom"))
    assert op.seen == []


@pytest.mark.parametrize("name", errors.__all__)
def test_every_driftkl_error_has_a_policy(name):
    """Each error class has a policy; only configuration errors skip the retries."""
    kind = getattr(errors, name)
    exc = kind("dask", "engine='dask'") if kind is errors.MissingExtraError else kind("x")
    assert error_policy(exc).retry is not isinstance(exc, errors.ConfigError)


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
