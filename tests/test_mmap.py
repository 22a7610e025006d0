"""The claims of the Shared mappings chapter (docs/*/mmap.md), checked by running its snippets."""

from __future__ import annotations

import re


def test_forked_processes_share_an_open_file_and_its_offset(snippet):
    out = snippet("mmap/shared_file_after_fork.py")
    assert out.line("file:") == "b'parent first. child next. parent last.'"
    assert out.line("offset now:") == "38"


def test_stores_into_a_mapping_change_the_file(snippet):
    out = snippet("mmap/map_a_file.py")
    assert out.line("length:") == "19, m[0:5] = b'hello', m[7] = 109 ('m')"
    assert out.line("found 'world' at") == "14"
    assert out.line("file after the mapping is gone:") == "b'HELLO, mapped world'"


def test_an_empty_file_cannot_be_mapped_until_it_has_a_size(snippet):
    out = snippet("mmap/empty_file.py")
    assert out.line("empty file:") == "ValueError: cannot mmap an empty file"
    assert out.line("after ftruncate to 4096:") == "mapped 4096 bytes, all zero: True"


def test_read_only_fd_refuses_a_shared_writable_mapping_but_allows_a_private_one(snippet):
    out = snippet("mmap/readonly_fd_for_writing.py")
    assert out.line("ACCESS_WRITE on a read-only fd:") == "PermissionError EACCES"
    assert out.line("ACCESS_COPY works; the mapping holds") == "b'modified'"
    assert out.line("the file still holds") == "b'original'"


def test_closing_the_descriptor_leaves_the_mapping_working(snippet):
    out = snippet("mmap/close_fd_after_mapping.py")
    assert out.line("wrote through the mapping after close(fd):") == "b'after!'"
    assert out.line("file:") == "b'after!'"


def test_offset_must_be_a_multiple_of_the_page_size(snippet):
    out = snippet("mmap/offset_must_be_aligned.py")
    page = int(re.search(r"mmap.PAGESIZE = (\d+)", out.text).group(1))
    assert f"mmap.ALLOCATIONGRANULARITY = {page}" in out
    assert out.line("offset 1000:") == "OSError EINVAL"
    assert out.line(f"offset {page}:") == "b'second page'"


def test_python_bounds_checks_but_a_shrunk_file_gives_sigbus(snippet):
    out = snippet("mmap/beyond_the_mapping.py")
    assert out.line("m[8192] of an 8192-byte mapping:") == "IndexError: mmap index out of range"
    assert out.line("child touched a page past the end of the file: killed by") == "SIGBUS"


def test_slices_and_seek_replace_pointer_arithmetic(snippet):
    out = snippet("mmap/no_pointer_arithmetic.py")
    assert out.line("a slice instead of ptr + 4:") == "b'4567'"
    assert out.line("after seek(10), read(3):") == "b'abc', tell() = 13"
    assert out.line("the mapping itself never moved: m[0:4] =") == "b'0123'"
    assert out.line("after close:").startswith("ValueError")


def test_mapping_failures_are_exceptions(snippet):
    out = snippet("mmap/when_mapping_fails.py")
    assert out.line("a pipe:") == "OSError ENODEV"
    assert out.line("a write-only fd:") == "PermissionError EACCES"
    assert out.line("length beyond the file:").startswith("ValueError")
    assert out.line("a negative length:").startswith("OverflowError")


def test_mmap_reads_nothing_pages_fault_in_on_first_touch(snippet):
    out = snippet("mmap/lazy_faults.py")
    assert out.line("page faults during mmap() of 16384 pages:") == "0"
    touched = int(out.line("page faults while touching every page:").split()[0])
    assert touched > 0


def test_shared_writes_reach_parent_and_file_private_writes_reach_neither(snippet):
    out = snippet("mmap/shared_vs_private.py")
    assert out.line("MAP_SHARED :") == "parent sees b'child!', file holds b'child!'"
    assert out.line("MAP_PRIVATE:") == "parent sees b'parent', file holds b'parent'"


def test_anonymous_and_dev_zero_mappings_are_shared_with_a_child(snippet):
    out = snippet("mmap/anonymous_shared.py")
    assert out.line("parent reads") == "b'via anonymous' and b'via /dev/zero'"


def test_writer_and_reader_alone_print_their_usage(snippet):
    assert snippet("mmap/writer.py").text.startswith("usage: python3 writer.py FILE")
    assert snippet("mmap/reader.py").text.startswith("usage: python3 reader.py FILE")


def test_an_unrelated_program_reads_what_another_stored_in_a_mapped_file(snippet):
    out = snippet("mmap/run_writer_and_reader.py")
    assert out.lines == ["--- writer.py (exit status 0)",
                         "writer: stored 20 bytes in the mapping",
                         "--- reader.py (exit status 0)",
                         "reader: found b'hello from writer.py'"]


def test_a_whole_file_is_searched_through_its_mapping(snippet):
    out = snippet("mmap/read_whole_file.py")
    assert out.line("size:") == "308894 bytes, lines: 10000"
    assert out.line("readline() from there:") == "b'line 5000: the quick brown fox\\n'"


def test_named_shared_memory_is_a_dev_shm_file_until_unlinked(snippet):
    out = snippet("mmap/named_shared_memory.py")
    assert out.line("exists in /dev/shm:") == "True, size 4096"
    assert out.line("creator reads:") == "b'hello world'"
    assert out.line("after unlink: exists in /dev/shm:") == "False"


def test_unsynchronised_increments_can_be_lost_and_a_lock_makes_them_exact(snippet):
    out = snippet("mmap/race_and_lock.py")
    unlocked = re.match(r"(\d+) of 100000", out.line("without a lock:"))
    assert int(unlocked.group(1)) <= 100000  # losing updates is possible, not certain
    assert out.line("with a lock:") == "100000 of 100000"
