"""Where a store keeps its files: a local folder, or any filesystem pyarrow or fsspec knows.

``open_location("path/to/folder")`` and ``open_location("file:///abs/folder")`` are local: files
are written with :func:`driftkl._files.write_atomic` (temp file + rename, readers never see half
a file). ``s3://``, ``gs://``, ``hdfs://``, ``abfs://`` go through :mod:`pyarrow.fs`; any other
scheme (``memory://``, ``az://``, ...) through fsspec when it is installed
(``pip install 'driftkl[fsspec]'``). An object store publishes an object only when its upload
completes, so a write there is atomic too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pyarrow as pa
import pyarrow.fs as pafs

from driftkl._files import write_atomic
from driftkl._optional import import_optional
from driftkl.errors import InputError

__all__ = ["Location", "open_location"]

_ARROW_SCHEMES = ("s3", "gs", "gcs", "hdfs", "viewfs", "abfs", "abfss")


@dataclass(frozen=True)
class Location:
    """A folder on some filesystem; paths below it are ``/``-separated and relative.

    Attributes:
        url: the folder as the user gave it (for messages).
        fs: the pyarrow filesystem, or ``None`` for a local folder.
        root: the folder on ``fs`` (a local path when ``fs`` is ``None``).
    """

    url: str
    fs: Any
    root: str

    def _path(self, rel: str) -> str:
        return (
            f"{self.root.rstrip('/')}/{rel}" if self.fs is not None else str(Path(self.root, rel))
        )

    def write_text(self, rel: str, text: str) -> str:
        """Write ``text`` (UTF-8) at ``rel`` atomically; returns the full path or URL."""
        path = self._path(rel)
        if self.fs is None:
            write_atomic(path, text)
            return path
        parent = path.rsplit("/", 1)[0]
        self.fs.create_dir(parent, recursive=True)
        with self.fs.open_output_stream(path) as out:
            out.write(text.encode("utf-8"))
        return path

    def read_text(self, rel: str) -> str:
        """The UTF-8 text at ``rel``.

        Raises:
            InputError: it cannot be read (missing, permissions, not UTF-8).
        """
        path = self._path(rel)
        try:
            if self.fs is None:
                return Path(path).read_text(encoding="utf-8")
            with self.fs.open_input_stream(path) as src:
                data: bytes = src.read()
            return data.decode("utf-8")
        except (OSError, UnicodeDecodeError, pa.ArrowException) as exc:
            raise InputError(f"cannot read {path!r} in the store {self.url!r}: {exc}") from exc

    def files(self, under: str = "") -> list[str]:
        """Relative paths of every file below ``under`` (recursive, sorted); none if absent."""
        base = self._path(under) if under else self.root
        if self.fs is None:
            top = Path(base)
            if not top.is_dir():
                return []
            found = [p.relative_to(self.root).as_posix() for p in top.rglob("*") if p.is_file()]
            return sorted(f for f in found if not f.rsplit("/", 1)[-1].startswith("."))
        selector = pafs.FileSelector(base, recursive=True, allow_not_found=True)
        root = self.root.rstrip("/") + "/"
        infos = self.fs.get_file_info(selector)
        return sorted(
            i.path.removeprefix(root) if i.path.startswith(root) else i.path.lstrip("/")
            for i in infos
            if i.type == pafs.FileType.File
        )


def open_location(url: str | os.PathLike[str]) -> Location:
    """The :class:`Location` of a folder path or URL (it need not exist yet).

    Raises:
        InputError: the URL's filesystem cannot be opened (unknown scheme, bad bucket URL).
        MissingExtraError: the scheme needs fsspec, which is not installed.
    """
    text = os.fspath(url)
    parsed = urlparse(text)
    if not parsed.scheme or len(parsed.scheme) == 1:  # a path (or a Windows drive letter)
        return Location(text, None, text)
    if parsed.scheme == "file":
        return Location(text, None, unquote(parsed.path))
    try:
        if parsed.scheme in _ARROW_SCHEMES:
            fs, root = pafs.FileSystem.from_uri(text)
            return Location(text, fs, root)
        fsspec = import_optional("fsspec", extra="fsspec", feature=f"a store at {text!r}")
        spec_fs, root = fsspec.core.url_to_fs(text)
        return Location(text, pafs.PyFileSystem(pafs.FSSpecHandler(spec_fs)), root)
    except (ValueError, pa.ArrowException) as exc:
        raise InputError(
            f"cannot open the store {text!r}: {exc}. Hint: pass a folder path, a file:// URL, "
            "or an object-store URL such as s3://bucket/prefix."
        ) from exc
