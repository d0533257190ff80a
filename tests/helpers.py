"""Helpers shared by the test suite: run Python or the CLI in a fresh process."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

OPTIONAL_LIBRARIES = (
    "airflow",
    "prometheus_client",
    "dask",
    "distributed",
    "scipy",
    "matplotlib",
    "polars",
    "duckdb",
    "pyspark",
    "py4j",
)


def run_python(
    code: str, *args: str | Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``python -c code args...`` in a fresh interpreter; stdout and stderr captured."""
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def run_cli(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m driftkl args...`` as a user would; stdout and stderr captured."""
    return subprocess.run(
        [sys.executable, "-m", "driftkl", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def modules_loaded_by(code: str) -> list[str]:
    """Which of :data:`OPTIONAL_LIBRARIES` a fresh interpreter has loaded after ``code``."""
    names = OPTIONAL_LIBRARIES
    probe = f"{code}\nimport sys\nprint(','.join(m for m in {names!r} if m in sys.modules))"
    proc = run_python(probe)
    assert proc.returncode == 0, proc.stderr
    return [m for m in proc.stdout.strip().split(",") if m]


def run_cli_on_terminal(
    *args: str | Path, columns: int = 80, timeout: float = 300
) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal of ``columns``; (exit code, stdout, stderr).

    stdout stays a pipe. The terminal's output is returned as written, except that the
    terminal's own ``\\r\\n`` for each newline is turned back into ``\\n``.
    """
    import fcntl  # noqa: PLC0415 - POSIX only, as pseudo-terminals are
    import os  # noqa: PLC0415
    import pty  # noqa: PLC0415
    import struct  # noqa: PLC0415
    import termios  # noqa: PLC0415
    import threading  # noqa: PLC0415

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    # as a user's shell: no COLUMNS, and no Airflow task context left by other tests
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS" and "AIRFLOW_CTX" not in k}
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: every copy of the terminal's other end is closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    with subprocess.Popen(
        [sys.executable, "-m", "driftkl", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
    ) as proc:
        os.close(slave)
        out, _ = proc.communicate(timeout=timeout)
    reader.join(timeout=10)
    os.close(master)
    err = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return proc.returncode, out, err
