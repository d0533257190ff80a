"""The exception a drift check ends with when it finds drift and ``on_drift="fail"``."""

from __future__ import annotations

from driftkl.integrations.airflow.version_compat import AirflowFailException

__all__ = ["DriftDetected"]


class DriftDetected(AirflowFailException):
    """Drift was found: the task fails without retry (the data would not change).

    An ``AirflowFailException``, so Airflow fails the task at once whatever its ``retries``,
    and a failure callback can tell drift from a crash by its type. Its message is one line
    (``drift in orders: amount, country (2 of 7 features); ...``); the check logs the
    per-feature table just before raising it. Airflow's task runner still prints the frames of
    every exception that fails a task (there is no supported way to fail without one), so the
    table and this message are the lines to read; the frames below them are Airflow's own.
    """
