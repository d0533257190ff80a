"""How a push reaches the Pushgateway: one factory for ``prometheus_client`` push handlers.

A push handler is what ``prometheus_client.push_to_gateway(..., handler=...)`` calls with
``(url, method, timeout, headers, data)``; it returns the callable that sends the request and
raises on failure. :func:`push_handler` builds one from the user's settings, once per push:

* no settings: ``prometheus_client``'s own ``default_handler`` (HTTP, or HTTPS verified
  against the system's CA certificates);
* a CA bundle, a client certificate or ``insecure_skip_verify``: an HTTPS handler with one TLS
  context built from them. (``prometheus_client``'s ``tls_auth_handler`` needs a client
  certificate, so it cannot serve a gateway that only has a private CA.)
* ``username``: an HTTP Basic ``Authorization`` header added to every request, on top of
  either of the above. (``prometheus_client``'s ``basic_auth_handler`` always sends through
  ``default_handler``, so it cannot be combined with a TLS context.)
"""

from __future__ import annotations

import base64
import ssl
from collections.abc import Callable
from urllib.request import HTTPSHandler, Request, build_opener

from prometheus_client.exposition import default_handler

from driftkl.errors import ConfigError

__all__ = ["PushHandler", "push_handler"]

#: ``prometheus_client``'s push-handler signature: ``(url, method, timeout, headers, data)``
#: returning the callable that sends the request.
PushHandler = Callable[[str, str, float | None, list[tuple[str, str]], bytes], Callable[[], None]]


def push_handler(
    *,
    username: str | None = None,
    password: str | None = None,
    cafile: str | None = None,
    certfile: str | None = None,
    keyfile: str | None = None,
    insecure_skip_verify: bool = False,
) -> PushHandler:
    """The push handler for these auth and TLS settings (files are read here, once).

    Args:
        username: HTTP Basic user name; ``None`` sends no ``Authorization`` header.
        password: HTTP Basic password (``None`` is the empty password).
        cafile: CA bundle (PEM) to verify an HTTPS gateway.
        certfile: client certificate (PEM) for mutual TLS.
        keyfile: the client certificate's private key (``None``: it is in ``certfile``).
        insecure_skip_verify: do not verify the gateway's certificate (testing only).

    Returns:
        A handler for ``prometheus_client.push_to_gateway`` and ``pushadd_to_gateway``.

    Raises:
        ConfigError: a CA, certificate or key file cannot be read or is not valid PEM.
    """
    handler: PushHandler = default_handler
    context = _tls_context(cafile, certfile, keyfile, insecure_skip_verify=insecure_skip_verify)
    if context is not None:
        handler = _https_handler(context)
    if username is not None:
        handler = _basic_auth(handler, username, password or "")
    return handler


def _tls_context(
    cafile: str | None, certfile: str | None, keyfile: str | None, *, insecure_skip_verify: bool
) -> ssl.SSLContext | None:
    """A client TLS context for these settings; ``None`` when the defaults will do."""
    if not (cafile or certfile or insecure_skip_verify):
        return None
    try:
        context = ssl.create_default_context(cafile=cafile)
        if certfile:
            context.load_cert_chain(certfile=certfile, keyfile=keyfile)
    except OSError as exc:  # missing files; ssl.SSLError (bad PEM) is an OSError too
        raise ConfigError(
            f"could not load the TLS files for the Pushgateway (cafile={cafile!r}, "
            f"certfile={certfile!r}, keyfile={keyfile!r}): {exc}. Hint: pass readable PEM "
            "files; keyfile may be left out when certfile holds the key"
        ) from exc
    if insecure_skip_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _https_handler(context: ssl.SSLContext) -> PushHandler:
    """A push handler whose HTTPS requests use ``context``."""
    opener = build_opener(HTTPSHandler(context=context))

    def handler(
        url: str, method: str, timeout: float | None, headers: list[tuple[str, str]], data: bytes
    ) -> Callable[[], None]:
        def send() -> None:
            request = Request(url, data=data, method=method, headers=dict(headers))  # noqa: S310 - the user's gateway URL
            with opener.open(request, timeout=timeout) as response:
                response.read()

        return send

    return handler


def _basic_auth(inner: PushHandler, username: str, password: str) -> PushHandler:
    """``inner`` with an HTTP Basic ``Authorization`` header on every request."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    authorization = ("Authorization", f"Basic {token}")

    def handler(
        url: str, method: str, timeout: float | None, headers: list[tuple[str, str]], data: bytes
    ) -> Callable[[], None]:
        return inner(url, method, timeout, [*headers, authorization], data)

    return handler
