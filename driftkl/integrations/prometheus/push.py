"""Push a report's metrics to a Prometheus Pushgateway (the batch-job and Airflow path).

The group is replaced with ``PUT`` (features removed from the check disappear) and is keyed by
``job`` plus the report's ``dataset`` plus any stable extra labels, never a run id or a date:
Pushgateway groups are never forgotten, so a per-run key would grow without bound. The scrape job
for the Pushgateway needs ``honor_labels: true`` (see ``configs/prometheus/prometheus.yml``).

Failures are bounded and explicit: each request must be complete within ``timeout`` seconds
(the whole request, not each socket read, so a gateway that trickles its answer cannot hold a
push), transient failures (connection errors, timeouts, HTTP 5xx) are retried ``retries`` times
(at most ``MAX_RETRIES``, 10) with exponential back-off (each wait at most
``MAX_BACKOFF_SECONDS``, 30 s; see :mod:`~driftkl.integrations.prometheus.push_settings`), and
the final failure raises :class:`PushError`, whose message names the gateway and which carries
the report's dict, so a caller can still save or return the report. A push therefore ends within
``(retries + 1) * timeout`` plus the waits. Auth and TLS settings become one push handler
(:mod:`driftkl.integrations.prometheus.transport`); a handler of your own is given the same
deadline, run in a helper thread that is abandoned if it overruns.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.error import HTTPError

from prometheus_client import push_to_gateway, pushadd_to_gateway

from driftkl.integrations.prometheus.errors import PushError
from driftkl.integrations.prometheus.metrics import as_report
from driftkl.integrations.prometheus.push_settings import (
    DEFAULT_JOB,
    MAX_BACKOFF_SECONDS,
    check_push_settings,
    grouping_key_for,
)
from driftkl.integrations.prometheus.registry import build_registry, failure_registry
from driftkl.integrations.prometheus.transport import push_handler

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from prometheus_client import CollectorRegistry

    from driftkl.integrations.prometheus.transport import PushHandler
    from driftkl.model.report import DriftReport

__all__ = ["DEFAULT_JOB", "PushResult", "push_failure", "push_report"]


@dataclass(frozen=True)
class PushResult:
    """What was pushed where.

    Attributes:
        gateway: the Pushgateway base URL.
        url: the group URL that received the request.
        job: the ``job`` label.
        grouping_key: the other grouping labels (always including ``dataset``).
        attempts: requests made (1 when the first one succeeded).
    """

    gateway: str
    url: str
    job: str
    grouping_key: dict[str, str] = field(default_factory=dict)
    attempts: int = 1


def _bounded(send: Callable[[], None], timeout: float | None) -> None:
    """Run a custom handler's ``send`` with the push deadline (it may ignore ``timeout``)."""
    if timeout is None:
        send()
        return
    failure: list[BaseException] = []

    def run() -> None:
        try:
            send()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=run, name="driftkl-push", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():  # left to finish on its own: a daemon thread cannot be stopped
        raise TimeoutError(f"the push handler did not finish within {timeout:g} s")
    if failure:
        raise failure[0]


def _describe(exc: BaseException) -> str:
    if isinstance(exc, HTTPError):
        try:
            body = exc.read().decode("utf-8", "replace").strip()
        except OSError:
            body = ""
        return f"HTTP {exc.code} {exc.reason}" + (f": {body[:500]}" if body else "")
    return f"{type(exc).__name__}: {exc}"


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, HTTPError):
        return exc.code >= 500  # noqa: PLR2004 - 5xx may pass, 4xx will not
    return isinstance(exc, OSError)


def _push(
    http_method: Literal["PUT", "POST"],
    registry: CollectorRegistry,
    dataset: str,
    report: dict[str, Any] | None,
    *,
    gateway: str,
    job: str,
    grouping_key: Mapping[str, Any] | None,
    timeout: float | None,
    retries: int,
    backoff_seconds: float,
    handler: PushHandler | None,
    username: str | None,
    password: str | None,
    cafile: str | None,
    certfile: str | None,
    keyfile: str | None,
    insecure_skip_verify: bool,
) -> PushResult:
    """The one push path: PUT or POST ``registry`` to the dataset's group, with bounded retries.

    The keyword arguments are those of :func:`push_report`; the transport is built here, once.
    ``report`` is the report's dict (``None`` for a failed check); a final failure carries it.
    """
    key = grouping_key_for(dataset, grouping_key)
    check_push_settings(
        gateway, job=job, timeout=timeout, retries=retries, backoff_seconds=backoff_seconds
    )
    transport = handler or push_handler(
        username=username,
        password=password,
        cafile=cafile,
        certfile=certfile,
        keyfile=keyfile,
        insecure_skip_verify=insecure_skip_verify,
    )
    urls: list[str] = []

    def recording(
        url: str, method: str, timeout: float | None, headers: list[tuple[str, str]], data: bytes
    ) -> Callable[[], None]:
        urls.append(url)
        send = transport(url, method, timeout, headers, data)
        if handler is None:  # driftkl's transport enforces the deadline on the socket
            return send
        return lambda: _bounded(send, timeout)

    send = push_to_gateway if http_method == "PUT" else pushadd_to_gateway
    attempts = 0
    while True:
        attempts += 1
        try:
            send(gateway, job, registry, key, timeout=timeout, handler=recording)
            return PushResult(gateway, urls[-1] if urls else gateway, job, key, attempts)
        except Exception as exc:  # any handler failure is reported the same way
            if attempts > retries or not _retryable(exc):
                url = urls[-1] if urls else gateway
                what = "drift metrics" if report is not None else "a drift-check failure"
                raise PushError(
                    f"could not push {what} for dataset {dataset!r} to the Pushgateway at "
                    f"{gateway} ({url}) after {attempts} attempt(s): {_describe(exc)}. The drift "
                    "report itself is unaffected. Hint: check that the Pushgateway URL is right "
                    "and the gateway is up",
                    gateway=gateway,
                    url=url,
                    attempts=attempts,
                    report=report or {},
                ) from exc
        time.sleep(min(backoff_seconds * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS))


def push_report(
    report: DriftReport | Mapping[str, Any],
    gateway: str,
    *,
    job: str = DEFAULT_JOB,
    grouping_key: Mapping[str, Any] | None = None,
    timeout: float | None = 10.0,
    retries: int = 2,
    backoff_seconds: float = 0.5,
    handler: Callable[..., Callable[[], None]] | None = None,
    username: str | None = None,
    password: str | None = None,
    cafile: str | None = None,
    certfile: str | None = None,
    keyfile: str | None = None,
    insecure_skip_verify: bool = False,
) -> PushResult:
    """Replace (HTTP PUT) the report's Pushgateway group with the report's metrics.

    Args:
        report: a :class:`~driftkl.DriftReport` or its ``to_dict()`` form.
        gateway: Pushgateway URL, e.g. ``http://pushgateway:9091`` (scheme defaults to http).
        job: the ``job`` label; stable across runs (e.g. ``"driftkl"`` or a pipeline name).
        grouping_key: extra stable grouping labels (e.g. ``{"dag_id": ..., "task_id": ...}``);
            ``dataset`` is always added from the report. Per-run labels (``run_id``, ``ds``,
            dates) are rejected.
        timeout: seconds one request may take in all, connecting and reading the answer
            included (``None``: no limit).
        retries: extra attempts after a connection error, timeout or HTTP 5xx (not after 4xx),
            from 0 to ``MAX_RETRIES`` (10).
        backoff_seconds: sleep before the first retry; doubled before each further one, up to
            ``MAX_BACKOFF_SECONDS`` (30).
        handler: a ``prometheus_client`` push handler (``url, method, timeout, headers, data``
            → callable); when given, the auth and TLS arguments are ignored.
        username: basic-auth user name.
        password: basic-auth password.
        cafile: CA bundle to verify an HTTPS gateway.
        certfile: client certificate (PEM) for mutual TLS.
        keyfile: the client certificate's private key.
        insecure_skip_verify: do not verify the gateway's certificate (testing only).

    Returns:
        A :class:`PushResult` naming the group URL.

    Raises:
        PushError: the push failed after all attempts; the message names the gateway and the
            cause, and ``exc.report`` holds the report's dict.
        ConfigError: an invalid or per-run grouping key, settings refused by
            :func:`check_push_settings`, or unreadable TLS files.
    """
    rep = as_report(report)
    return _push(
        "PUT",
        build_registry(rep),
        rep.dataset,
        rep.to_dict(bins=False),
        gateway=gateway,
        job=job,
        grouping_key=grouping_key,
        timeout=timeout,
        retries=retries,
        backoff_seconds=backoff_seconds,
        handler=handler,
        username=username,
        password=password,
        cafile=cafile,
        certfile=certfile,
        keyfile=keyfile,
        insecure_skip_verify=insecure_skip_verify,
    )


def push_failure(
    gateway: str,
    *,
    dataset: str,
    job: str = DEFAULT_JOB,
    grouping_key: Mapping[str, Any] | None = None,
    when: float | None = None,
    timeout: float | None = 10.0,
    retries: int = 2,
    backoff_seconds: float = 0.5,
    handler: Callable[..., Callable[[], None]] | None = None,
    username: str | None = None,
    password: str | None = None,
    cafile: str | None = None,
    certfile: str | None = None,
    keyfile: str | None = None,
    insecure_skip_verify: bool = False,
) -> PushResult:
    """Record a failed check (HTTP POST): only the run/failure timestamps change.

    The group's other metrics, including ``driftkl_last_success_timestamp_seconds``, are kept,
    so the stale-check alert still measures the age of the last successful check. Arguments are
    those of :func:`push_report`; ``when`` (Unix seconds) defaults to now.

    Returns:
        A :class:`PushResult`.

    Raises:
        PushError: the push failed after all attempts (``exc.report`` is empty).
        ConfigError: as for :func:`push_report`.
    """
    return _push(
        "POST",
        failure_registry(dataset, when=time.time() if when is None else when),
        dataset,
        None,
        gateway=gateway,
        job=job,
        grouping_key=grouping_key,
        timeout=timeout,
        retries=retries,
        backoff_seconds=backoff_seconds,
        handler=handler,
        username=username,
        password=password,
        cafile=cafile,
        certfile=certfile,
        keyfile=keyfile,
        insecure_skip_verify=insecure_skip_verify,
    )
