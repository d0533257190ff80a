"""ProfileStore: put/get/keys/latest, rolling and seasonal windows, local, file:// and memory://."""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest

import driftkl
from driftkl.errors import InputError, ProfileError

DAYS = [f"2026-11-{d:02d}" for d in range(1, 15)]


def _day(i: int) -> pd.DataFrame:
    rng = np.random.default_rng(i)
    n = 400 + 37 * i  # unequal days: the merge must weigh them by rows
    return pd.DataFrame(
        {
            "amount": rng.normal(100 + i, 10, n),
            "country": rng.choice(["de", "fr", "it", "es"], n, p=[0.4, 0.3, 0.2, 0.1]),
            "items": rng.integers(1, 6, n),
        }
    )


@pytest.fixture(scope="module")
def base():
    return driftkl.profile(pd.concat([_day(100), _day(101)], ignore_index=True))


def _fill(store, base, days=DAYS):
    for i, key in enumerate(days):
        store.put(driftkl.profile(_day(i), bins=base), key)


@pytest.fixture(params=["path", "file_url", "memory"])
def store(request, tmp_path):
    if request.param == "path":
        return driftkl.ProfileStore(tmp_path / "profiles")
    if request.param == "file_url":
        return driftkl.ProfileStore((tmp_path / "profiles").as_uri())
    return driftkl.ProfileStore(f"memory://driftkl-test-{uuid.uuid4().hex}/profiles")


def test_window_of_seven_daily_profiles_equals_the_profile_of_the_seven_days(store, base):
    """The merged window has exactly the counts, rows and fingerprint of the data together."""
    _fill(store, base)
    window = store.window(DAYS[9], 7)
    together = pd.concat([_day(i) for i in range(3, 10)], ignore_index=True)
    whole = driftkl.profile(together, bins=base)
    assert window.rows == whole.rows == len(together)
    for w, f in zip(window.features, whole.features, strict=True):
        assert w.counts == f.counts
    assert window.fingerprint == whole.fingerprint
    assert window.source["window_keys"] == DAYS[3:10]


def test_put_get_keys_latest_round_trip(store, base):
    """A stored profile comes back equal; keys sort; latest is the last key's."""
    _fill(store, base, DAYS[:3])
    assert store.keys() == DAYS[:3]
    one = driftkl.profile(_day(1), bins=base)
    assert store.get(DAYS[1]).fingerprint == one.fingerprint  # created_at may differ
    assert store.latest().fingerprint == driftkl.profile(_day(2), bins=base).fingerprint
    store.put(one, DAYS[2])  # replacing a key
    assert store.latest() == one  # the very object saved: equal in every field


def test_seasonal_window_takes_every_seventh_key(tmp_path, base):
    """every=7 picks the same weekday of past weeks, counting back from the end key."""
    store = driftkl.ProfileStore(tmp_path)
    _fill(store, base)
    assert store.window_keys(DAYS[13], 2, every=7) == [DAYS[6], DAYS[13]]
    seasonal = store.window(DAYS[13], 2, every=7)
    together = driftkl.profile(pd.concat([_day(6), _day(13)], ignore_index=True), bins=base)
    assert seasonal.feature("amount").counts == together.feature("amount").counts


def test_end_defaults_to_the_last_key_and_need_not_exist(tmp_path, base):
    """end=None is the last key; an end between keys takes the keys before it."""
    store = driftkl.ProfileStore(tmp_path)
    _fill(store, base, DAYS[:5])
    assert store.window_keys(None, 2) == DAYS[3:5]
    assert store.window_keys("2026-11-03T12", 2) == DAYS[1:3]


def test_too_few_profiles_is_an_error_unless_partial(tmp_path, base):
    """A window larger than the store names what is there; partial=True merges it."""
    store = driftkl.ProfileStore(tmp_path)
    _fill(store, base, DAYS[:3])
    with pytest.raises(ProfileError, match=r"window of 7 .* has 3 .*2026-11-03.*partial=True"):
        store.window(None, 7)
    assert store.window(None, 7, partial=True).rows == sum(len(_day(i)) for i in range(3))
    with pytest.raises(ProfileError, match="has 0"):
        store.window("2026-10-01", 1, partial=True)


def test_profiles_with_different_bins_refuse_to_merge(tmp_path, base):
    """A day fitted on its own bins cannot join the window: the error names the feature."""
    store = driftkl.ProfileStore(tmp_path)
    _fill(store, base, DAYS[:2])
    store.put(driftkl.profile(_day(2)), DAYS[2])
    with pytest.raises(ProfileError, match=r"feature 'amount'.*bins=base_profile"):
        store.window(None, 3)


def test_merge_profiles_refuses_other_datasets_and_nothing(base):
    """Profiles of two datasets, or no profile at all, are clear errors."""
    other = driftkl.profile(_day(1), bins=base, dataset="users")
    with pytest.raises(ProfileError, match=r"different datasets.*'default'.*'users'"):
        driftkl.merge_profiles([driftkl.profile(_day(1), bins=base), other])
    with pytest.raises(ProfileError, match="no profiles"):
        driftkl.merge_profiles([])


def test_bad_keys_and_missing_keys_are_named(tmp_path, base):
    """Keys that could escape the folder are refused; a missing key lists what exists."""
    store = driftkl.ProfileStore(tmp_path)
    for bad in ["../x", "a/b", "", ".hidden", 7]:
        with pytest.raises(InputError, match="not a valid store key"):
            store.put(base, bad)
    with pytest.raises(ProfileError, match=r"no profile with key '2026-01-01'.*no keys"):
        store.get("2026-01-01")
    with pytest.raises(ProfileError, match="is empty"):
        store.latest()
    with pytest.raises(InputError, match="size is a whole number"):
        store.window(None, 0)


def test_a_damaged_stored_profile_fails_its_check(tmp_path, base):
    """An edited file in the store is caught by the profile's content hash, naming the key."""
    store = driftkl.ProfileStore(tmp_path)
    store.put(base, "2026-11-01")
    path = tmp_path / "2026-11-01.profile.json"
    path.write_text(path.read_text().replace('"rows": ', '"rows": 1'))
    with pytest.raises(ProfileError, match=r"profile '2026-11-01' of the store"):
        store.get("2026-11-01")


def test_unknown_url_scheme_is_a_clear_error():
    """A URL no filesystem understands is an InputError naming it."""
    with pytest.raises(InputError, match=r"cannot open the store 'nosuchfs://x'"):
        driftkl.ProfileStore("nosuchfs://x")
