"""The CLI's failure behaviour: one exit code per meaning, no traceback, no lost output."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest
from helpers import run_python

import driftkl
from driftkl.cli import EXIT_BUG, EXIT_ERROR, EXIT_EXPORT, EXIT_INTERRUPTED, main

THRESHOLDS_ONLY = "significance: {enabled: false}\nthreshold_on: plug_in\n"


@pytest.fixture
def files(tmp_path, classic):
    """The classic example as Parquet files and a drifted-on-threshold config."""
    ref, cur = classic
    ref.to_parquet(tmp_path / "ref.parquet")
    cur.to_parquet(tmp_path / "cur.parquet")
    (tmp_path / "cfg.yaml").write_text(THRESHOLDS_ONLY)
    return tmp_path / "ref.parquet", tmp_path / "cur.parquet"


def _boom(*_args, **_kwargs):
    raise RuntimeError("kaboom\nsecond line")


def test_crash_is_exit_4_with_one_line_and_no_traceback(files, capsys, monkeypatch):
    """An exception driftkl did not raise on purpose exits 4 (never 1) with one bug line."""
    monkeypatch.setattr(driftkl, "compare", _boom)
    ref, cur = files
    assert main(["compare", str(ref), str(cur), "--fail-on-drift"]) == EXIT_BUG
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("driftkl: internal error: RuntimeError: kaboom\\nsecond line")
    assert "bug" in err and "--debug" in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_prints_the_traceback(files, capsys, monkeypatch, where):
    """--debug (before or after the subcommand) adds the traceback to the bug line."""
    monkeypatch.setattr(driftkl, "compare", _boom)
    ref, cur = files
    argv = ["compare", str(ref), str(cur)]
    argv = ["--debug", *argv] if where == "before" else [*argv, "--debug"]
    assert main(argv) == EXIT_BUG
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "_boom" in err
    assert err.rstrip().splitlines()[-1].startswith("driftkl: internal error: RuntimeError")


def test_sigint_exits_130_with_one_line(files):
    """Ctrl-C during a comparison: exit 130, 'driftkl: interrupted', no traceback."""
    code = (
        "import os, signal, sys, time, driftkl\n"
        "from driftkl.cli import main\n"
        "def slow(*a, **k):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(30)\n"
        "driftkl.compare = slow\n"
        "sys.exit(main(['compare', sys.argv[1], sys.argv[2]]))\n"
    )
    proc = run_python(code, *files, timeout=60)
    assert proc.returncode == EXIT_INTERRUPTED
    assert proc.stderr == "driftkl: interrupted\n"


def test_stdout_on_a_full_device_is_a_message_not_a_traceback(files):
    """`> /dev/full`: a message naming standard output and exit 3, the report still saved."""
    out = files[0].parent / "report.json"
    code = (
        "import os, sys\n"
        "os.dup2(os.open('/dev/full', os.O_WRONLY), 1)\n"
        "from driftkl.cli import main\n"
        "argv = ['compare', sys.argv[1], sys.argv[2], '--format', 'json', '-o', sys.argv[3]]\n"
        "sys.exit(main(argv))\n"
    )
    proc = run_python(code, *files, out, timeout=120)
    assert proc.returncode == EXIT_EXPORT, proc.stderr
    assert "could not write to standard output: No space left on device" in proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert json.loads(out.read_text())["schema"] == "driftkl.report"


def test_closed_pipe_is_not_an_error(files):
    """`| head` closing the pipe early: no message, the exit code is the comparison's."""
    code = (
        "import os, sys\n"
        "r, w = os.pipe(); os.close(r); os.dup2(w, 1)\n"
        "from driftkl.cli import main\n"
        "sys.exit(main(['compare', sys.argv[1], sys.argv[2], '--format', 'json']))\n"
    )
    proc = run_python(code, *files, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


@pytest.mark.parametrize("rows", ["-5", "0", "ten"])
def test_demo_rows_must_be_positive(rows, capsys):
    """`demo --rows -5` is a usage error (exit 2) naming --rows, before any file is written."""
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--rows", rows, "--dir", "/nonexistent/never-created"])
    assert exc.value.code == EXIT_ERROR
    assert "--rows" in capsys.readouterr().err
    assert not Path("/nonexistent/never-created").exists()


def test_serve_port_out_of_range_is_a_usage_error(tmp_path, capsys):
    """`serve --port 70000` exits 2 with argparse's message, no traceback."""
    with pytest.raises(SystemExit) as exc:
        main(["serve", str(tmp_path), "--port", "70000"])
    assert exc.value.code == EXIT_ERROR
    assert "--port: must be from 0 to 65535" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["directory", "fifo", "file-as-folder"])
def test_bad_output_is_refused_before_any_work(files, capsys, monkeypatch, kind):
    """--output to a directory, a FIFO or under a file: exit 2 before comparing, target kept."""
    monkeypatch.setattr(driftkl, "compare", _boom)  # reached only if the check came too late
    ref, cur = files
    target = ref.parent / "out.json"
    if kind == "directory":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target.write_text("x")
        target = target / "report.json"
    assert main(["compare", str(ref), str(cur), "--output", str(target)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith("driftkl: error: --output") and "out.json" in err
    if kind == "fifo":
        assert stat.S_ISFIFO((ref.parent / "out.json").stat().st_mode)


def test_failed_output_still_prints_and_exits_3(files, capsys, monkeypatch):
    """A full disk for --output: the report is printed, the old file kept, exit 3 names it."""
    ref, cur = files
    out = ref.parent / "report.json"
    out.write_text("previous")
    real_fsync = os.fsync

    def full_for_reports(fd):
        if "report.json" in str(Path(f"/proc/self/fd/{fd}").readlink()):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_for_reports)
    args = ["compare", str(ref), str(cur), "--config", str(ref.parent / "cfg.yaml")]
    assert main([*args, "-o", str(out), "--fail-on-drift", "--format", "json"]) == EXIT_EXPORT
    captured = capsys.readouterr()
    assert json.loads(captured.out)["summary"]["status"] == "drift"
    assert "could not write the JSON report: " in captured.err and str(out) in captured.err
    assert "No space left on device" in captured.err
    assert out.read_text() == "previous"


def test_output_through_a_symlink_keeps_the_link(files, capsys):
    """--output to a symlink writes the report into its target and leaves the link."""
    ref, cur = files
    target = ref.parent / "real.json"
    link = ref.parent / "latest.json"
    link.symlink_to(target)
    assert main(["compare", str(ref), str(cur), "--output", str(link)]) == 0
    capsys.readouterr()
    assert link.is_symlink() and json.loads(target.read_text())["schema"] == "driftkl.report"


def test_profile_output_refused_before_fitting(files, capsys, monkeypatch):
    """`profile -o DIR` exits 2 naming the option before the reference is read."""
    monkeypatch.setattr(driftkl, "profile", _boom)
    assert main(["profile", str(files[0]), "-o", str(files[0].parent)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith("driftkl: error: -o/--output: refusing to write") and "directory" in err


def test_profile_write_failure_exits_2_with_the_path(files, capsys, monkeypatch):
    """A profile that cannot be written after fitting: exit 2 and a message naming the path."""
    out = files[0].parent / "ref.profile.json"

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert main(["profile", str(files[0]), "-o", str(out)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "could not write the profile: " in err and str(out) in err
    assert not out.exists()


def test_error_messages_neutralise_control_characters(files, capsys):
    """A file name carrying an escape sequence is shown escaped in the error message."""
    assert main(["compare", str(files[0]), "\x1b]0;owned\x07.parquet"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b]0;owned\\x07" in err
