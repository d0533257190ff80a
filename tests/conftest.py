"""Shared fixtures for the core tests."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture
def classic() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The classic worked example: P from {1,1,2,2,3}, Q from {1,1,1,1,1,2,3,3,3,3}."""
    ref = pd.DataFrame({"x": ["1", "1", "2", "2", "3"]})
    cur = pd.DataFrame({"x": ["1", "1", "1", "1", "1", "2", "3", "3", "3", "3"]})
    return ref, cur
