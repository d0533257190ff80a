"""A store of profiles keyed by partition (a date): rolling, previous-window, seasonal references.

Each profile is one JSON file ``<key>.profile.json`` in a folder or an object-store prefix.
Keys are compared as text, so ISO dates (``2026-11-28``) sort in time order. For the daily
profiles to merge, they must share bins: fit them once on a base profile and count every day
into those bins, ``driftkl.profile(day, bins=base)``.

Memory: :meth:`ProfileStore.window` reads one profile at a time and keeps the running sums,
so a window of any size costs about two profiles (features × bins integers).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from driftkl.errors import InputError, ProfileError
from driftkl.model.profile import Profile, merge_profiles
from driftkl.stores.keys import check_key
from driftkl.stores.location import open_location

if TYPE_CHECKING:
    import os
    from collections.abc import Iterator

__all__ = ["ProfileStore"]

_SUFFIX = ".profile.json"


class ProfileStore:
    """Profiles in a folder or object store, one per key, merged into reference windows.

    >>> import tempfile, pandas as pd, driftkl
    >>> store = driftkl.ProfileStore(tempfile.mkdtemp())
    >>> base = driftkl.profile(pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]}))
    >>> for day, values in [("2026-11-01", [1.0, 2.0]), ("2026-11-02", [3.0, 4.0])]:
    ...     _ = store.put(driftkl.profile(pd.DataFrame({"x": values}), bins=base), day)
    >>> store.keys()
    ['2026-11-01', '2026-11-02']
    >>> store.window("2026-11-02", 2).feature("x").counts == base.feature("x").counts
    True
    """

    def __init__(self, location: str | os.PathLike[str]) -> None:
        """Open the store at ``location``: a folder, a ``file://`` or object-store URL.

        Nothing is read or created until a method needs it.
        """
        self.location = open_location(location)

    @property
    def url(self) -> str:
        """The store's folder or URL, as given."""
        return self.location.url

    def __repr__(self) -> str:
        """``ProfileStore('s3://bucket/profiles/orders')``."""
        return f"ProfileStore({self.url!r})"

    def put(self, profile: Profile, key: str) -> str:
        """Save ``profile`` under ``key`` (replacing any profile of that key) atomically.

        Returns:
            The path or URL written.
        """
        if not isinstance(profile, Profile):
            raise InputError(f"ProfileStore.put takes a Profile, not {type(profile).__name__}")
        return self.location.write_text(check_key(key) + _SUFFIX, profile.to_json())

    def keys(self) -> list[str]:
        """Every key in the store, sorted."""
        names = (f for f in self.location.files() if "/" not in f and f.endswith(_SUFFIX))
        return sorted(f.removesuffix(_SUFFIX) for f in names)

    def get(self, key: str) -> Profile:
        """The profile saved under ``key`` (verified as :meth:`Profile.load` does).

        Raises:
            ProfileError: no profile has that key, or the file fails its checks.
        """
        check_key(key)
        keys = self.keys()
        if key not in keys:
            raise ProfileError(
                f"no profile with key {key!r} in the store {self.url!r} "
                f"({_some(keys)}). Hint: put one first, store.put(profile, {key!r})."
            )
        text = self.location.read_text(key + _SUFFIX)
        return Profile.from_json(text, where=f"profile {key!r} of the store {self.url!r}")

    def latest(self) -> Profile:
        """The profile of the last key."""
        keys = self.keys()
        if not keys:
            raise ProfileError(
                f"the profile store {self.url!r} is empty. Hint: store.put(profile, key) first."
            )
        return self.get(keys[-1])

    def window_keys(
        self, end: str | None, size: int, *, every: int = 1, partial: bool = False
    ) -> list[str]:
        """The keys :meth:`window` merges, oldest first (see there)."""
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise InputError(f"a reference window size is a whole number >= 1, got {size!r}")
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise InputError(f"window(every=...) is a whole number >= 1, got {every!r}")
        keys = self.keys()
        upto = keys if end is None else [k for k in keys if k <= check_key(end, "end key")]
        picked = upto[::-1][::every][:size][::-1]
        if not picked or (len(picked) < size and not partial):
            step = "" if every == 1 else f", every {every}th key"
            raise ProfileError(
                f"a reference window of {size} profile(s){step} up to "
                f"{'the last key' if end is None else repr(end)} needs {size}, but the store "
                f"{self.url!r} has {len(picked)} ({_some(upto)}). Hint: wait until enough "
                "profiles are stored, or pass partial=True to merge the ones there are."
            )
        return picked

    def window(
        self, end: str | None, size: int, *, every: int = 1, partial: bool = False
    ) -> Profile:
        """The merged profile of the last ``size`` keys up to ``end`` (included).

        Args:
            end: the last key of the window (``None``: the store's last key). It need not
                exist: the window is the keys that sort at or before it.
            size: how many profiles to merge (a 7-day rolling reference: ``7``).
            every: take every ``every``-th key counting back from the last one; with one key
                per day, ``every=7`` is the same weekday of the last ``size`` weeks (a
                seasonal reference). Keys are counted, not dates, so skipped days shift it.
            partial: merge fewer than ``size`` profiles when that is all there is (at least
                one), instead of raising.

        Returns:
            A profile whose counts are the sums of the window's profiles: exactly the profile
            of their data together, when they share bins. Its ``source`` names the keys.

        Raises:
            ProfileError: too few keys, or profiles whose bins differ.
        """
        keys = self.window_keys(end, size, every=every, partial=partial)

        def profiles() -> Iterator[Profile]:
            for key in keys:
                yield self.get(key)

        merged = merge_profiles(
            profiles(), description=f"{self.url} window {keys[0]}..{keys[-1]} ({len(keys)})"
        )
        return replace(merged, source={**merged.source, "window_keys": keys})


_SHOWN = 5


def _some(keys: list[str]) -> str:
    if not keys:
        return "no keys"
    return f"keys {'…, ' if len(keys) > _SHOWN else ''}{', '.join(keys[-_SHOWN:])}"
