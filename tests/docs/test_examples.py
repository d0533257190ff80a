"""Every example in docs/*.md and README.md runs, in a temporary folder with the demo data.

``python`` blocks run in order per page (``pycon`` blocks as doctests, their output checked),
in a fresh interpreter; ``driftkl`` commands of ``bash`` / ``console`` blocks run in a shell and
their exit codes are checked (0 unless the line says ``# exits N``). Examples that talk to the
Pushgateway at ``http://127.0.0.1:9091`` run against a real Pushgateway started on a free port.
A block that cannot run is marked ``<!-- not-run: reason -->`` on the line before it; the
markers are counted so that they stay rare.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from docs.markdown_blocks import REPO, SHELL, Block, blocks, not_run_markers, pages, shell_commands

if TYPE_CHECKING:
    from collections.abc import Iterator

#: At most this many blocks in all the pages may be marked not-run.
MAX_NOT_RUN = 6
DOCUMENTED_GATEWAY = "http://127.0.0.1:9091"
PAGES = pages()
RUNNER = Path(__file__).with_name("example_runner.py")


def page_id(page: Path) -> str:
    """The page's path relative to the repository."""
    return page.relative_to(REPO).as_posix()


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder ``driftkl demo --dir sample-data`` writes, made once."""
    root = tmp_path_factory.mktemp("demo")
    proc = subprocess.run(
        [sys.executable, "-m", "driftkl", "demo", "--dir", "sample-data"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return root / "sample-data"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Pushgateway on a free port (started only for pages that push)."""
    from integration.prometheus.prom_helpers import start_pushgateway  # noqa: PLC0415

    svc, url = start_pushgateway(tmp_path_factory.mktemp("pushgateway"))
    yield url
    svc.stop()


def workdir_for(page: Path, demo_data: Path, tmp_path: Path) -> Path:
    """A fresh folder holding the demo data and the repository's configs/, as a reader's clone."""
    work = tmp_path / page.stem
    shutil.copytree(demo_data, work / "sample-data")
    shutil.copytree(REPO / "configs", work / "configs")
    return work


def environment(work: Path) -> dict[str, str]:
    """The examples' environment: the venv's driftkl first on PATH, Airflow state in ``work``."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["AIRFLOW_HOME"] = str(work / ".airflow")
    env["MPLBACKEND"] = "Agg"
    env["NO_COLOR"] = "1"
    return env


def run_python(page: Path, python: list[Block], work: Path, env: dict[str, str]) -> None:
    """Run the page's Python blocks in order in one fresh interpreter; fail with its output."""
    spec = [{"lang": b.lang, "code": b.code, "name": page_id(page), "line": b.line} for b in python]
    (work / "blocks.json").write_text(json.dumps(spec))
    proc = subprocess.run(
        [sys.executable, str(RUNNER), "blocks.json"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert proc.returncode == 0, (
        f"{page_id(page)}: Python example failed\n{proc.stdout}\n{proc.stderr}"
    )


def page_blocks(page: Path) -> list[Block]:
    """The page's fenced blocks."""
    return blocks(page.read_text(encoding="utf-8"), page_id(page))


def marked(page: Path) -> Any:
    """The page as a test parameter, with the markers of the real services its examples use."""
    text = page.read_text(encoding="utf-8")
    marks = [
        mark
        for needle, mark in (
            ("from airflow", pytest.mark.airflow),
            (DOCUMENTED_GATEWAY, pytest.mark.prometheus),
            ("LocalCluster", pytest.mark.dask),
            ('engine="spark"', pytest.mark.spark),
        )
        if needle in text
    ]
    return pytest.param(page, marks=marks, id=page_id(page))


@pytest.mark.parametrize("page", [marked(p) for p in PAGES])
def test_page_examples_run(page: Path, demo_data: Path, tmp_path: Path, request: Any) -> None:
    """Each page's Python examples and driftkl commands run and exit as documented."""
    work = workdir_for(page, demo_data, tmp_path)
    env = environment(work)
    found = page_blocks(page)
    if any(DOCUMENTED_GATEWAY in b.code for b in found if b.not_run is None):
        url = request.getfixturevalue("gateway")
        found = [
            Block(b.page, b.lang, b.code.replace(DOCUMENTED_GATEWAY, url), b.line, b.not_run)
            for b in found
        ]
    runnable = [b for b in found if b.not_run is None]
    python = [b for b in runnable if b.lang in ("python", "pycon")]
    if python:
        run_python(page, python, work, env)
    for block in runnable:
        if block.lang not in SHELL:
            continue
        commands, unrun = shell_commands(block)
        assert not unrun, (
            f"{page_id(page)}:{block.line}: runs driftkl in a way the test cannot ({unrun}); "
            "start the line with driftkl or mark the block <!-- not-run: reason -->"
        )
        for cmd in commands:
            proc = subprocess.run(
                ["bash", "-c", cmd.text],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                check=False,
                timeout=600,
            )
            assert proc.returncode == cmd.expected_exit, (
                f"{page_id(page)}:{cmd.line}: `{cmd.text}` exited {proc.returncode}, "
                f"documented {cmd.expected_exit}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
            )


def test_not_run_markers_are_rare_and_mark_blocks() -> None:
    """Few blocks are marked not-run, each with a reason and directly above a code block."""
    marked = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        reasons = not_run_markers(text)
        on_blocks = [b for b in page_blocks(page) if b.not_run is not None]
        assert len(on_blocks) == len(reasons), (
            f"{page_id(page)}: a not-run marker is not above a block"
        )
        marked += [f"{page_id(page)}:{b.line}: {b.not_run}" for b in on_blocks]
    assert len(marked) <= MAX_NOT_RUN, "too many examples marked not-run:\n" + "\n".join(marked)
    assert all(len(m.split(": ", 1)[1]) >= 20 for m in marked), marked


def test_every_page_has_a_runnable_example_or_none_to_run() -> None:
    """The parser sees the examples: the getting-started page has Python and driftkl commands."""
    found = page_blocks(REPO / "docs" / "getting-started.md")
    assert any(b.lang == "python" and b.not_run is None for b in found)
    commands = [
        c for b in found if b.lang in SHELL and b.not_run is None for c in shell_commands(b)[0]
    ]
    assert any(c.expected_exit == 1 for c in commands)
    assert any(c.text.startswith("driftkl profile") for c in commands)


def test_parser_joins_continuations_and_reads_markers() -> None:
    """Continued lines join, console output is not a command, markers attach to the next block."""
    text = (
        "<!-- not-run: needs a cluster that is not here -->\n"
        "```bash\ndriftkl compare a b \\\n    --fail-on-drift  # exits 1\n```\n\n"
        "```console\n$ driftkl demo\ndriftkl: output line\n$ cd x && driftkl demo\n```\n"
    )
    first, second = blocks(text, "t.md")
    assert first.not_run == "needs a cluster that is not here"
    (cmd,), _ = shell_commands(first)
    assert cmd.text.startswith("driftkl compare a b --fail-on-drift") and cmd.expected_exit == 1
    assert second.not_run is None
    cmds, unrun = shell_commands(second)
    assert [c.text for c in cmds] == ["driftkl demo"] and unrun == ["cd x && driftkl demo"]
