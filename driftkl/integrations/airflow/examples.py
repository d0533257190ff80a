"""Sample data for the example DAGs in ``dags/``, so they run out of the box.

The example DAGs call :func:`prepare_sample_data` in a first task; in a real DAG the data comes
from upstream tasks and that task goes away. Files are written atomically, so concurrent DAG
runs never read half a file.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path
from typing import Any

import driftkl
from driftkl.demo import make_sample_frame

__all__ = [
    "DAY",
    "DEFAULT_DATA_DIR",
    "PREVIOUS_DAY",
    "data_dir_template",
    "prepare_sample_data",
]

DEFAULT_DATA_DIR = "/tmp/driftkl-sample-data"  # noqa: S108 - a demo default, overridable

#: The run's day as ``YYYY-MM-DD``, for every run: its logical date when it has one (scheduled
#: runs, backfills), else the time it was queued to run after (``run_after``): Airflow 3 manual
#: runs may have no logical date, and then ``{{ ds }}`` and ``data_interval_*`` are undefined.
DAY = "{{ (dag_run.logical_date or dag_run.run_after) | ds }}"
#: The day before :data:`DAY`, e.g. the last day of a rolling reference window.
PREVIOUS_DAY = "{{ macros.ds_add((dag_run.logical_date or dag_run.run_after) | ds, -1) }}"


def data_dir_template() -> str:
    """Jinja expression for the data folder: Airflow Variable, else environment, else default.

    The Variable ``driftkl_data_dir`` can also be set as ``AIRFLOW_VAR_DRIFTKL_DATA_DIR``; the
    fallback is ``$DRIFTKL_DATA_DIR`` when the DAG file is parsed, then ``DEFAULT_DATA_DIR``.
    """
    default = os.environ.get("DRIFTKL_DATA_DIR", DEFAULT_DATA_DIR).replace("'", "\\'")
    return "{{ var.value.get('driftkl_data_dir', '" + default + "') }}"


def _write_parquet(frame: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(path)


def prepare_sample_data(
    data_dir: str | os.PathLike[str],
    *,
    ds: str,
    drift: bool = False,
    rows: int = 5_000,
    profile: bool = True,
    partition: str | None = None,
) -> dict[str, str]:
    """Write sample orders: a reference, its profile, and the partition for ``ds``.

    Layout under ``data_dir``::

        reference.parquet                      # written once
        profiles/orders.profile.json           # written once (``profile=True``)
        orders/dt=<ds>/part-0.parquet          # rewritten: drifted when ``drift`` is true
                                               # (folder name ``partition`` when given)

    Args:
        data_dir: the sample-data folder.
        ds: the partition date, ``YYYY-MM-DD`` (:data:`DAY`).
        drift: write a drifted partition (amount, country, created_at shift).
        rows: rows per file.
        profile: also build the reference profile when it is missing.
        partition: folder name under ``orders/`` (default ``dt=<ds>``).

    Returns:
        Paths by name: ``reference``, ``profile``, ``current`` (the partition folder).
    """
    root = Path(data_dir)
    reference = root / "reference.parquet"
    profile_path = root / "profiles" / "orders.profile.json"
    folder = root / "orders" / (partition or f"dt={ds}")
    if not reference.exists():
        _write_parquet(make_sample_frame(rows, drift=False, seed=7), reference)
    if profile and not profile_path.exists():
        driftkl.profile(reference).save(profile_path)
    seed = zlib.crc32(f"{ds}:{drift}".encode()) % 100_000 + 100
    _write_parquet(make_sample_frame(rows, drift=drift, seed=seed), folder / "part-0.parquet")
    return {
        "reference": str(reference),
        "profile": str(profile_path),
        "current": str(folder),
    }
