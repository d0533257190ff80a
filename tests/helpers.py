"""Helpers shared by the test suite: run Python or the CLI in a fresh process."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

OPTIONAL_LIBRARIES = (
    "airflow",
    "prometheus_client",
    "dask",
    "distributed",
    "scipy",
    "matplotlib",
    "polars",
    "duckdb",
    "pyspark",
    "py4j",
)


def run_python(
    code: str, *args: str | Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``python -c code args...`` in a fresh interpreter; stdout and stderr captured."""
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def run_cli(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m driftkl args...`` as a user would; stdout and stderr captured."""
    return subprocess.run(
        [sys.executable, "-m", "driftkl", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def modules_loaded_by(code: str) -> list[str]:
    """Which of :data:`OPTIONAL_LIBRARIES` a fresh interpreter has loaded after ``code``."""
    names = OPTIONAL_LIBRARIES
    probe = f"{code}\nimport sys\nprint(','.join(m for m in {names!r} if m in sys.modules))"
    proc = run_python(probe)
    assert proc.returncode == 0, proc.stderr
    return [m for m in proc.stdout.strip().split(",") if m]
