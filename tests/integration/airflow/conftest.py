"""Airflow test harness: one isolated, migrated AIRFLOW_HOME (SQLite) per test session.

The environment is set when this file is imported, before anything imports Airflow (Airflow
reads its configuration once, at import). The DAGs folder is the repository's ``dags/``; the
example DAGs read their data folder from the Airflow Variable ``driftkl_data_dir``, given here
as ``AIRFLOW_VAR_DRIFTKL_DATA_DIR``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
DAGS_FOLDER = REPO / "dags"
_HOME = Path(tempfile.mkdtemp(prefix="driftkl-airflow-home-"))
DATA_DIR = _HOME / "sample-data"
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)

os.environ.update(
    {
        "AIRFLOW_HOME": str(_HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_HOME / 'airflow.db'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        "AIRFLOW_VAR_DRIFTKL_DATA_DIR": str(DATA_DIR),
    }
)
os.environ.pop("AIRFLOW_CONFIG", None)

# dag.test() runs tasks through Airflow's in-process execution API, whose FastAPI test client
# warns about its own httpx use (Airflow 3.3.2); pytest's filterwarnings=error would turn that
# into a task failure that is not ours. Only that exact warning is ignored.
AIRFLOW_WARNING_FILTERS = [
    pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient` is deprecated"),
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Apply the Airflow warning filters to every test of this folder."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            for mark in AIRFLOW_WARNING_FILTERS:
                item.add_marker(mark)


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """Migrate the session's SQLite metadata database once; returns AIRFLOW_HOME."""
    result = subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return _HOME


@pytest.fixture(scope="session")
def dagbag(airflow_db: Path):  # noqa: ARG001 - the DB must be migrated first
    """Every DAG in the repository's dags/ folder, parsed once."""
    # Imported here, never at the top: Airflow must not load before the environment is set.
    from airflow.dag_processing.dagbag import DagBag  # noqa: PLC0415

    return DagBag(dag_folder=str(DAGS_FOLDER))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The sample-data folder the example DAGs read (via the Airflow Variable)."""
    return DATA_DIR
