"""A timeline: one full :class:`DriftReport` per time window of the current data.

How a report carries its window (report schema v1, additive): the window is a property of the
*current* side, so it lives in ``report.current["window"]``::

    "current": {"source": "...", "rows": 1234,
                "window": {"start": "2026-11-01T00:00:00+00:00",   # UTC, inclusive
                           "end": "2026-11-02T00:00:00+00:00",     # UTC, exclusive
                           "every": "1d", "timezone": "UTC", "time_column": "ts"}}

``start`` and ``end`` are ISO-8601 instants in UTC; ``every``, ``timezone`` and
``time_column`` say how the window was cut (the calendar boundaries are those of
``timezone``). A report without this key is an ordinary whole-batch report.
:meth:`Timeline.from_reports` rebuilds a timeline from any reports carrying their window (e.g.
saved JSON reports), without reading data again.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from driftkl.errors import InputError
from driftkl.model.report import DriftReport
from driftkl.model.status import worst
from driftkl.render.timeline import plot_timeline, timeline_html

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import pandas as pd

__all__ = ["TIMELINE_SCHEMA", "Timeline", "Window", "window_of", "with_window"]

TIMELINE_SCHEMA = "driftkl.timeline"
TIMELINE_SCHEMA_VERSION = 1


def _utc(text: Any, where: str) -> dt.datetime:
    """An ISO-8601 instant as an aware UTC datetime, or an InputError naming ``where``."""
    try:
        value = dt.datetime.fromisoformat(str(text))
    except ValueError as exc:
        raise InputError(
            f"{where} is {text!r}, not an ISO-8601 time. Hint: write it as "
            "'2026-11-01T00:00:00+00:00'."
        ) from exc
    if value.tzinfo is None:
        raise InputError(
            f"{where} is {text!r}, a time without an offset. Hint: add '+00:00' (UTC)."
        )
    return value.astimezone(dt.timezone.utc)


def with_window(
    report: DriftReport,
    start: dt.datetime,
    end: dt.datetime,
    *,
    every: str,
    timezone: str,
    time_column: str,
) -> DriftReport:
    """``report`` with its window recorded in ``current["window"]`` (see the module doc)."""
    window = {
        "start": start.astimezone(dt.timezone.utc).isoformat(),
        "end": end.astimezone(dt.timezone.utc).isoformat(),
        "every": every,
        "timezone": timezone,
        "time_column": time_column,
    }
    return DriftReport(
        features=report.features,
        dataset=report.dataset,
        settings=report.settings,
        reference=report.reference,
        current={**report.current, "window": window},
        created_at=report.created_at,
        duration_seconds=report.duration_seconds,
        driftkl_version=report.driftkl_version,
    )


def window_of(report: DriftReport) -> tuple[dt.datetime, dt.datetime] | None:
    """The UTC ``(start, end)`` a report covers, or ``None`` for a whole-batch report."""
    window = report.current.get("window")
    if window is None:
        return None
    where = f"report of {report.dataset!r} created {report.created_at}: current.window"
    if not isinstance(window, dict):
        raise InputError(f"{where} is {window!r}, not an object with 'start' and 'end'.")
    start = _utc(window.get("start"), f"{where}.start")
    end = _utc(window.get("end"), f"{where}.end")
    if end <= start:
        raise InputError(f"{where} ends ({end}) before it starts ({start}).")
    return start, end


@dataclass(frozen=True)
class Window:
    """One time window and its report.

    Attributes:
        start: first instant of the window (UTC, inclusive).
        end: end of the window (UTC, exclusive).
        report: the full drift report of the window's rows against the reference.
    """

    start: dt.datetime
    end: dt.datetime
    report: DriftReport

    @property
    def rows(self) -> int:
        """Current rows in the window."""
        return int(self.report.current.get("rows", 0))

    @property
    def status(self) -> str:
        """The window report's status."""
        return self.report.status


@dataclass(frozen=True)
class Timeline:
    """Drift of current data window by window, each window a full :class:`DriftReport`.

    Every window is decided on its own, with the same rules as :func:`driftkl.compare`
    (including the report-wide control of false alarms across its features), so a window's
    status means what a single report's status means.

    Attributes:
        windows: the windows that hold rows, in time order.
        dataset: the configured dataset name.
        time_column: the column the windows were cut on (not judged as a feature).
        every: the window length (``"1h"``, ``"1d"``, ``"7d"``, ...).
        timezone: the IANA time zone whose calendar boundaries the windows follow.
        unplaced_rows: current rows left out because their time was missing.
    """

    windows: tuple[Window, ...]
    dataset: str = ""
    time_column: str = ""
    every: str = ""
    timezone: str = "UTC"
    unplaced_rows: int = 0

    @property
    def reports(self) -> tuple[DriftReport, ...]:
        """One report per window, in time order."""
        return tuple(w.report for w in self.windows)

    @property
    def status(self) -> str:
        """Worst window status (``"ok"`` for an empty timeline)."""
        return worst(w.status for w in self.windows)

    @property
    def latest(self) -> DriftReport | None:
        """The report of the last window, or ``None``."""
        return self.windows[-1].report if self.windows else None

    @property
    def features(self) -> tuple[str, ...]:
        """Feature names in the order they first appear."""
        seen: dict[str, None] = {}
        for w in self.windows:
            seen.update(dict.fromkeys(f.name for f in w.report.features))
        return tuple(seen)

    def status_of(self, feature: str) -> tuple[str | None, ...]:
        """``feature``'s status per window (``None`` where a window does not report it)."""
        out: list[str | None] = []
        for w in self.windows:
            found = [f.status for f in w.report.features if f.name == feature]
            out.append(found[0] if found else None)
        return tuple(out)

    @classmethod
    def from_reports(
        cls, reports: Iterable[DriftReport | Mapping[str, Any]], *, unplaced_rows: int = 0
    ) -> Timeline:
        """The timeline of reports that carry their window (``current["window"]``).

        Reports may come in any order and as :meth:`DriftReport.to_dict` dicts. Where two
        reports cover the same window (a re-run), the one created last is kept.

        Raises:
            InputError: a report has no window, windows overlap, or reports mix datasets,
                time columns or window lengths.
        """
        by_start: dict[dt.datetime, Window] = {}
        for item in reports:
            r = item if isinstance(item, DriftReport) else DriftReport.from_dict(dict(item))
            span = window_of(r)
            if span is None:
                raise InputError(
                    f"the report of {r.dataset!r} created {r.created_at} has no time window "
                    "(current.window). Hint: build timelines from reports written by "
                    "driftkl.timeline or `driftkl timeline`."
                )
            old = by_start.get(span[0])
            if old is None or old.report.created_at <= r.created_at:
                by_start[span[0]] = Window(span[0], span[1], r)
        windows = tuple(by_start[s] for s in sorted(by_start))
        for a, b in itertools.pairwise(windows):
            if b.start < a.end:
                raise InputError(
                    f"windows overlap: {a.start.isoformat()}–{a.end.isoformat()} and "
                    f"{b.start.isoformat()}–{b.end.isoformat()}. Hint: build one timeline per "
                    "window length."
                )
        meta = [w.report.current["window"] for w in windows]
        kinds = {
            key: {str(m.get(key, "")) for m in meta} for key in ("every", "timezone", "time_column")
        }
        datasets = {w.report.dataset for w in windows}
        for key, values in (*kinds.items(), ("dataset", datasets)):
            if len(values) > 1:
                raise InputError(
                    f"the reports mix {key} values {sorted(values)}. Hint: build one timeline "
                    f"per {key}."
                )
        return cls(
            windows=windows,
            dataset=next(iter(datasets), ""),
            time_column=next(iter(kinds["time_column"]), ""),
            every=next(iter(kinds["every"]), ""),
            timezone=next(iter(kinds["timezone"]), "UTC") or "UTC",
            unplaced_rows=unplaced_rows,
        )

    def to_dict(self, *, bins: bool = False) -> dict[str, Any]:
        """JSON-serialisable form (schema ``driftkl.timeline``, version 1).

        Each window holds its full report dict (``bins=True`` keeps the per-bin counts).
        """
        return {
            "schema": TIMELINE_SCHEMA,
            "schema_version": TIMELINE_SCHEMA_VERSION,
            "dataset": self.dataset,
            "time_column": self.time_column,
            "every": self.every,
            "timezone": self.timezone,
            "status": self.status,
            "unplaced_rows": self.unplaced_rows,
            "windows": [
                {
                    "start": w.start.isoformat(),
                    "end": w.end.isoformat(),
                    "rows": w.rows,
                    "status": w.status,
                    "report": w.report.to_dict(bins=bins),
                }
                for w in self.windows
            ],
        }

    def to_json(self, *, bins: bool = False, indent: int | None = 2) -> str:
        """The :meth:`to_dict` form as strict JSON text."""
        return json.dumps(
            self.to_dict(bins=bins), indent=indent, ensure_ascii=False, allow_nan=False
        )

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Timeline:
        """Rebuild from :meth:`to_dict` form."""
        if d.get("schema") != TIMELINE_SCHEMA or d.get("schema_version") != 1:
            raise InputError(
                f"not a driftkl timeline of schema version {TIMELINE_SCHEMA_VERSION} "
                f"(schema={d.get('schema')!r}, version={d.get('schema_version')!r})"
            )
        windows = d.get("windows")
        if not isinstance(windows, list) or not all(isinstance(w, dict) for w in windows):
            raise InputError("a driftkl timeline's 'windows' is a list of objects")
        if not windows:
            return cls(
                windows=(),
                dataset=str(d.get("dataset", "")),
                time_column=str(d.get("time_column", "")),
                every=str(d.get("every", "")),
                timezone=str(d.get("timezone", "UTC")),
            )
        return cls.from_reports(
            [w.get("report") or {} for w in windows], unplaced_rows=int(d.get("unplaced_rows", 0))
        )

    def to_frame(self, *, full: bool = False) -> pd.DataFrame:
        """One row per window × feature: window start/end (UTC), rows, and the report's columns.

        The report columns are those of :meth:`DriftReport.to_frame` (compact: status, rule,
        deciding metric, value, unit, noise floor, threshold, adjusted p-value, top bin; with
        ``full=True`` every metric with its unit, p-values and shares), plus ``reason``.
        """
        import pandas as pd  # noqa: PLC0415

        parts = []
        for w in self.windows:
            frame = w.report.to_frame(full=full).reset_index()
            if "reason" not in frame.columns:
                reasons = {f.name: f.reason for f in w.report.features}
                frame["reason"] = frame["feature"].map(reasons)
            frame.insert(0, "window_rows", w.rows)
            frame.insert(0, "window_end", pd.Timestamp(w.end))
            frame.insert(0, "window_start", pd.Timestamp(w.start))
            parts.append(frame)
        if not parts:
            empty: pd.DataFrame = pd.DataFrame(
                columns=["window_start", "window_end", "window_rows", "feature", "status"]
            )
            return empty
        out: pd.DataFrame = pd.concat(parts, ignore_index=True)
        return out

    def _repr_html_(self) -> str:
        """Feature × window grid coloured by status, and each feature's deciding metric."""
        return timeline_html(self)

    def to_html(self) -> str:
        """The notebook rendering as a standalone HTML page."""
        return timeline_html(self, standalone=True)

    def plot(self, feature: str, *, ax: Any = None) -> Any:
        """``feature``'s deciding metric per window, thresholds dashed (``driftkl[plot]``)."""
        if feature not in self.features:
            raise KeyError(feature)
        return plot_timeline(self, feature, ax=ax)

    def __repr__(self) -> str:
        """A short readable summary."""
        drifted = sum(w.status == "drift" for w in self.windows)
        return (
            f"Timeline(dataset={self.dataset!r}, every={self.every!r}, "
            f"timezone={self.timezone!r}, windows={len(self.windows)}, "
            f"drifted windows={drifted}, status={self.status!r})"
        )
