"""A tiny Alertmanager webhook receiver for the demo stack: prints each notification as JSON.

Run: ``python alert_receiver.py [PORT [HOST]]`` (default 5001 on 0.0.0.0). In docker-compose.yml
it is the ``alert-receiver`` service that ``configs/prometheus/alertmanager.yml`` sends to;
replace it with Slack, PagerDuty or e-mail receivers in production. Standard library only.
"""

# ruff: noqa: INP001 - a standalone script mounted into a container, not a package
from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        for alert in body.get("alerts", []):
            line = {"receiver": self.path.strip("/"), "status": alert.get("status")}
            line.update(alert.get("labels", {}))
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Silence the per-request access log; the alerts are printed instead."""


def main(argv: list[str]) -> None:
    """Serve on HOST:PORT until interrupted."""
    port = int(argv[1]) if len(argv) > 1 else 5001
    host = argv[2] if len(argv) > 2 else "0.0.0.0"  # noqa: PLR2004, S104 - a container service
    server = ThreadingHTTPServer((host, port), _Receiver)
    sys.stdout.write(f"alert receiver listening on {host}:{port}\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


if __name__ == "__main__":
    main(sys.argv)
