"""What a push is given, checked before anything is sent: URL, job, limits, grouping key.

The CLI calls :func:`check_push_settings` before it reads any data, so a bad option fails in
a second rather than after the comparison; :func:`~driftkl.integrations.prometheus.push_report`
calls it again for Python users.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from driftkl.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "DEFAULT_JOB",
    "MAX_BACKOFF_SECONDS",
    "MAX_RETRIES",
    "check_push_settings",
    "grouping_key_for",
]

DEFAULT_JOB = "driftkl"
#: Most retries a push may make after its first attempt.
MAX_RETRIES = 10
#: Longest wait between two attempts, in seconds (the doubling back-off stops growing here).
MAX_BACKOFF_SECONDS = 30.0

#: Grouping-key labels that change every run; using them would leak Pushgateway groups.
_PER_RUN_LABELS = frozenset(
    {"run_id", "dag_run_id", "logical_date", "execution_date", "ds", "ts", "date", "timestamp"}
)
#: Labels the metrics themselves carry; a grouping key must not override them.
_METRIC_LABELS = frozenset(
    {"feature", "metric", "direction", "unit", "level", "side", "bin", "status", "kind", "dtype"}
)
_LABEL_RE = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


def check_push_settings(
    gateway: str,
    *,
    job: str = DEFAULT_JOB,
    timeout: float | None = 10.0,
    retries: int = 2,
    backoff_seconds: float = 0.5,
) -> None:
    """Check a push's settings without sending anything (the CLI calls it before any work).

    Raises:
        ConfigError: the gateway is not an ``http(s)://host[:port]`` URL, ``job`` is empty,
            ``timeout`` is not a positive number of seconds (or ``None``), ``retries`` is not
            an integer from 0 to :data:`MAX_RETRIES`, or ``backoff_seconds`` is negative.
    """
    text = gateway if isinstance(gateway, str) else ""
    try:
        parts = urlsplit(text if "://" in text else f"http://{text}")
        valid = parts.scheme in {"http", "https"} and bool(parts.hostname)
        valid = valid and (parts.port is None or parts.port > 0)
    except ValueError:  # a port that is not a number or out of range
        valid = False
    if not valid:
        raise ConfigError(
            f"Pushgateway URL {gateway!r} is not an http(s)://host[:port] address. "
            "Hint: e.g. http://pushgateway:9091"
        )
    if not isinstance(job, str) or not job:
        raise ConfigError(f"the Pushgateway job must be a non-empty name, got {job!r}")
    if timeout is not None and (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not math.isfinite(timeout)
        or timeout <= 0
    ):
        raise ConfigError(
            f"push timeout must be a positive number of seconds, got {timeout!r} "
            "(--push-timeout / timeout=)"
        )
    if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= MAX_RETRIES:
        raise ConfigError(
            f"push retries must be an integer from 0 to {MAX_RETRIES}, got {retries!r} "
            "(--push-retries / retries=)"
        )
    if not isinstance(backoff_seconds, (int, float)) or not backoff_seconds >= 0:
        raise ConfigError(f"backoff_seconds must be >= 0, got {backoff_seconds!r}")


def grouping_key_for(dataset: str, extra: Mapping[str, Any] | None) -> dict[str, str]:
    """The Pushgateway grouping key: ``dataset`` plus the stable labels in ``extra``.

    Raises:
        ConfigError: a label is not a valid name, is ``job``, changes every run (``run_id``,
            dates), collides with a metric label, or names another dataset.
    """
    key = {"dataset": dataset}
    for k, v in (extra or {}).items():
        name = str(k)
        if not _LABEL_RE.match(name) or name.startswith("__") or name == "job":
            raise ConfigError(
                f"invalid grouping-key label {name!r}. Hint: use a Prometheus label name "
                "(letters, digits, underscores) other than 'job' (pass job=... instead)"
            )
        if name in _PER_RUN_LABELS:
            raise ConfigError(
                f"grouping-key label {name!r} changes every run and would leave one "
                "Pushgateway group behind per run. Hint: key by stable names (job, dataset, "
                "dag_id, task_id)"
            )
        if name in _METRIC_LABELS:
            raise ConfigError(
                f"grouping-key label {name!r} collides with a driftkl metric label. "
                "Hint: choose another label name"
            )
        if name == "dataset" and str(v) != dataset:
            raise ConfigError(
                f"grouping-key dataset={v!r} differs from the report's dataset {dataset!r}. "
                "Hint: leave 'dataset' out of grouping_key; it is added from the report"
            )
        key[name] = str(v)
    return key
