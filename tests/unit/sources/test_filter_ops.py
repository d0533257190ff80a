"""One list of filter operators: what the config accepts is what every source can build."""

from __future__ import annotations

from driftkl.config.choices import FILTER_OPS
from driftkl.sources.base import FILTER_TERMS


def test_sources_build_every_operator_the_config_accepts():
    """The sources' operator table and the config's accepted operators are the same list."""
    assert tuple(FILTER_TERMS) == FILTER_OPS
