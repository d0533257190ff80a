"""``BaseDriftklOperator``: what every driftkl operator shares.

Two things: the error policy, which turns a driftkl error raised by the core into the Airflow
outcome it deserves (a bad configuration fails at once, a data problem keeps the task's
retries), and the loop that attaches metadata to the events of the task's Asset outlets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from driftkl.errors import ConfigError, DriftklError
from driftkl.integrations.airflow.version_compat import AirflowFailException, Asset, BaseOperator

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["ERROR_POLICIES", "BaseDriftklOperator", "ErrorPolicy", "error_policy"]

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


#: Error kinds, most specific first; the first ``isinstance`` match decides.
ERROR_POLICIES: tuple[tuple[type[DriftklError], ErrorPolicy], ...] = (
    (ConfigError, ErrorPolicy("configuration error", retry=False)),
    (DriftklError, ErrorPolicy("input error", retry=True)),
)


def error_policy(exc: DriftklError) -> ErrorPolicy:
    """The policy for ``exc``: the first entry of :data:`ERROR_POLICIES` it is an instance of.

    >>> from driftkl.errors import ColumnNotFoundError
    >>> error_policy(ConfigError("bad key")).retry
    False
    >>> error_policy(ColumnNotFoundError("no column 'x'")).label
    'input error'
    """
    return next(policy for kind, policy in ERROR_POLICIES if isinstance(exc, kind))


class BaseDriftklOperator(BaseOperator):
    """Base of the driftkl operators: the error policy and the Asset-outlet metadata.

    Subclasses call the core through :meth:`call_core` and pass their Asset metadata to
    :meth:`emit_asset_extra`; :meth:`on_core_error` is where they record a failure elsewhere
    (e.g. in the Pushgateway) before the task ends.
    """

    def call_core(self, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Call ``func(*args, **kwargs)`` and end the task by the error policy if it raises.

        A driftkl error is logged with its label (the core's message names the file or column
        and the fix), passed to :meth:`on_core_error`, then re-raised (retry) or turned into
        ``AirflowFailException`` (no retry). Other exceptions pass through unchanged.

        Returns:
            What ``func`` returns.
        """
        try:
            return func(*args, **kwargs)
        except DriftklError as exc:
            policy = error_policy(exc)
            self.log.error("driftkl %s: %s", policy.label, exc)  # noqa: TRY400 - no traceback
            self.on_core_error(exc)
            if policy.retry:
                raise
            raise AirflowFailException(f"driftkl {policy.label}: {exc}") from exc

    def on_core_error(self, exc: DriftklError) -> None:
        """Called with the core's error before the task ends; does nothing by default."""

    def emit_asset_extra(self, context: Any, extra: Mapping[str, Any]) -> None:
        """Merge ``extra`` into this task's event on each of its Asset outlets."""
        for outlet in self.outlets or ():
            if isinstance(outlet, Asset):
                context["outlet_events"][outlet].extra.update(extra)
