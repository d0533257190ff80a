"""Execution engines: where per-batch work runs (local threads, dask, Spark)."""
