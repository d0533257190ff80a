"""Stores of profiles and reports in a folder or an object store (``s3://``, ``gs://``, ...).

:class:`ProfileStore` keeps one profile per key (a partition date) and merges the last few
into a rolling or seasonal reference; :class:`ReportStore` keeps every report of every dataset
so their history can be listed and plotted without reading the data again.
"""

from __future__ import annotations

from driftkl.stores.profiles import ProfileStore
from driftkl.stores.reports import ReportStore

__all__ = ["ProfileStore", "ReportStore"]
