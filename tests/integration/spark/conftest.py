"""One real local Spark (``local[2]``) for the whole Spark test session, tuned for speed."""

from __future__ import annotations

import os
import sys

import pytest

pyspark_sql = pytest.importorskip("pyspark.sql")

# Small settings for tests on a busy machine: no UI, two shuffle partitions, UTC times.
SPARK_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.memory": "1g",
    "spark.python.worker.reuse": "true",
    "spark.sql.execution.arrow.maxRecordsPerBatch": "4096",
}


@pytest.fixture(scope="session")
def spark():
    """A local[2] SparkSession, stopped after the last Spark test."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = pyspark_sql.SparkSession.builder.master("local[2]").appName("driftkl-tests")
    for key, value in SPARK_CONF.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
