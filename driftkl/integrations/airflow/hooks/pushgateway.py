"""``PushgatewayHook``: read a Pushgateway connection and push drift metrics through it.

The hook only translates: it reads the Airflow connection into a :class:`PushgatewayTarget`
(URL, basic auth, TLS files) and hands the report to
:func:`driftkl.integrations.prometheus.push_report`, the one place that turns a report into
metric families. Its own connection type is ``driftkl_pushgateway``; plain ``http`` / ``https``
connections (``AIRFLOW_CONN_DRIFTKL_PUSHGATEWAY='http://pushgateway:9091'``) work as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from driftkl._optional import import_optional
from driftkl.integrations.airflow.version_compat import BaseHook

if TYPE_CHECKING:
    from collections.abc import Mapping

    from driftkl.integrations.prometheus import PushResult
    from driftkl.model.report import DriftReport

__all__ = [
    "TLS_EXTRAS",
    "ConnectionLike",
    "PushgatewayHook",
    "PushgatewayTarget",
    "pushgateway_url",
]

#: Connection extras passed on to the push as TLS settings.
TLS_EXTRAS = ("cafile", "certfile", "keyfile", "insecure_skip_verify")
_SCHEMES = ("http", "https")
_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


class ConnectionLike(Protocol):
    """The fields of an Airflow ``Connection`` the hook reads (read-only)."""

    @property
    def conn_type(self) -> str | None:
        """``http``, ``https``, ``driftkl_pushgateway`` ..."""

    @property
    def host(self) -> str | None:
        """Host name, or a whole URL."""

    @property
    def port(self) -> int | None:
        """Port, if any."""

    @property
    def schema(self) -> str | None:
        """``http`` or ``https`` for the ``driftkl_pushgateway`` type."""


@dataclass(frozen=True)
class PushgatewayTarget:
    """Where and how to push: the gateway URL plus basic-auth and TLS settings.

    Attributes:
        url: the Pushgateway base URL, e.g. ``http://pushgateway:9091`` (no trailing slash).
        username: basic-auth user name (the connection's login), if any.
        password: basic-auth password; only used with a ``username``.
        cafile: CA bundle to verify an HTTPS gateway.
        certfile: client certificate (PEM) for mutual TLS.
        keyfile: the client certificate's private key.
        insecure_skip_verify: do not verify the gateway's certificate (testing only).
    """

    url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    cafile: str | None = None
    certfile: str | None = None
    keyfile: str | None = None
    insecure_skip_verify: bool = False

    def push_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`~driftkl.integrations.prometheus.push_report`.

        Returns:
            ``gateway`` plus the auth and TLS arguments (``username``, ``password``,
            ``cafile``, ``certfile``, ``keyfile``, ``insecure_skip_verify``).
        """
        return {
            "gateway": self.url,
            "username": self.username,
            "password": self.password,
            "cafile": self.cafile,
            "certfile": self.certfile,
            "keyfile": self.keyfile,
            "insecure_skip_verify": self.insecure_skip_verify,
        }


def pushgateway_url(conn: ConnectionLike) -> str:
    """The Pushgateway URL held by an Airflow connection.

    ``AIRFLOW_CONN_X='http://host:9091'`` gives ``conn_type="http"``, host and port, and
    ``https://...`` gives ``https``. For other connection types (``driftkl_pushgateway``) the
    scheme is the connection's *schema* field when it is ``http`` or ``https`` (as for
    Airflow's HTTP connections), else ``http``. A host that already carries a scheme is used
    as is.

    >>> from types import SimpleNamespace as Conn
    >>> pushgateway_url(Conn(conn_type="driftkl_pushgateway", host="gw", port=9091, schema=""))
    'http://gw:9091'
    >>> pushgateway_url(Conn(conn_type="https", host="gw.example.com", port=None, schema=None))
    'https://gw.example.com'
    """
    host = str(conn.host or "")
    if "://" in host:
        base = host
    else:
        conn_type = (conn.conn_type or "").lower()
        schema = (conn.schema or "").lower()
        scheme = schema if schema in _SCHEMES else ("https" if conn_type == "https" else "http")
        base = f"{scheme}://{host}"
    if conn.port:
        base = f"{base.rstrip('/')}:{conn.port}"
    return base.rstrip("/")


def _flag(value: Any) -> bool:
    """A connection extra as a boolean: JSON extras may hold ``"false"`` as a string."""
    if isinstance(value, str):
        return value.strip().lower() in _TRUE_WORDS
    return bool(value)


class PushgatewayHook(BaseHook):
    """Push drift metrics to a Prometheus Pushgateway named by an Airflow connection.

    The connection's host (and port, and schema ``http``/``https``) give the gateway URL;
    login and password become basic auth; the extras ``cafile``, ``certfile``, ``keyfile`` and
    ``insecure_skip_verify`` become the TLS settings. Connections of type
    ``driftkl_pushgateway`` (``AIRFLOW_CONN_X='driftkl-pushgateway://user:pw@gw:9091/https'``)
    and plain ``http`` / ``https`` connections are read the same way.

    Args:
        pushgateway_conn_id: the Airflow connection id.
        logger_name: passed to ``BaseHook``.
    """

    conn_name_attr = "pushgateway_conn_id"
    default_conn_name = "driftkl_pushgateway_default"
    conn_type = "driftkl_pushgateway"
    hook_name = "driftkl Pushgateway"

    def __init__(
        self, pushgateway_conn_id: str = default_conn_name, *, logger_name: str | None = None
    ) -> None:
        """Store the connection id; the connection is read when it is used."""
        super().__init__(logger_name=logger_name)
        self.pushgateway_conn_id = pushgateway_conn_id

    def get_conn(self) -> PushgatewayTarget:
        """Read the connection into the push target (URL, auth, TLS settings).

        Returns:
            The :class:`PushgatewayTarget`; its :meth:`~PushgatewayTarget.push_kwargs` are the
            arguments of :func:`driftkl.integrations.prometheus.push_report`.
        """
        conn = self.get_connection(self.pushgateway_conn_id)
        extra = conn.extra_dejson or {}
        tls = {name: _extra(extra, name, self.conn_type) for name in TLS_EXTRAS}
        return PushgatewayTarget(
            url=pushgateway_url(conn),
            username=conn.login or None,
            password=conn.password if conn.login else None,
            cafile=tls["cafile"] or None,
            certfile=tls["certfile"] or None,
            keyfile=tls["keyfile"] or None,
            insecure_skip_verify=_flag(tls["insecure_skip_verify"]),
        )

    def push_report(
        self, report: DriftReport, *, job: str, grouping_key: Mapping[str, str]
    ) -> PushResult:
        """Replace the report's Pushgateway group with its metrics (HTTP PUT).

        Raises:
            MissingExtraError: ``driftkl[prometheus]`` is not installed.
            PushError: the gateway could not be reached after the retries.
        """
        return self._push("push_report", report, job=job, grouping_key=dict(grouping_key))

    def push_failure(
        self, *, dataset: str, job: str, grouping_key: Mapping[str, str]
    ) -> PushResult:
        """Record a failed check in the group (only the failure timestamps change).

        Raises:
            MissingExtraError: ``driftkl[prometheus]`` is not installed.
            PushError: the gateway could not be reached after the retries.
        """
        return self._push("push_failure", dataset=dataset, job=job, grouping_key=dict(grouping_key))

    def _push(self, function: str, /, *args: Any, **kwargs: Any) -> PushResult:
        """Call ``driftkl.integrations.prometheus.<function>`` with this connection's target.

        The integration is imported before the connection is read, so a missing extra is
        reported first.
        """
        push = getattr(_prometheus(), function)
        result: PushResult = push(*args, **kwargs, **self.get_conn().push_kwargs())
        return result


def _extra(extra: Mapping[str, Any], name: str, conn_type: str) -> Any:
    """An extra by its name, or by the ``extra__<conn_type>__<name>`` form older UIs save."""
    return extra.get(name, extra.get(f"extra__{conn_type}__{name}"))


def _prometheus() -> Any:
    """The Prometheus integration, imported on first push.

    Lazy because it is an optional extra (``driftkl[prometheus]``): a DAG without
    ``prometheus_conn_id`` must work without ``prometheus_client``.
    """
    return import_optional(
        "driftkl.integrations.prometheus",
        extra="prometheus",
        feature="DriftCheckOperator(prometheus_conn_id=...)",
    )
