"""Helpers for the Prometheus integration tests: real binaries on 127.0.0.1 free ports."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import ssl

REPO = Path(__file__).resolve().parents[3]
CONFIGS = REPO / "configs"
DEADLINE = 60.0


def require_binary(name: str) -> str:
    """The binary's path; fails (never skips) when it is not installed."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"{name} is not installed; the Prometheus tests need real binaries. "
            "Install them with: apt-get install prometheus prometheus-pushgateway "
            "prometheus-alertmanager docker-compose"
        )
    return path


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    timeout: float = 5,
    context: ssl.SSLContext | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """The body of an HTTP response (raises on HTTP errors)."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310 - local test URL
    with urllib.request.urlopen(req, timeout=timeout, context=context) as resp:  # noqa: S310
        body: bytes = resp.read()
        return body


def http_json(url: str, **kwargs: Any) -> Any:
    """An HTTP response body parsed as JSON."""
    return json.loads(http(url, **kwargs))


def wait_until(fn: Any, what: str, deadline: float = DEADLINE, interval: float = 0.25) -> Any:
    """Poll ``fn`` until it returns something truthy; fail naming ``what`` after ``deadline``."""
    end = time.monotonic() + deadline
    last_exc: BaseException | None = None
    while time.monotonic() < end:
        try:
            value = fn()
        except (OSError, ValueError, KeyError) as exc:
            last_exc, value = exc, None
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {deadline:.0f}s waiting for {what} (last error: {last_exc})")
    return None  # pragma: no cover


class Service:
    """A real server process with a readiness URL; its log is kept for failure messages."""

    def __init__(
        self,
        name: str,
        args: list[str],
        ready_url: str,
        workdir: Path,
        *,
        context: ssl.SSLContext | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Start the process; wait until ``ready_url`` answers 200 (sent with context, headers)."""
        self.name = name
        self.log = workdir / f"{name}.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)

        def ready() -> bool:
            if self.proc.poll() is not None:
                pytest.fail(f"{name} exited with {self.proc.returncode}:\n{self.tail()}")
            http(ready_url, timeout=2, context=context, headers=headers)
            return True

        wait_until(ready, f"{name} to become ready at {ready_url}")
        time.sleep(0.2)
        if self.proc.poll() is not None:  # something else answered on our port
            pytest.fail(f"{name} exited with {self.proc.returncode}:\n{self.tail()}")

    def tail(self, n: int = 4000) -> str:
        """The end of the process log."""
        return self.log.read_text(errors="replace")[-n:]

    def stop(self) -> None:
        """Terminate the process (kill after 10 s)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def start_pushgateway(
    workdir: Path,
    *,
    web_config: str | None = None,
    context: ssl.SSLContext | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[Service, str]:
    """A real Pushgateway on a free port; returns the service and its URL.

    ``web_config`` is the YAML of an exporter-toolkit web config (TLS, client certificates,
    Basic auth); ``context`` (which makes the URL ``https``) and ``headers`` are what a client
    then needs.
    """
    port = free_port()
    url = f"{'https' if context else 'http'}://127.0.0.1:{port}"
    args = [
        require_binary("prometheus-pushgateway"),
        f"--web.listen-address=127.0.0.1:{port}",
        # Debian's build defaults to /var/lib/prometheus/pushgateway.data: keep state private
        f"--persistence.file={workdir / 'pushgateway.data'}",
    ]
    if web_config is not None:
        (workdir / "web.yml").write_text(web_config)
        args.append(f"--web.config.file={workdir / 'web.yml'}")
    svc = Service("pushgateway", args, f"{url}/-/ready", workdir, context=context, headers=headers)
    body = http_json(f"{url}/api/v1/metrics", context=context, headers=headers)
    assert body["data"] == []  # starts empty, private state
    return svc, url


class WebhookReceiver:
    """Records the JSON bodies Alertmanager posts to it."""

    def __init__(self) -> None:
        """Listen on a free 127.0.0.1 port in a daemon thread."""
        self.posts: list[dict[str, Any]] = []
        received = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append({"path": self.path, **json.loads(body)})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def alerts(self, status: str) -> list[dict[str, Any]]:
        """Every alert received so far with ``status`` (firing or resolved)."""
        return [a for p in list(self.posts) for a in p["alerts"] if a["status"] == status]

    def stop(self) -> None:
        """Stop listening."""
        self.server.shutdown()
        self.server.server_close()
