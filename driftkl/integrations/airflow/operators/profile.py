"""``ProfileBuildOperator``: (re)build a reference profile on a schedule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import driftkl
from driftkl.integrations.airflow._io import resolve_reference, write_text
from driftkl.integrations.airflow.operators.base import BaseDriftklOperator, OutputFailures

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["ProfileBuildOperator"]


class ProfileBuildOperator(BaseDriftklOperator):
    """Fit bins on reference data and save the profile, so daily checks read only new data.

    ``execute`` calls :func:`driftkl.profile` once, writes the profile JSON (atomically for
    local paths) and returns a small summary for XCom::

        {"path": "...", "features": ["amount", ...], "rows": 20000,
         "content_hash": "sha256:...", "created_at": "..."}

    With Asset ``outlets`` (e.g. ``Asset("file:///data/profiles/orders.profile.json")``),
    each event carries ``{"profile_hash", "features", "rows"}`` in its ``extra``, so checks can
    be scheduled on the profile Asset.

    A configuration error fails without retry, a data error keeps the task's retries (see
    :data:`driftkl.integrations.airflow.operators.base.ERROR_POLICIES`). A profile that cannot
    be written fails the task without retry (a retry would fit the profile again).

    Args:
        data: reference Parquet file/folder/glob or DataFrame. Templated.
        output_path: where to write the profile JSON: local path or object-store URL.
            Templated. Optional with ``profile_store``.
        bins: count ``data`` into this profile's bins instead of fitting new ones (a
            ``Profile`` or the path of one): daily profiles on shared bins merge into rolling
            references. Templated.
        profile_store: also save the profile in this :class:`driftkl.ProfileStore` (folder
            or URL) under ``profile_key``. Templated.
        profile_key: the key in ``profile_store``, e.g. ``"{{ ds }}"``. Templated.
        config: YAML config path, mapping or ``None`` for defaults. Templated.
        config_overrides: config keys replacing the file's values. Templated.
        **kwargs: passed to ``BaseOperator``.
    """

    template_fields: Sequence[str] = (
        "data",
        "output_path",
        "bins",
        "profile_store",
        "profile_key",
        "config",
        "config_overrides",
    )
    ui_color = "#d6e6f6"

    def __init__(
        self,
        *,
        data: Any,
        output_path: str | None = None,
        config: str | Mapping[str, Any] | None = None,
        config_overrides: Mapping[str, Any] | None = None,
        bins: Any = None,
        profile_store: str | None = None,
        profile_key: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Store the arguments; all work happens in :meth:`execute`."""
        super().__init__(**kwargs)
        if output_path is None and profile_store is None:
            raise ValueError("give output_path, profile_store (with profile_key), or both")
        if (profile_store is None) != (profile_key is None):
            raise ValueError("profile_store and profile_key go together")
        self.data = data
        self.output_path = output_path
        self.bins = bins
        self.profile_store = profile_store
        self.profile_key = profile_key
        self.config = config
        self.config_overrides = config_overrides

    def execute(self, context: Any) -> dict[str, Any]:
        """Build the profile, write it and return its summary."""
        prof = self.call_core(
            lambda: driftkl.profile(
                self.data,
                config=self.config,
                bins=None if self.bins in (None, "") else resolve_reference(self.bins),
                **dict(self.config_overrides or {}),
            )
        )
        outputs = OutputFailures(self.log)
        written = None
        if self.output_path:
            written = outputs.attempt(
                f"write the profile to {self.output_path}",
                write_text,
                self.output_path,
                prof.to_json(),
            )
        if self.profile_store:
            stored = outputs.attempt(
                f"save the profile in the profile store {self.profile_store}",
                lambda: driftkl.ProfileStore(str(self.profile_store)).put(
                    prof, str(self.profile_key)
                ),
            )
            written = written or stored
        outputs.raise_if_any(f"profile of {prof.rows} rows built ({prof.content_hash})")
        features = [f.name for f in prof.features]
        self.log.info(
            "wrote reference profile %s: %d features, %d rows, %s",
            written,
            len(features),
            prof.rows,
            prof.content_hash,
        )
        self.emit_asset_extra(
            context, {"profile_hash": prof.content_hash, "features": features, "rows": prof.rows}
        )
        return {
            "path": written,
            "features": features,
            "rows": prof.rows,
            "content_hash": prof.content_hash,
            "created_at": prof.created_at,
        }
