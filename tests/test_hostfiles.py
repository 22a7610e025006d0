"""The build reads and removes a run's folders without following what a snippet left there."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from snippetexec import hostfiles


def test_a_regular_file_is_read_up_to_the_limit(tmp_path):
    file = tmp_path / "events.jsonl"
    file.write_bytes(b"x" * 100)
    assert hostfiles.read_regular(file, 1000) == (b"x" * 100, False)
    assert hostfiles.read_regular(file, 10) == (b"x" * 10, True)


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero", "link to a file", "folder"])
def test_anything_but_a_regular_file_is_refused_at_once(tmp_path, kind):
    path = tmp_path / "events.jsonl"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        target = Path("/dev/zero") if "zero" in kind else tmp_path / "real"
        target.exists() or target.write_text("not to be read")
        path.symlink_to(target)
    started = time.monotonic()
    with pytest.raises(hostfiles.NotARegularFile):
        hostfiles.read_regular(path, 1 << 20)
    assert time.monotonic() - started < 1  # a FIFO with no writer is not waited for


def test_a_tree_of_any_depth_is_removed_without_following_links(tmp_path):
    top = tmp_path / "run"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").write_text("not the run's")
    here = os.open(".", os.O_RDONLY)
    try:
        top.mkdir()
        os.chdir(top)
        for _ in range(3000):  # deeper than any path can name, and than the recursion limit
            os.mkdir("d")
            os.chdir("d")
        Path("file").write_text("x")
        os.symlink(outside, "link")
        os.mkfifo("fifo")
        os.mkdir("locked", 0)
    finally:
        os.fchdir(here)
        os.close(here)
    (top / "to-outside").symlink_to(outside)
    assert hostfiles.remove_tree(top) == ""
    assert not top.exists()
    assert (outside / "keep").read_text() == "not the run's"


def test_removing_a_missing_tree_is_not_an_error(tmp_path):
    assert hostfiles.remove_tree(tmp_path / "gone") == ""


def test_a_fifo_replacing_the_events_file_does_not_block_its_writer_either(tmp_path):
    """O_NONBLOCK on the reading side: the open neither waits for a writer nor starts one."""
    path = tmp_path / "fifo"
    os.mkfifo(path)
    result = []
    thread = threading.Thread(target=lambda: result.append(
        pytest.raises(hostfiles.NotARegularFile, hostfiles.read_regular, path, 10)))
    thread.start()
    thread.join(2)
    assert not thread.is_alive() and result
