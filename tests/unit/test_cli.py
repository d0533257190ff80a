"""The driftkl command line: profile, compare, demo, formats and exit codes."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from helpers import run_cli

import driftkl
from driftkl.cli import main
from driftkl.render.text import format_p_value


@pytest.fixture
def classic_files(tmp_path, classic):
    ref, cur = classic
    ref.to_parquet(tmp_path / "ref.parquet")
    cur.to_parquet(tmp_path / "cur.parquet")
    return tmp_path / "ref.parquet", tmp_path / "cur.parquet"


def test_worked_example_through_cli_json(classic_files, tmp_path, capsys):
    """`driftkl profile` then `compare --format json` prints the published values."""
    ref, cur = classic_files
    prof = tmp_path / "ref.profile.json"
    assert main(["profile", str(ref), "-o", str(prof)]) == 0
    assert driftkl.Profile.load(prof).names == ("x",)
    capsys.readouterr()
    code = main(
        [
            "compare",
            str(prof),
            str(cur),
            "--format",
            "json",
            "--pseudo-count",
            "0",
            "--direction",
            "reference||current",
            "--base",
            "2",
        ]
    )
    assert code == 0
    d = json.loads(capsys.readouterr().out)
    kl = d["features"][0]["metrics"]["kl_divergence"]
    assert kl["value"] == pytest.approx(0.471229, abs=1e-6)
    assert (kl["unit"], kl["direction"]) == ("bits", "reference||current")
    js = d["features"][0]["metrics"]["js_divergence"]
    assert js["value"] == pytest.approx(0.098045, abs=1e-6)
    code = main(
        [
            "compare",
            str(ref),
            str(cur),
            "--format",
            "json",
            "--pseudo-count",
            "0",
            "--direction",
            "current||reference",
            "--base",
            "e",
        ]
    )
    d = json.loads(capsys.readouterr().out)
    assert d["features"][0]["metrics"]["kl_divergence"]["value"] == pytest.approx(
        0.250201, abs=1e-6
    )


def test_exit_codes(classic_files, capsys):
    """0 without --fail-on-drift, 1 with it on drift, 2 on input errors."""
    ref, cur = classic_files
    # 5 vs 10 rows is never significant at alpha 0.01: test the threshold rule alone
    cfg = ref.parent / "thresholds-only.yaml"
    cfg.write_text("significance: {enabled: false}\nthreshold_on: plug_in\n")
    assert main(["compare", str(ref), str(cur)]) == 0
    assert main(["compare", str(ref), str(cur), "--fail-on-drift"]) == 0
    assert main(["compare", str(ref), str(cur), "--config", str(cfg), "--fail-on-drift"]) == 1
    assert main(["compare", str(ref), str(ref), "--config", str(cfg), "--fail-on-drift"]) == 0
    capsys.readouterr()
    assert main(["compare", str(ref), str(ref.parent / "missing.parquet")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("driftkl: error:") and "missing.parquet" in err


def test_usage_error_exits_2():
    """argparse usage errors exit with code 2."""
    with pytest.raises(SystemExit) as exc:
        main(["compare"])
    assert exc.value.code == 2


def test_table_and_markdown_formats(classic_files, capsys, tmp_path):
    """The table, wide and Markdown outputs name units and direction; --output writes JSON."""
    ref, cur = classic_files
    out = tmp_path / "report.json"
    main(["compare", str(ref), str(cur), "--output", str(out)])
    table = capsys.readouterr().out
    assert "KL = kl_divergence D(current‖reference) [bits]" in table
    main(["compare", str(ref), str(cur), "--wide"])
    wide = capsys.readouterr().out
    assert "kl_divergence current||reference [bits]" in wide
    assert "D(current‖reference)" in wide
    assert json.loads(out.read_text())["schema"] == "driftkl.report"
    cfg = tmp_path / "thresholds-only.yaml"  # 5 vs 10 rows: never significant at alpha 0.01
    cfg.write_text("significance: {enabled: false}\nthreshold_on: plug_in\n")
    main(["compare", str(ref), str(cur), "--format", "markdown", "--config", str(cfg)])
    md = capsys.readouterr().out
    assert md.splitlines()[0].startswith("### driftkl:")
    assert "| x | categorical | DRIFT |" in md
    assert "KL = kl\\_divergence D(current‖reference) \\[bits\\]" in md


def test_config_error_exits_2(classic_files, tmp_path, capsys):
    """A config with an unknown key exits 2 and names the key."""
    ref, cur = classic_files
    cfg = tmp_path / "c.yaml"
    cfg.write_text("bass: 2\n")
    assert main(["compare", str(ref), str(cur), "--config", str(cfg)]) == 2
    assert "unknown config key 'bass'" in capsys.readouterr().err


def test_demo_command_in_subprocess(tmp_path):
    """`driftkl demo` (the README's first command) generates data and prints the table."""
    proc = run_cli("demo", "--dir", tmp_path / "s", "--rows", "3000")
    assert proc.returncode == 0, proc.stderr
    assert "amount" in proc.stdout and "DRIFT" in proc.stdout
    assert (tmp_path / "s" / "reference.profile.json").exists()
    report = driftkl.compare(
        driftkl.Profile.load(tmp_path / "s" / "reference.profile.json"),
        tmp_path / "s" / "current_nodrift.parquet",
    )
    assert report.status == "ok"
    drifted = driftkl.compare(
        driftkl.Profile.load(tmp_path / "s" / "reference.profile.json"),
        tmp_path / "s" / "current.parquet",
    )
    assert set(drifted.drifted_features) == {"amount", "country"}  # created_at: event time
    assert drifted["created_at"].rule == "event_time"
    assert pd.read_parquet(tmp_path / "s" / "current.parquet").shape == (3000, 7)


def test_underflowed_p_value_prints_as_bound():
    """A p-value that underflowed to 0 is shown as '<1e-300', never as a plain 0."""
    assert format_p_value(0.0) == "<1e-300"
    assert format_p_value(0.0123) == "0.012"
