"""``DriftCheckOperator``: compare current data with a reference profile as an Airflow task."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

import driftkl
from driftkl.config import load_config
from driftkl.integrations.airflow._io import resolve_reference
from driftkl.integrations.airflow._metadata import asset_metadata
from driftkl.integrations.airflow.errors import DriftDetected
from driftkl.integrations.airflow.hooks.pushgateway import PushgatewayHook
from driftkl.integrations.airflow.links import DriftReportLink, GrafanaDashboardLink
from driftkl.integrations.airflow.log_table import DEFAULT_MAX_ROWS, render_log_table
from driftkl.integrations.airflow.operators.base import BaseDriftklOperator, OutputFailures
from driftkl.integrations.airflow.operators.outputs import CheckOutputs, write_outputs
from driftkl.integrations.airflow.version_compat import AirflowSkipException
from driftkl.integrations.airflow.xcom import XCOM_FORMS, XcomForm, xcom_value

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from driftkl.model.report import DriftReport
    from driftkl.model.timeline import Timeline

__all__ = ["ON_DRIFT", "DriftCheckOperator"]

OnDrift = Literal["fail", "skip", "warn"]
ON_DRIFT: tuple[str, ...] = ("fail", "skip", "warn")
_NAMES_SHOWN = 10  # drifted features named in the failure message


class DriftCheckOperator(BaseDriftklOperator):
    """Compare current data with a reference and fail, skip or warn on drift.

    ``execute`` calls :func:`driftkl.compare` once, logs a per-feature table (drift and warn
    first: status, rule, deciding metric value and threshold with unit, p-value, top bins; at
    most ``log_max_rows`` rows) and returns a bounded summary of the report
    (:mod:`driftkl.integrations.airflow.xcom`; ``xcom="report"`` or ``"full"`` for the report
    dict), so
    downstream tasks (a ``@task.branch``, a notifier) read ``summary.status``,
    ``summary.drifted_features`` and every feature's metric values from XCom.

    What happens on drift (report ``summary.status == "drift"``) is set by ``on_drift``:

    * ``"fail"``: the task fails without retrying (:class:`~driftkl.integrations.airflow.errors.
      DriftDetected`, an ``AirflowFailException`` whose one-line message names the drifted
      features; the table above it in the log says why);
    * ``"skip"``: the task and, by the default trigger rule, its downstream tasks are skipped;
    * ``"warn"``: a warning is logged and the task succeeds (route with a branch task).

    With ``"fail"`` and ``"skip"`` the report is still pushed to XCom (key ``return_value``)
    before the task ends, and the report file and metrics are still written, so a notifier with
    ``trigger_rule="all_done"`` can read it.

    Input problems (a missing file, an unknown column, a bad config) fail the task with the
    core's message, which names the file or column and the fix. A configuration error or a
    damaged profile fails without retry; a data error keeps the task's retries (data may land
    late); see :data:`driftkl.integrations.airflow.operators.base.ERROR_POLICIES`. Every failed
    check, whatever the exception, is recorded in the Pushgateway (``push_failure``).

    Once the report exists, each output (``output_path``, ``html_output_path``, the push) is
    attempted even if another failed; a failed output fails the task without retry (a retry
    would run the comparison again), after the report is pushed to XCom.

    When the task has Asset ``outlets``, each Asset event carries drift metadata in its
    ``extra`` (status, drifted features, max divergence per metric; see
    :func:`driftkl.integrations.airflow._metadata.asset_metadata`).

    Args:
        reference: reference profile (``*.json`` written by ``driftkl profile`` or
            :class:`ProfileBuildOperator`), Parquet file/folder/glob, ``Profile`` or DataFrame.
            Templated. Leave it out to use ``reference_store``.
        reference_store: a :class:`driftkl.ProfileStore` folder or URL: the reference is the
            merge of its last ``reference_window`` profiles up to ``reference_end`` (a rolling
            reference; ``reference_every=7`` on daily keys: the same weekday of past weeks).
            Templated.
        reference_window: how many profiles the window merges (default 7).
        reference_end: the window's last key (default: the store's last key), e.g.
            ``"{{ macros.ds_add(ds, -1) }}"``. Templated.
        reference_every: take every n-th key counting back (default 1).
        reference_partial: merge fewer than ``reference_window`` profiles when that is all
            the store has (at least one), e.g. in a pipeline's first week.
        report_store: a :class:`driftkl.ReportStore` folder or URL: every report is saved
            there, filed under ``report_at`` (default: the report's creation time; pass
            ``"{{ ds }}"`` so backfills file under the data's date). Templated.
        report_at: the time the report is filed under. Templated.
        current: current Parquet file/folder/glob or DataFrame. Templated
            (e.g. ``"/data/orders/dt={{ ds }}/"``).
        config: YAML config path, mapping or ``None`` (or ``""``) for defaults. Templated.
        config_overrides: config keys replacing the file's values (e.g. ``{"base": 2}``).
            Templated.
        dataset: dataset name for reports and metric labels (overrides the config's). Templated.
        on_drift: ``"fail"`` (default), ``"skip"`` or ``"warn"``.
        output_path: also write the full JSON report (with bins) here: a local path or an
            object-store URL. Templated.
        html_output_path: also write the standalone HTML report (inline SVG histograms) here.
            Templated.
        xcom: what is returned to XCom: ``"summary"`` (default: status, rule, deciding value,
            threshold and p-value per feature, a few hundred bytes each), ``"report"`` (the
            report dict without bins) or ``"full"`` (with per-bin counts).
        xcom_bins: ``True`` is ``xcom="full"`` (kept for existing DAGs).
        log_max_rows: most feature rows in the task-log table (default 20); the rest are
            counted by status.
        report_url: the browser URL of the HTML report for the "Drift report" link (default:
            ``html_output_path`` if it is an http(s) URL, else ``[driftkl] report_base_url``
            joined with its path; see :mod:`driftkl.integrations.airflow.links`). Templated.
        grafana_url: Grafana's base URL for the "Drift dashboard" link (default
            ``[driftkl] grafana_url``). Templated.
        emit_asset_metadata: attach drift metadata to the events of Asset outlets.
        prometheus_conn_id: an Airflow connection holding the Pushgateway URL, of type
            ``driftkl_pushgateway`` or ``http``/``https`` (for instance
            ``AIRFLOW_CONN_DRIFTKL_PUSHGATEWAY='http://pushgateway:9091'``; login, password
            and the extras ``cafile``, ``certfile``, ``keyfile``, ``insecure_skip_verify`` are
            passed on by
            :class:`~driftkl.integrations.airflow.hooks.pushgateway.PushgatewayHook`). The
            report's metrics are pushed through
            :func:`driftkl.integrations.prometheus.push_report` (needs ``driftkl[prometheus]``),
            and a failed check is recorded with ``push_failure``. Templated; empty means no
            push.
        prometheus_job: Pushgateway job name (stable, never a date or run id).
        time_column: with ``every``, run :func:`driftkl.timeline` instead of one compare: a
            backfill over ``current`` checked window by window (the column is not judged).
            Every window's report is saved in ``report_store``; XCom, the output files and
            the Pushgateway get the latest window's report (a Pushgateway keeps one value per
            series and cannot take history), with a ``timeline`` list of every window's start,
            end, rows, status and drifted features added to the XCom dict. ``on_drift`` acts
            when any window drifted. Templated.
        every: window length (``"1h"``, ``"1d"``, ``"7d"``), calendar-aligned. Templated.
        timezone: IANA zone of the windows' calendar (default ``"UTC"``).
        **kwargs: passed to ``BaseOperator`` (``task_id``, ``outlets``, ``retries`` ...).
    """

    template_fields: Sequence[str] = (
        "reference",
        "reference_store",
        "reference_end",
        "report_store",
        "report_at",
        "current",
        "config",
        "config_overrides",
        "dataset",
        "output_path",
        "html_output_path",
        "prometheus_conn_id",
        "report_url",
        "grafana_url",
        "time_column",
        "every",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {
        "config": "yaml",
        "config_overrides": "json",
    }
    ui_color = "#f6d6c8"
    operator_extra_links = (DriftReportLink(), GrafanaDashboardLink())

    def __init__(
        self,
        *,
        reference: Any = None,
        current: Any,
        config: str | Mapping[str, Any] | None = None,
        config_overrides: Mapping[str, Any] | None = None,
        dataset: str | None = None,
        on_drift: OnDrift = "fail",
        output_path: str | None = None,
        html_output_path: str | None = None,
        xcom_bins: bool = False,
        emit_asset_metadata: bool = True,
        prometheus_conn_id: str | None = None,
        prometheus_job: str = "driftkl",
        reference_store: str | None = None,
        reference_window: int | None = None,
        reference_end: str | None = None,
        reference_every: int = 1,
        reference_partial: bool = False,
        report_store: str | None = None,
        report_at: str | None = None,
        xcom: XcomForm = "summary",
        log_max_rows: int = DEFAULT_MAX_ROWS,
        report_url: str | None = None,
        grafana_url: str | None = None,
        time_column: str | None = None,
        every: str | None = None,
        timezone: str = "UTC",
        **kwargs: Any,
    ) -> None:
        """Store the arguments; all work happens in :meth:`execute`."""
        super().__init__(**kwargs)
        if on_drift not in ON_DRIFT:
            raise ValueError(f"on_drift must be one of {ON_DRIFT}, got {on_drift!r}")
        if (reference is None) == (reference_store is None):
            raise ValueError("give either reference or reference_store (a ProfileStore)")
        if xcom not in XCOM_FORMS:
            raise ValueError(f"xcom must be one of {XCOM_FORMS}, got {xcom!r}")
        self.reference = reference
        self.reference_store = reference_store
        self.reference_window = reference_window
        self.reference_end = reference_end
        self.reference_every = reference_every
        self.reference_partial = reference_partial
        self.report_store = report_store
        self.report_at = report_at
        self.current = current
        self.config = config
        self.config_overrides = config_overrides
        self.dataset = dataset
        self.on_drift = on_drift
        self.output_path = output_path
        self.html_output_path = html_output_path
        self.xcom_bins = xcom_bins
        self.emit_asset_metadata = emit_asset_metadata
        self.prometheus_conn_id = prometheus_conn_id
        self.prometheus_job = prometheus_job
        self.xcom = "full" if xcom_bins else xcom
        self.log_max_rows = log_max_rows
        self.report_url = report_url
        self.grafana_url = grafana_url
        self.checked_dataset: str | None = None  # set by execute, read by the Grafana link
        if (time_column is None) != (every is None):
            raise ValueError("give time_column and every together (a timeline), or neither")
        self.time_column = time_column
        self.every = every
        self.timezone = timezone
        self._windows: Timeline | None = None

    def _overrides(self) -> dict[str, Any]:
        overrides = dict(self.config_overrides or {})
        if self.dataset:
            overrides["dataset"] = self.dataset
        return overrides

    def _config(self) -> Any:
        # A template that renders to "" (an unset Variable) means the defaults.
        return None if self.config == "" else self.config

    def _grouping_key(self) -> dict[str, str]:
        return {"dag_id": self.dag_id, "task_id": self.task_id}

    def _reference(self) -> Any:
        if self.reference_store is None:
            return resolve_reference(self.reference)
        return driftkl.ProfileStore(self.reference_store).window(
            self.reference_end or None,
            self.reference_window or 7,
            every=self.reference_every,
            partial=self.reference_partial,
        )

    def _compare(self) -> DriftReport:
        """The one core call: load the reference (a profile, or a store's window), compare.

        With ``time_column`` and ``every``: one timeline over ``current``; its latest window's
        report is returned, the timeline kept for the outputs.
        """
        if self.time_column and self.every:
            self._windows = driftkl.timeline(
                self._reference(),
                self.current,
                time_column=self.time_column,
                every=self.every,
                timezone=self.timezone,
                config=self._config(),
                **self._overrides(),
            )
            if self._windows.latest is None:
                raise driftkl.InputError(f"{self.current!r} has no window with rows")
            return self._windows.latest
        return driftkl.compare(
            self._reference(),
            self.current,
            config=self._config(),
            **self._overrides(),
        )

    def _save_windows(self, windows: Timeline) -> str:
        """Save every window's report in the report store, filed under the window's start."""
        store = driftkl.ReportStore(str(self.report_store))
        paths = [store.put(w.report, at=w.start) for w in windows.windows]
        return f"{len(paths)} window reports, the last as {paths[-1]}"

    def on_core_error(self, exc: Exception) -> None:  # noqa: ARG002 - already logged
        """Best effort: mark the failed check in the Pushgateway group, never mask the error."""
        if not self.prometheus_conn_id:
            return
        try:
            dataset = self.dataset or load_config(self._config(), **self._overrides()).dataset
            result = PushgatewayHook(str(self.prometheus_conn_id)).push_failure(
                dataset=dataset, job=self.prometheus_job, grouping_key=self._grouping_key()
            )
        except Exception as push_exc:  # noqa: BLE001 - raising here would hide ``exc``
            self.log.warning("could not record the failed check in the Pushgateway: %s", push_exc)
        else:
            self.log.info("recorded the failed check at %s", result.url)

    def execute(self, context: Any) -> dict[str, Any]:
        """Run the comparison once, log why, and decide the task's outcome from ``on_drift``."""
        report = self.call_core(self._compare)
        self.checked_dataset = report.dataset
        outputs = OutputFailures(self.log)
        windows = self._windows
        where = CheckOutputs(
            output_path=self.output_path,
            html_output_path=self.html_output_path,
            report_store=self.report_store if windows is None else None,
            report_at=self.report_at,
            prometheus_conn_id=str(self.prometheus_conn_id or "") or None,
            prometheus_job=self.prometheus_job,
            grouping_key=self._grouping_key(),
        )
        written = write_outputs(report, where, outputs, self.log)
        if windows is not None and self.report_store:
            kept = outputs.attempt(
                f"save the window reports in the report store {self.report_store}",
                lambda: self._save_windows(windows),
            )
            if kept:
                self.log.info("saved %s", kept)
        table = render_log_table(report, max_rows=self.log_max_rows)
        (self.log.info if report.status == "ok" else self.log.warning)("%s", table)
        result = xcom_value(report, self.xcom)
        if windows is not None:
            result["timeline"] = [
                {
                    "start": w.start.isoformat(),
                    "end": w.end.isoformat(),
                    "rows": w.rows,
                    "status": w.status,
                    "drifted_features": list(w.report.drifted_features),
                }
                for w in windows.windows
            ]
            self.log.info("%r", windows)
        if self.emit_asset_metadata:
            meta = asset_metadata(report.to_dict(bins=False), report_path=written)
            self.emit_asset_extra(context, meta)
        if outputs.failures:
            context["ti"].xcom_push(key="return_value", value=result)
            outputs.raise_if_any(
                f"drift check on {report.dataset} finished (status={report.status}; the "
                "report is in XCom)"
            )
        if not (report.is_drifted or (windows is not None and windows.status == "drift")):
            return result
        message = _drift_message(report)
        if windows is not None:
            drifted = [w.start.isoformat() for w in windows.windows if w.status == "drift"]
            message = (
                f"drift in {report.dataset} in {len(drifted)}/{len(windows.windows)} windows "
                f"of {windows.every} starting {', '.join(drifted)}; latest window: "
                f"{', '.join(report.drifted_features) or 'no drift'}"
            )
        if self.on_drift == "warn":
            self.log.warning("%s; on_drift='warn': the task succeeds", message)
            return result
        context["ti"].xcom_push(key="return_value", value=result)
        if self.on_drift == "skip":
            raise AirflowSkipException(f"{message}; on_drift='skip'")
        raise DriftDetected(f"{message}; on_drift='fail': the table above says why") from None


def _drift_message(report: DriftReport) -> str:
    """``drift in orders: amount, country (2 of 7 features)`` plus drifted schema changes."""
    s = report.summary()
    names = list(report.drifted_features)
    more = len(names) - _NAMES_SHOWN
    shown = ", ".join(names[:_NAMES_SHOWN]) + (f" and {more} more" if more > 0 else "")
    schema = [f"{c.column} {c.change}" for c in report.schema_changes if c.status == "drift"]
    return (
        f"drift in {report.dataset}: {shown} "
        f"({s['features_drifted']} of {s['features_checked']} features)"
        + (f"; schema changes: {', '.join(schema)}" if schema else "")
    )
