"""The CLI at a terminal's width: compact table, colour, help text, list flags and hints."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from helpers import run_cli

from driftkl.cli import EXIT_ERROR, EXIT_EXPORT, build_parser, main
from driftkl.cli.registry import COMMANDS

ESC = "\x1b["


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo's sample data (drifted), its reference profile and current file."""
    folder = tmp_path_factory.mktemp("demo")
    proc = run_cli("demo", "--dir", folder, "--rows", "5000", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return folder / "reference.profile.json", folder / "current.parquet"


@pytest.fixture(scope="module")
def wide_drift(tmp_path_factory):
    """40 drifted features with 60-character names and 150-character category values."""
    folder = tmp_path_factory.mktemp("wide")
    rng = np.random.default_rng(1)
    n = 4000
    long_value = "category value that goes on and on " * 4
    ref, cur = {}, {}
    for i in range(40):
        name = f"customer_segment_rolling_ninety_day_lifetime_value_feature_{i:02d}"
        if i % 2:
            ref[name] = rng.normal(size=n) * 1e6
            cur[name] = rng.normal(0.8, size=n) * 1e6
        else:
            cats = np.array([f"{long_value}{k}" for k in range(5)])
            ref[name] = cats[rng.integers(0, 5, n)]
            cur[name] = cats[rng.integers(0, 2, n)]
    pd.DataFrame(ref).to_parquet(folder / "ref.parquet")
    pd.DataFrame(cur).to_parquet(folder / "cur.parquet")
    return folder / "ref.parquet", folder / "cur.parquet"


def _longest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


@pytest.mark.parametrize("columns", [80, 120])
def test_demo_compare_fits_the_terminal(demo, capsys, monkeypatch, columns):
    """At COLUMNS=80 (and 120) no line of the compare table is longer than the width."""
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["compare", *map(str, demo)]) == 0
    out = capsys.readouterr().out
    assert _longest(out) <= columns, out
    assert re.search(r"^amount +(num +)?DRIFT", out, flags=re.MULTILINE)
    assert re.search(r"^  top: ", out, flags=re.MULTILINE)  # top bins on their own line
    assert "KL = kl_divergence D(current‖reference) [bits]" in out.replace("\n  ", " ")
    assert ESC not in out  # captured stdout is not a terminal


def test_wide_drifted_table_fits_80_columns(wide_drift, capsys, monkeypatch):
    """40 drifted features with long names and long category values: every line <= 80."""
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["compare", *map(str, wide_drift)]) == 0
    out = capsys.readouterr().out
    assert _longest(out) <= 80, max(out.splitlines(), key=len)
    assert out.count("DRIFT") == 40
    assert "…" in out  # long names and values are shortened, not wrapped
    for fmt in ("wide", "markdown"):
        main(["compare", *map(str, wide_drift), "--format", fmt])
        assert _longest(capsys.readouterr().out) > 80  # the full forms are not cut


def test_markdown_is_no_wider_than_needed(demo, capsys):
    """Markdown uses short headers, the legend says what they mean, reasons are bullets."""
    main(["compare", *map(str, demo), "--format", "markdown"])
    md = capsys.readouterr().out
    header = next(line for line in md.splitlines() if line.startswith("| feature"))
    assert "KL (floor)" in header and "kl\\_divergence" not in header
    assert len(header) < 120
    assert "\n- **amount**: " in md


def test_colour_only_when_asked_or_on_a_terminal(demo, capsys, monkeypatch):
    """--color always colours the status; NO_COLOR and pipes get none with auto."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    main(["compare", *map(str, demo), "--color", "always"])
    out = capsys.readouterr().out
    assert f"{ESC}1;31mDRIFT{ESC}0m" in out
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert _longest(plain) <= 80  # padding is outside the colour codes
    main(["compare", *map(str, demo), "--color", "never"])
    assert ESC not in capsys.readouterr().out

    class Tty:
        def __init__(self, real):
            self.real = real

        def isatty(self):
            return True

        def __getattr__(self, name):
            return getattr(self.real, name)

    monkeypatch.setattr("sys.stdout", Tty(__import__("sys").stdout))
    monkeypatch.setenv("NO_COLOR", "1")
    main(["compare", *map(str, demo)])
    assert ESC not in capsys.readouterr().out
    monkeypatch.delenv("NO_COLOR")
    main(["compare", *map(str, demo)])
    assert ESC in capsys.readouterr().out


def test_help_shows_defaults_exit_codes_and_examples(capsys, monkeypatch):
    """`--help` lists exit codes, examples and defaults, within 80 columns."""
    monkeypatch.setenv("COLUMNS", "80")
    for command in [None, *(c.name for c in COMMANDS)]:
        with pytest.raises(SystemExit) as exc:
            main(["--help"] if command is None else [command, "--help"])
        assert exc.value.code == 0
        text = capsys.readouterr().out
        assert "exit codes:" in text and "130" in text and "--fail-on-drift" in text
        assert "examples:" in text and f"driftkl {command or 'compare'} " in text
        assert _longest(text) <= 80, max(text.splitlines(), key=len)
        if command == "compare":
            words = " ".join(text.split())  # argparse wraps help texts at the width
            assert "(default: driftkl)" in words and "(default: auto)" in words


def test_exclude_cannot_swallow_the_positionals():
    """`--exclude COL ref cur` keeps ref and cur as the positionals; commas and repeats add."""
    parser = build_parser()
    args = parser.parse_args(["compare", "--exclude", "id", "ref.parquet", "cur.parquet"])
    assert (args.exclude, args.reference, args.current) == (["id"], "ref.parquet", "cur.parquet")
    args = parser.parse_args(
        ["compare", "r", "c", "--exclude", "a,b", "--exclude", "c", "--include", "x"]
    )
    assert args.exclude == ["a", "b", "c"] and args.include == ["x"]
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(["compare", "r", "c", "--exclude", "a,,b"])
    assert exc.value.code == EXIT_ERROR


def test_swapped_arguments_get_a_hint(demo, tmp_path, capsys):
    """A profile or report given as data names which argument goes where (exit 2)."""
    profile, current = map(str, demo)
    report = tmp_path / "report.json"
    assert main(["compare", profile, current, "--format", "json", "-o", str(report)]) == 0
    capsys.readouterr()
    cases = [
        (["compare", current, profile], f"driftkl compare {profile} {current}"),
        (["compare", str(report), current], "REFERENCE"),
        (["compare", profile, str(report)], "CURRENT"),
        (["profile", profile, "-o", str(tmp_path / "p.json")], "is already a profile"),
    ]
    for argv, expected in cases:
        assert main(argv) == EXIT_ERROR
        err = capsys.readouterr().err
        assert err.startswith("driftkl: error:") and expected in err, err
        assert "magic bytes" not in err


def test_default_dataset_with_pushgateway_warns(demo, capsys):
    """--pushgateway without --dataset warns that push groups of different checks collide."""
    pytest.importorskip("prometheus_client")
    argv = ["compare", *map(str, demo), "--format", "json"]
    push = ["--pushgateway", "http://127.0.0.1:9", "--push-retries", "0", "--push-timeout", "2"]
    assert main([*argv, *push]) == EXIT_EXPORT  # nothing listens on port 9
    captured = capsys.readouterr()
    assert "warning: pushing with dataset 'default'" in captured.err
    assert "--dataset NAME" in captured.err
    assert json.loads(captured.out)["dataset"] == "default"
    main([*argv, *push, "--dataset", "orders"])
    assert "warning" not in capsys.readouterr().err
