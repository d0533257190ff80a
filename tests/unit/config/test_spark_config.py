"""The ``spark`` config block: validated and kept out of profiles."""

from __future__ import annotations

import pytest

from driftkl.config import SparkConfig, load_config
from driftkl.errors import ConfigError


def test_spark_block_is_parsed_into_a_frozen_setting():
    """master, app_name and conf become a SparkConfig; conf values become text."""
    cfg = load_config(
        {
            "engine": "spark",
            "spark": {"master": "local[2]", "app_name": "nightly", "conf": {"a.b": 4, "c": True}},
        }
    )
    assert cfg.spark == SparkConfig(
        master="local[2]", app_name="nightly", conf={"a.b": "4", "c": "true"}
    )
    assert cfg.execution.spark is cfg.spark


def test_spark_block_is_an_execution_setting_not_recorded_in_profiles():
    """Profiles record no Spark settings: the same data gives the same profile on any cluster."""
    cfg = load_config({"spark": {"master": "yarn"}})
    assert "spark" not in cfg.recorded()
    assert cfg.to_dict()["spark"]["master"] == "yarn"


@pytest.mark.parametrize(
    ("block", "match"),
    [
        ({"mastr": "local"}, "did you mean 'master'"),
        ({"master": ""}, "spark.master must be a master URL"),
        ({"app_name": 3}, "spark.app_name must be a non-empty string"),
        ({"conf": {"spark.x": {"nested": 1}}}, "spark.conf.spark.x must be"),
        ({"session": "abc"}, "spark.session must be a SparkSession object"),
        ("local[2]", "spark must be a mapping"),
    ],
)
def test_bad_spark_blocks_are_errors_naming_the_key(block, match):
    """Typos and wrong types in the spark block are ConfigErrors with the key and a fix."""
    with pytest.raises(ConfigError, match=match):
        load_config({"spark": block})
