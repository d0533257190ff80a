"""Settings that would silently do nothing are errors that name the key and a fix."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import driftkl
from driftkl.errors import ConfigError, InputError

REF = pd.DataFrame({"amount": [1.0, 2.0, 3.0] * 30, "city": list("xyz") * 30})


def test_an_exclude_typo_names_the_closest_column():
    """exclude: [amout] is a ConfigError suggesting 'amount', not an alarm left on."""
    with pytest.raises(ConfigError, match="exclude names 'amout'.*did you mean 'amount'"):
        driftkl.compare(REF, REF, exclude=["amout"])


def test_a_column_override_for_no_column_is_an_error():
    """columns.<name> naming no column is reported with the columns there are."""
    with pytest.raises(ConfigError, match="columns.nope names 'nope'"):
        driftkl.profile(REF, columns={"nope": {"bins": 5}})


def test_a_saved_profile_accepts_the_config_it_was_built_with():
    """Excluding at profile time and again at compare time is fine (the data has the column)."""
    prof = driftkl.profile(REF, exclude=["city"])
    assert driftkl.compare(prof, REF, exclude=["city"]).status == "ok"
    with pytest.raises(ConfigError, match="exclude names 'town'"):
        driftkl.compare(prof, REF, exclude=["town"])


def test_excluding_every_column_is_a_clear_error():
    """Nothing left to check is said as such (it used to read 'has no rows')."""
    prof = driftkl.profile(REF)
    with pytest.raises(ConfigError, match="no columns left to check"):
        driftkl.compare(prof, REF, exclude=["amount", "city"])


def test_edges_on_a_text_column_are_refused():
    """Numeric edges on a string column would be ignored: an InputError naming the column."""
    with pytest.raises(InputError, match="columns.city.edges set for column 'city'"):
        driftkl.profile(REF, columns={"city": {"edges": [0, 1, 2]}})


def test_pseudo_count_is_bounded():
    """A prior that swamps the counts (1e300) would switch detection off: refused."""
    with pytest.raises(ConfigError, match="pseudo_count must be at most 10"):
        driftkl.load_config(pseudo_count=1e300)


def test_filter_values_take_the_column_type(tmp_path):
    """--filter amount '>' 2 (a string from the shell) compares as a number; 'x' is an error."""
    path = tmp_path / "f.parquet"
    pq.write_table(pa.Table.from_pandas(REF, preserve_index=False), path)
    assert driftkl.profile(str(path), filter=[["amount", ">", "2"]]).rows == 30
    with pytest.raises(InputError, match="filter value 'x' for column 'amount'"):
        driftkl.profile(str(path), filter=[["amount", ">", "x"]])


def test_yaml_quirks_and_bad_files_are_config_errors(tmp_path):
    """1e-2 (a string to YAML 1.1) is a number; a non-text key and non-UTF-8 are errors."""
    cfg = tmp_path / "c.yaml"
    cfg.write_text("pseudo_count: 1e-2\n")
    assert driftkl.load_config(cfg).pseudo_count == 0.01
    cfg.write_text("1: 2\n")
    with pytest.raises(ConfigError, match="config keys must be text"):
        driftkl.load_config(cfg)
    cfg.write_bytes(b"dataset: \xff\xfe\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        driftkl.load_config(cfg)
