"""Generated sample data with known drift, for the demo command, the example DAGs and tests.

``write_sample_data(folder)`` writes ``reference.parquet`` and ``current.parquet`` (drifted) and
``current_nodrift.parquet`` (same distribution as the reference, a different sample). Columns:

============  ===========  ====================================================
column        kind         drift in ``current.parquet``
============  ===========  ====================================================
amount        numeric      log-normal, scale up 40 %
age           numeric      none (2 % missing on both sides)
country       categorical  mass moves between countries, a new country "BR"
channel       categorical  none
items         integer      none (few distinct values: binned as categorical)
created_at    datetime     shifted by a day: an event-time column, reported, not judged
is_returning  boolean      none
============  ===========  ====================================================
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["make_sample_frame", "write_sample_data"]

_COUNTRIES = np.array(["DE", "FR", "GB", "IT", "ES", "NL", "PL", "SE"])
_CHANNELS = np.array(["web", "app", "store"])


def make_sample_frame(rows: int, *, drift: bool, seed: int) -> pd.DataFrame:
    """One table of sample orders; ``drift=True`` shifts amount, country and created_at."""
    rng = np.random.default_rng(seed)
    country_p = np.array([0.30, 0.20, 0.15, 0.10, 0.10, 0.07, 0.05, 0.03])
    countries = _COUNTRIES
    if drift:
        country_p = np.array([0.15, 0.20, 0.30, 0.10, 0.05, 0.07, 0.05, 0.03, 0.05])
        countries = np.append(_COUNTRIES, "BR")
    age = rng.normal(41, 12, rows).round()
    age[rng.random(rows) < 0.02] = np.nan  # noqa: PLR2004 - 2 % missing
    start = pd.Timestamp("2026-11-02" if drift else "2026-11-01", tz="UTC")
    seconds = rng.uniform(0, 86_400, rows).astype("int64")
    frame: pd.DataFrame = pd.DataFrame(
        {
            "amount": rng.lognormal(3.0 + (0.35 if drift else 0.0), 0.6, rows),
            "age": age,
            "country": pd.Categorical(rng.choice(countries, rows, p=country_p)),
            "channel": rng.choice(_CHANNELS, rows, p=[0.5, 0.35, 0.15]),
            "items": rng.poisson(2.0, rows).clip(0, 9).astype("int64"),
            "created_at": start + pd.to_timedelta(seconds, unit="s"),
            "is_returning": rng.random(rows) < 0.4,  # noqa: PLR2004
        }
    )
    return frame


def write_sample_data(folder: str | Path, *, rows: int = 20_000, seed: int = 7) -> dict[str, Path]:
    """Write the sample Parquet files into ``folder`` and return their paths by name."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "reference": out / "reference.parquet",
        "current": out / "current.parquet",
        "current_nodrift": out / "current_nodrift.parquet",
    }
    make_sample_frame(rows, drift=False, seed=seed).to_parquet(paths["reference"], index=False)
    make_sample_frame(rows, drift=True, seed=seed + 1).to_parquet(paths["current"], index=False)
    make_sample_frame(rows, drift=False, seed=seed + 2).to_parquet(
        paths["current_nodrift"], index=False
    )
    return paths
