"""``BaseDriftklOperator``: what every driftkl operator shares.

Three things: the error policy, which turns an error raised by the core into the Airflow outcome
it deserves (a bad configuration or a damaged profile fails at once, a data problem keeps the
task's retries, an unexpected exception is logged as a possible bug and keeps the retries); the
outputs, which are all attempted after the core has run and whose failure fails the task
without a retry (a retry would run the whole comparison again); and the loop that attaches
metadata to the events of the task's Asset outlets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from driftkl.errors import ConfigError, DriftklError, ProfileError
from driftkl.integrations.airflow.version_compat import AirflowFailException, Asset, BaseOperator

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["ERROR_POLICIES", "BaseDriftklOperator", "ErrorPolicy", "OutputFailures", "error_policy"]

T = TypeVar("T")


@dataclass(frozen=True)
class ErrorPolicy:
    """How a task ends when the core raises an error of one kind.

    Attributes:
        label: what the log line and the failure message call the error
            (``"driftkl configuration error: ..."``).
        retry: ``True`` re-raises the error, so the task keeps its ``retries`` (data may land
            late); ``False`` raises ``AirflowFailException``: the task fails without retrying
            (the same configuration would fail again).
    """

    label: str
    retry: bool


#: Error kinds, most specific first; the first ``isinstance`` match decides. A profile that
#: fails its checks (edited, damaged, another format version) would fail every retry the same
#: way; an exception that is not a driftkl error may be a bug or a passing storage problem.
ERROR_POLICIES: tuple[tuple[type[Exception], ErrorPolicy], ...] = (
    (ConfigError, ErrorPolicy("configuration error", retry=False)),
    (ProfileError, ErrorPolicy("profile error", retry=False)),
    (DriftklError, ErrorPolicy("input error", retry=True)),
    (Exception, ErrorPolicy("unexpected error (possibly a bug in driftkl)", retry=True)),
)


def error_policy(exc: Exception) -> ErrorPolicy:
    """The policy for ``exc``: the first entry of :data:`ERROR_POLICIES` it is an instance of.

    >>> from driftkl.errors import ColumnNotFoundError
    >>> error_policy(ConfigError("bad key")).retry
    False
    >>> error_policy(ColumnNotFoundError("no column 'x'")).label
    'input error'
    >>> error_policy(ProfileError("hash mismatch")).retry
    False
    """
    return next(policy for kind, policy in ERROR_POLICIES if isinstance(exc, kind))


class OutputFailures:
    """Runs each output of a finished task, collects the failures, reports them once.

    An output (the JSON or HTML report, a profile, a Pushgateway push) that fails must not
    stop the others, and must not make Airflow retry the task: the retry would run the whole
    comparison again to redo one write.
    """

    def __init__(self, log: Any) -> None:
        """Start with no failure; ``log`` is the operator's logger."""
        self.log = log
        self.failures: list[str] = []

    def attempt(self, what: str, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T | None:
        """``func(*args, **kwargs)``; on failure log it, remember it and return ``None``."""
        try:
            return func(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every output is attempted; reported below
            self.log.error("could not %s: %s: %s", what, type(exc).__name__, exc)  # noqa: TRY400
            self.failures.append(f"could not {what}: {exc}")
            return None

    def raise_if_any(self, done: str) -> None:
        """End the task without a retry if an output failed; ``done`` says what did succeed."""
        if self.failures:
            raise AirflowFailException(
                f"{done}, but {len(self.failures)} output(s) failed (not retried: a retry would "
                f"redo all the work): {'; '.join(self.failures)}"
            )


class BaseDriftklOperator(BaseOperator):
    """Base of the driftkl operators: the error policy and the Asset-outlet metadata.

    Subclasses call the core through :meth:`call_core` and pass their Asset metadata to
    :meth:`emit_asset_extra`; :meth:`on_core_error` is where they record a failure elsewhere
    (e.g. in the Pushgateway) before the task ends.
    """

    def call_core(self, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Call ``func(*args, **kwargs)`` and end the task by the error policy if it raises.

        The error is logged with its label (a driftkl error's message names the file or column
        and the fix; any other exception is named by its type), passed to
        :meth:`on_core_error`, then re-raised unchanged (retry) or turned into
        ``AirflowFailException`` (no retry), by :data:`ERROR_POLICIES`.

        Returns:
            What ``func`` returns.
        """
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            policy = error_policy(exc)
            what = "" if isinstance(exc, DriftklError) else f"{type(exc).__name__}: "
            self.log.error("driftkl %s: %s%s", policy.label, what, exc)  # noqa: TRY400
            self.on_core_error(exc)
            if policy.retry:
                raise
            raise AirflowFailException(f"driftkl {policy.label}: {exc}") from exc

    def on_core_error(self, exc: Exception) -> None:
        """Called with the core's error before the task ends; does nothing by default."""

    def emit_asset_extra(self, context: Any, extra: Mapping[str, Any]) -> None:
        """Merge ``extra`` into this task's event on each of its Asset outlets."""
        for outlet in self.outlets or ():
            if isinstance(outlet, Asset):
                context["outlet_events"][outlet].extra.update(extra)
