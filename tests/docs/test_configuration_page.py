"""The configuration page lists every key with its true default, and its YAML examples load."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
import yaml
from docs.markdown_blocks import REPO, blocks

import driftkl
from driftkl.config.model import ColumnConfig, default_thresholds

PAGE = REPO / "docs" / "configuration.md"
ROW = re.compile(r"^\| `(?P<key>[^`]+)`(?P<more>[^|]*)\| (?P<default>[^|]+?) \|", re.MULTILINE)


def documented() -> dict[str, str]:
    """Key -> default cell of every row of the page's tables (``\\|`` unescaped)."""
    text = PAGE.read_text(encoding="utf-8").replace("\\|", "¦")
    return {m.group("key"): m.group("default").replace("¦", "|") for m in ROW.finditer(text)}


def leaves(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten the nested settings blocks of ``DriftConfig().to_dict()`` to dotted keys.

    An empty mapping (``spark.conf``) is a setting of its own.
    """
    out: dict[str, Any] = {}
    for key, value in d.items():
        if isinstance(value, dict) and value and key not in ("columns", "thresholds"):
            out.update(leaves(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def test_every_setting_is_documented_and_nothing_else() -> None:
    """Each config key has a row; each row names a real key (per-column keys included)."""
    keys = set(documented())
    keys |= {"columns"} if any(k.startswith("columns.<name>.") for k in keys) else set()
    settings = leaves(driftkl.DriftConfig().to_dict())
    assert set(settings) - keys == set()
    top = {k for k in keys if not k.startswith("columns.<name>")}
    assert top - set(settings) - {"columns"} == set()
    column_rows = " ".join(
        f"`{k}`{m.group('more')}"
        for m in ROW.finditer(PAGE.read_text(encoding="utf-8"))
        if (k := m.group("key")).startswith("columns.<name>")
    )
    for field in dataclasses.fields(ColumnConfig):
        assert f".{field.name}`" in column_rows, field.name


def test_documented_defaults_are_the_defaults() -> None:
    """A default written as a value (in backticks) equals the parsed default config's value."""
    settings = leaves(driftkl.DriftConfig().to_dict())
    settings["thresholds"] = {
        metric: {k: v for k, v in dataclasses.asdict(t).items() if v is not None}
        for metric, t in default_thresholds(driftkl.DriftConfig().metrics).items()
    }
    checked = 0
    for key, cell in documented().items():
        m = re.fullmatch(r"`([^`]+)`", cell.strip())
        if m is None or key not in settings:
            continue
        assert yaml.safe_load(m.group(1)) == settings[key], (key, cell, settings[key])
        checked += 1
    assert checked >= 25


@pytest.mark.parametrize(
    "block",
    [b for b in blocks(PAGE.read_text(encoding="utf-8"), "configuration.md") if b.lang == "yaml"],
    ids=lambda b: f"line {b.line}",
)
def test_yaml_examples_are_valid_configs(block: Any) -> None:
    """Each YAML example on the page is a config that load_config accepts."""
    config = driftkl.load_config(yaml.safe_load(block.code))
    assert isinstance(config, driftkl.DriftConfig)
