"""A store of drift reports: every check of every dataset, kept to list, chart and replay.

Each report is one JSON file ``<dataset>/<time>_<hash>.report.json`` (the dataset name
percent-encoded, the time in UTC as ``2026-11-28T06-00-00Z``) in a folder or an object-store
prefix, so listing a dataset since a time reads only the files it returns. Saving the same
report twice writes the same file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from driftkl.errors import InputError
from driftkl.model.report import DriftReport
from driftkl.stores.location import open_location

if TYPE_CHECKING:
    import os
    from collections.abc import Iterator

__all__ = ["ReportStore", "as_utc"]

_SUFFIX = ".report.json"
_STAMP = "%Y-%m-%dT%H-%M-%SZ"


def as_utc(when: str | dt.datetime | dt.date, what: str = "time") -> dt.datetime:
    """A timezone-aware UTC datetime from an ISO text, a datetime or a date (naive = UTC).

    >>> as_utc("2026-11-28").isoformat()
    '2026-11-28T00:00:00+00:00'
    """
    value: dt.datetime | dt.date = when  # type: ignore[assignment]
    if isinstance(when, str):
        try:
            value = dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError as exc:
            raise InputError(
                f"{what} {when!r} is not an ISO date or time. Hint: 2026-11-28 or "
                "2026-11-28T06:00:00+00:00."
            ) from exc
    if not isinstance(value, dt.datetime):
        if not isinstance(value, dt.date):
            raise InputError(f"{what} must be an ISO text, a datetime or a date, got {when!r}")
        value = dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def _folder(dataset: str) -> str:
    return quote(dataset, safe="").replace(".", "%2E")  # never "." or ".."


class ReportStore:
    """Drift reports in a folder or object store, by dataset and time.

    >>> import tempfile, pandas as pd, driftkl
    >>> store = driftkl.ReportStore(tempfile.mkdtemp())
    >>> df = pd.DataFrame({"x": ["a", "b"] * 50})
    >>> _ = store.put(driftkl.compare(df, df, dataset="orders"), at="2026-11-28")
    >>> [(r.dataset, r.status) for r in store.reports(dataset="orders", since="2026-11-01")]
    [('orders', 'ok')]
    """

    def __init__(self, location: str | os.PathLike[str]) -> None:
        """Open the store at ``location``: a folder, a ``file://`` or object-store URL."""
        self.location = open_location(location)

    @property
    def url(self) -> str:
        """The store's folder or URL, as given."""
        return self.location.url

    def __repr__(self) -> str:
        """``ReportStore('s3://bucket/reports')``."""
        return f"ReportStore({self.url!r})"

    def put(self, report: DriftReport, *, at: str | dt.datetime | dt.date | None = None) -> str:
        """Save ``report`` under its dataset and time; returns the path or URL written.

        Args:
            report: the report to keep.
            at: the time it is filed under (default: the report's ``created_at``); pass the
                run's logical date for a backfill, so history sorts by the data's time.
        """
        if not isinstance(report, DriftReport):
            raise InputError(f"ReportStore.put takes a DriftReport, not {type(report).__name__}")
        when = as_utc(at if at is not None else report.created_at or _now(), "report time")
        text = report.to_json()
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
        name = f"{_folder(report.dataset)}/{when.strftime(_STAMP)}_{digest}{_SUFFIX}"
        return self.location.write_text(name, text + "\n")

    def datasets(self) -> list[str]:
        """Every dataset with at least one report, sorted."""
        return sorted({unquote(f.split("/", 1)[0]) for f in self._files(None)})

    def _files(self, dataset: str | None) -> list[str]:
        files = self.location.files(_folder(dataset) if dataset is not None else "")
        return [f for f in files if f.count("/") == 1 and f.endswith(_SUFFIX)]

    def _entries(
        self, dataset: str | None, since: dt.datetime | None
    ) -> Iterator[tuple[dt.datetime, str]]:
        for f in self._files(dataset):
            stamp = f.split("/", 1)[1].split("_", 1)[0]
            try:
                when = dt.datetime.strptime(stamp, _STAMP).replace(tzinfo=dt.timezone.utc)
            except ValueError:
                continue  # not a file this store wrote
            if since is None or when >= since:
                yield when, f

    def reports(
        self,
        dataset: str | None = None,
        since: str | dt.datetime | dt.date | None = None,
    ) -> list[DriftReport]:
        """The saved reports, oldest first.

        Args:
            dataset: only this dataset's (default: every dataset's).
            since: only those filed at or after this time (ISO text, datetime or date; a
                naive one is UTC).

        Raises:
            InputError: a stored file is not a readable driftkl report (named).
        """
        return [report for _, report in self.items(dataset, since)]

    def items(
        self,
        dataset: str | None = None,
        since: str | dt.datetime | dt.date | None = None,
    ) -> list[tuple[dt.datetime, DriftReport]]:
        """``(time filed, report)`` pairs, oldest first; arguments as for :meth:`reports`."""
        start = None if since is None else as_utc(since, "since")
        out = []
        for when, f in sorted(self._entries(dataset, start)):
            text = self.location.read_text(f)
            try:
                out.append((when, DriftReport.from_dict(json.loads(text))))
            except (ValueError, InputError) as exc:
                raise InputError(
                    f"{f!r} in the report store {self.url!r} is not a readable driftkl report: "
                    f"{exc}. Hint: remove or restore the file."
                ) from exc
        return out


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
