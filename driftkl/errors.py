"""The one error hierarchy of driftkl.

Every error raised on purpose by driftkl derives from :class:`DriftklError` and also from the
builtin that matches it (``ValueError``, ``TypeError``, ``ImportError``), so callers can catch
either. Messages name the column, the file or source, the problem, and end with a ``Hint:`` on
how to fix it.
"""

from __future__ import annotations

__all__ = [
    "ColumnNotFoundError",
    "ConfigError",
    "DriftklError",
    "InputError",
    "MissingExtraError",
    "ProfileError",
    "SchemaChangeError",
    "SchemaMismatchError",
    "UnbinnableTypeError",
]


class DriftklError(Exception):
    """Root of every error driftkl raises on purpose."""


class ConfigError(DriftklError, ValueError):
    """A configuration file, dict or keyword argument is invalid (unknown key, bad value)."""


class InputError(DriftklError, ValueError):
    """Input data cannot be used: empty, unreadable, all-missing, mixed types, ..."""


class ColumnNotFoundError(InputError):
    """A configured or profiled column is absent from one side of the comparison."""


class SchemaMismatchError(InputError):
    """The same column has incompatible types on the reference and current side."""


class SchemaChangeError(ColumnNotFoundError, SchemaMismatchError):
    """Columns are missing, added or retyped and ``on_schema_change`` is ``fail``.

    Attributes:
        columns: the changed columns, in the order the message names them.
    """

    def __init__(self, message: str, *, columns: tuple[str, ...] = ()) -> None:
        """Keep the changed column names beside the message."""
        super().__init__(message)
        self.columns = columns


class UnbinnableTypeError(InputError, TypeError):
    """A column's type cannot be binned (nested, binary, ...)."""


class ProfileError(DriftklError, ValueError):
    """A reference profile cannot be loaded, verified or merged."""


class MissingExtraError(DriftklError, ImportError):
    """An optional feature was used without its extra installed."""

    def __init__(
        self, extra: str, feature: str, *, module: str | None = None, hint: str | None = None
    ) -> None:
        """Build the message naming the ``pip install`` line for ``extra`` (or ``hint``)."""
        self.extra = extra
        self.feature = feature
        what = f" (could not import {module!r})" if module else ""
        fix = hint or f"pip install 'driftkl[{extra}]'"
        super().__init__(f"{feature} needs the optional dependency {extra!r}{what}. Hint: {fix}")
