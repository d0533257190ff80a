"""How a push reaches the Pushgateway: one factory for ``prometheus_client`` push handlers.

A push handler is what ``prometheus_client.push_to_gateway(..., handler=...)`` calls with
``(url, method, timeout, headers, data)``; it returns the callable that sends the request and
raises on failure. :func:`push_handler` builds one from the user's settings, once per push:

* no settings: HTTP, or HTTPS verified against the system's CA certificates;
* a CA bundle, a client certificate or ``insecure_skip_verify``: HTTPS with one TLS context
  built from them. (``prometheus_client``'s ``tls_auth_handler`` needs a client certificate, so
  it cannot serve a gateway that only has a private CA.)
* ``username``: an HTTP Basic ``Authorization`` header added to every request, on top of
  either of the above. (``prometheus_client``'s ``basic_auth_handler`` always sends through
  its ``default_handler``, so it cannot be combined with a TLS context.)

``timeout`` bounds the whole request, not each socket read: a gateway that answers one byte a
second would never trip a per-read timeout. A timer shuts the connection's socket down when the
time is up, so the blocked read returns at once and the request fails with ``TimeoutError``
(nothing is left running). Proxies from the environment (``https_proxy`` ...) still apply.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import io
import socket
import ssl
import threading
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.error import HTTPError
from urllib.request import HTTPHandler, HTTPSHandler, Request, build_opener

from driftkl.errors import ConfigError

__all__ = ["Deadline", "PushHandler", "push_handler"]

#: Bytes of a gateway's answer that are read (its body is a short message or empty).
MAX_RESPONSE_BYTES = 64 * 1024

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
    context = _tls_context(cafile, certfile, keyfile, insecure_skip_verify=insecure_skip_verify)
    handler = _deadline_handler(context)
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


class Deadline:
    """A time limit for one request: when it passes, every watched socket is shut down.

    A shut-down socket makes a read blocked on it return at once, so a request that trickles
    in cannot outlive its deadline. ``seconds=None`` means no limit.
    """

    def __init__(self, seconds: float | None) -> None:
        """Start the timer (if there is a limit)."""
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        if seconds is not None:
            self._timer = threading.Timer(seconds, self._expire)
            self._timer.daemon = True
            self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the deadline passes (at once if it already has)."""
        watched = sock.dup()  # shutting down a duplicate stops the connection; TLS keeps it
        with self._lock:
            self._sockets.append(watched)
            if self.expired:
                self._shutdown(watched)

    def close(self) -> None:
        """Stop the timer and release the duplicates (the request has finished)."""
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            for s in self._sockets:
                s.close()
            self._sockets.clear()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for s in self._sockets:
                self._shutdown(s)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # already closed by the peer
            sock.shutdown(socket.SHUT_RDWR)


class _Watched(http.client.HTTPConnection):
    """An HTTP connection whose socket is handed to its :class:`Deadline` once connected."""

    deadline: Deadline

    def connect(self) -> None:
        super().connect()  # for HTTPS this runs before the TLS handshake (see the MRO below)
        self.deadline.watch(self.sock)


class _WatchedHTTPS(http.client.HTTPSConnection, _Watched):
    """HTTPS: ``HTTPSConnection.connect`` calls ``_Watched.connect``, then does its handshake."""


def _connection(kind: type[_Watched], deadline: Deadline, *args: Any, **kwargs: Any) -> _Watched:
    """What urllib calls to open a connection: ``kind(*args, **kwargs)`` bound to ``deadline``."""
    conn = kind(*args, **kwargs)
    conn.deadline = deadline
    return conn


class _DeadlineHTTPHandler(HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_connection, _Watched, self.deadline), req)


class _DeadlineHTTPSHandler(HTTPSHandler):
    def __init__(self, deadline: Deadline, context: ssl.SSLContext | None) -> None:
        super().__init__(context=context)
        self.deadline = deadline
        self.tls_context = context

    def https_open(self, req: Request) -> http.client.HTTPResponse:
        connection = partial(_connection, _WatchedHTTPS, self.deadline)
        return self.do_open(connection, req, context=self.tls_context)


def _send(
    context: ssl.SSLContext | None,
    *,
    url: str,
    method: str,
    timeout: float | None,
    headers: list[tuple[str, str]],
    data: bytes,
) -> None:
    """Send one request and read the answer, all within ``timeout`` seconds."""
    deadline = Deadline(timeout)
    opener = build_opener(_DeadlineHTTPHandler(deadline), _DeadlineHTTPSHandler(deadline, context))
    request = Request(url, data=data, method=method, headers=dict(headers))  # noqa: S310 - the user's gateway URL
    try:
        try:
            with opener.open(request, timeout=timeout) as response:
                response.read(MAX_RESPONSE_BYTES)
        except HTTPError as exc:  # read its body now, while the deadline still holds
            body = exc.read(MAX_RESPONSE_BYTES) if exc.fp is not None else b""
            exc.close()
            raise HTTPError(exc.url, exc.code, exc.msg, exc.hdrs, io.BytesIO(body)) from None
    except (OSError, http.client.HTTPException) as exc:
        if deadline.expired:
            raise TimeoutError(
                f"timed out: no complete answer within {timeout:g} s (the timeout bounds the "
                "whole request, not each read)"
            ) from exc
        raise
    finally:
        deadline.close()


def _deadline_handler(context: ssl.SSLContext | None) -> PushHandler:
    """A push handler whose requests each finish (or fail) within their ``timeout``."""

    def handler(
        url: str, method: str, timeout: float | None, headers: list[tuple[str, str]], data: bytes
    ) -> Callable[[], None]:
        return partial(
            _send, context, url=url, method=method, timeout=timeout, headers=headers, data=data
        )

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
