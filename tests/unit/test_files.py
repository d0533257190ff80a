"""The one atomic writer: symlinks, non-regular targets, the umask, failures, torn reads."""

from __future__ import annotations

import errno
import json
import os
import stat
import threading

import pandas as pd
import pytest

import driftkl
from driftkl._files import check_output, output_target, write_atomic


@pytest.fixture
def small_report():
    """A tiny report to save in the formats that go through the writer."""
    ref = pd.DataFrame({"x": ["a", "b"] * 20})
    return driftkl.compare(ref, pd.DataFrame({"x": ["a"] * 30 + ["c"] * 10}), dataset="t")


def _temp_files(folder):
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_symlink_is_written_through_to_its_target(tmp_path):
    """Writing to a symlink replaces the file it points to and keeps the link."""
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_atomic(link, "new")
    assert link.is_symlink() and link.readlink() == target
    assert target.read_text() == "new"


def test_dangling_symlink_creates_its_target(tmp_path):
    """A symlink to a file that does not exist yet is written through, creating the file."""
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "later.json")
    write_atomic(link, "x")
    assert link.is_symlink() and (tmp_path / "later.json").read_text() == "x"


def test_directory_is_refused_and_left_alone(tmp_path):
    """A directory target is an IsADirectoryError naming it; the directory is untouched."""
    folder = tmp_path / "out.json"
    folder.mkdir()
    (folder / "keep").write_text("k")
    with pytest.raises(IsADirectoryError, match="out.json.*directory"):
        write_atomic(folder, "x")
    assert (folder / "keep").read_text() == "k"
    assert _temp_files(tmp_path) == []


def test_fifo_and_link_to_fifo_are_refused_without_blocking(tmp_path):
    """A FIFO (directly or through a symlink) is refused, never opened and never replaced."""
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    link = tmp_path / "link.json"
    link.symlink_to(fifo)
    for path in (fifo, link):
        with pytest.raises(OSError, match="FIFO"):
            write_atomic(path, "x")
    assert stat.S_ISFIFO(fifo.stat().st_mode) and link.is_symlink()


def test_device_node_is_refused(tmp_path):
    """A character device (a copy of /dev/null made here) is refused and stays a device."""
    dev = tmp_path / "null"
    try:
        os.mknod(dev, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD")
    with pytest.raises(OSError, match="character device"):
        write_atomic(dev, "x")
    assert stat.S_ISCHR(dev.stat().st_mode)


def test_new_files_respect_the_umask(tmp_path):
    """A new file gets 0o666 minus the umask, as open() would give it (not 0600)."""
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.json", "x")
        os.umask(0o077)
        write_atomic(tmp_path / "b.json", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.json").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "b.json").stat().st_mode) == 0o600


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    """A full disk (ENOSPC at fsync) raises, keeps the old content and leaves no temp file."""
    target = tmp_path / "report.json"
    target.write_text("old")

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert _temp_files(tmp_path) == []


def test_missing_folder_is_created_unless_asked_not_to(tmp_path):
    """Parents are created by default; make_parents=False makes a missing folder an error."""
    write_atomic(tmp_path / "a" / "b.json", "x")
    assert (tmp_path / "a" / "b.json").read_text() == "x"
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "nope" / "c.json", "x", make_parents=False)


def test_check_output_refuses_a_file_as_folder(tmp_path):
    """check_output refuses a path under a regular file, naming the path, before any write."""
    (tmp_path / "file").write_text("x")
    with pytest.raises(OSError, match="(?i)not a (folder|directory)"):
        check_output(tmp_path / "file" / "sub" / "r.json")
    assert output_target(tmp_path / "new.json") == tmp_path / "new.json"


def test_concurrent_reader_never_sees_a_torn_file(tmp_path):
    """A reader polling while the file is rewritten always parses complete JSON."""
    target = tmp_path / "r.json"
    write_atomic(target, json.dumps({"n": 0, "pad": "x" * 50_000}))
    done = threading.Event()
    torn: list[str] = []

    def parse() -> None:
        try:
            json.loads(target.read_text())
        except ValueError as exc:
            torn.append(str(exc))

    def read() -> None:
        while not done.is_set():
            parse()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(200):
            write_atomic(target, json.dumps({"n": n, "pad": "x" * 50_000}))
    finally:
        done.set()
        reader.join()
    assert torn == []


def test_profile_save_and_to_html_refuse_a_fifo(tmp_path, small_report):
    """Profile.save and DriftReport.to_html go through the writer: a FIFO is refused."""
    fifo = tmp_path / "x.out"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="FIFO"):
        small_report.to_html(fifo)
    prof = driftkl.profile(pd.DataFrame({"x": [1.0, 2.0, 3.0] * 10}))
    with pytest.raises(OSError, match="FIFO"):
        prof.save(fifo)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
