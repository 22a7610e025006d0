"""The claims of the Shared mappings chapter (docs/*/mmap.md), checked on the published runs.

Each test checks what the page says about the output and, through ``out.events``, that the
snippet really made the mappings, processes and pipes the page talks about.
"""

from __future__ import annotations

import re
from pathlib import Path

from conftest import run_by_hand


def by_hand(name: str, tmp_path: Path) -> list[str]:
    """The output of snippets/<name> run as a reader runs it (conftest.run_by_hand), stdout
    and stderr in one pipe as on the page."""
    done = run_by_hand(name, tmp_path, merged=True)
    assert done.returncode == 0 and "Traceback" not in done.stdout, done.stdout
    assert done.left == []
    return done.stdout.splitlines()

def mappings(out, pid=None):
    """The mmap.mmap events of the run (of one process), in order."""
    return out.events.calls("mmap.mmap", pid=pid)


def at(events, event) -> int:
    """The position of this very event in the run (events equal in content are told apart)."""
    return next(i for i, e in enumerate(events) if e is event)


def ran_itself(out, name: str) -> bool:
    """The run's main process is the snippet file itself (not some other program)."""
    argv = out.events.argv_of(out.events.main) or []
    return any(arg.endswith(f"snippets/{name}") for arg in argv)


def test_forked_processes_share_an_open_file_and_its_offset(snippet):
    out = snippet("mmap/shared_file_after_fork.py")
    assert out.line("file:") == "b'parent first. child next. parent last.'"
    assert out.line("offset now:") == "38"
    ev = out.events
    (child,) = ev.children()
    assert ev.exit_of(child) == {"exited": 0}


def test_stores_into_a_mapping_change_the_file(snippet):
    out = snippet("mmap/map_a_file.py")
    assert out.line("length:") == "19, m[0:5] = b'hello', m[7] = 109 ('m')"
    assert out.line("found 'world' at") == "14"
    assert out.line("file after the mapping is gone:") == "b'HELLO, mapped world'"
    (m,) = mappings(out)
    assert m.result["shared"] and m.args["file"].endswith("data.bin") and m.result["size"] == 19


def test_a_shared_store_is_in_the_page_cache_at_once_and_leaves_it_only_at_flush(snippet):
    out = snippet("mmap/dirty_until_flush.py")
    on_tmpfs = out.line("the file is on a file system of type:") in ("tmpfs", "ramfs")

    def dirty(label: str) -> int:
        return int(re.fullmatch(r"dirty (\d+) kB", out.line(label)).group(1))

    stored = dirty("after m[0:5] = b'hello':")
    assert out.line("child: os.read() of the file gives") == "b'hello', exit status 0"
    assert dirty("after the child's read:") == stored  # the reader read memory, not the disk
    says_no_disk = out.lines[-1].endswith("has no disk behind it: its pages stay dirty, "
                                          "flush() has nothing to do")
    if on_tmpfs:  # no disk: dirty from the first touch, and flush() changes nothing
        assert dirty("mapped, read b'.....':") == stored == dirty("after m.flush() (msync):")
        assert says_no_disk
    else:
        assert dirty("mapped, read b'.....':") == 0 == dirty("after m.flush() (msync):")
        assert not says_no_disk
    ev = out.events
    (m,) = mappings(out)
    assert m.result["shared"] and m.args["file"].endswith("data.bin")
    assert stored * 1024 == m.result["size"]  # the one page of the mapping, in kB
    (child,) = ev.children()
    assert not mappings(out, pid=child)  # forked before the mapping, it never mapped the file
    # The child waited for the parent's go, sent after the store, then reported what read() gave.
    (go,) = ev.writes(pid=ev.main)
    assert at(ev, m) < at(ev, go)
    (told,) = ev.reads(pid=child)
    (report,) = ev.writes(pid=child)
    assert told.obj == go.obj and told.data == go.data
    assert report.data == "b'hello'" and ev.reads(pid=ev.main, obj=report.obj)[0].data == "b'hello'"
    assert at(ev, told) < at(ev, report)
    assert ev.exit_of(child) == {"exited": 0}


def test_an_empty_file_cannot_be_mapped_until_it_has_a_size(snippet, tmp_path):
    out = snippet("mmap/empty_file.py")
    assert out.line("Python, empty file:") == "ValueError: cannot mmap an empty file"
    assert out.line("C, empty file: mmap() of 4096 bytes succeeded:") == "True"
    assert out.line("C, first access: killed by") == "SIGBUS"
    assert out.line("after ftruncate to 4096:") == "mapped 4096 bytes, all zero: True"
    refused, mapped = mappings(out)
    assert refused.error == "ValueError" and mapped.result["size"] == 4096
    (child,) = out.events.children()
    assert out.events.exit_of(child)["signal"] == "SIGBUS"
    # By hand, output to a pipe: the line printed before the fork is not printed twice.
    assert by_hand("mmap/empty_file.py", tmp_path) == out.lines


def test_read_only_fd_refuses_a_shared_writable_mapping_but_allows_a_private_one(snippet):
    out = snippet("mmap/readonly_fd_for_writing.py")
    assert out.line("ACCESS_WRITE on a read-only fd:") == "PermissionError EACCES"
    assert out.line("ACCESS_COPY works; the mapping holds") == "b'modified'"
    assert out.line("the file still holds") == "b'original'"
    refused, private = mappings(out)
    assert refused.args["access"] == "ACCESS_WRITE" and refused.error == "EACCES"
    assert private.args["access"] == "ACCESS_COPY" and private.result["shared"] is False


def test_closing_the_descriptor_leaves_the_mapping_working(snippet):
    out = snippet("mmap/close_fd_after_mapping.py")
    assert out.line("wrote through the mapping after close(fd):") == "b'after!'"
    assert out.line("file:") == "b'after!'"
    (m,) = mappings(out)
    assert m.result["shared"] and m.args["file"].endswith("data.bin")


def test_offset_must_be_a_multiple_of_the_page_size(snippet):
    out = snippet("mmap/offset_must_be_aligned.py")
    page = int(re.search(r"mmap.PAGESIZE = (\d+)", out.text).group(1))
    assert f"mmap.ALLOCATIONGRANULARITY = {page}" in out
    assert out.line("offset 1000:") == "OSError EINVAL"
    assert out.line(f"offset {page}:") == "b'second page'"
    refused, mapped = mappings(out)
    assert refused.args["offset"] == 1000 and refused.error == "EINVAL"
    assert mapped.args["offset"] == page and mapped.ok


def test_past_the_end_of_the_file_the_last_page_reads_zeros_and_further_pages_give_sigbus(snippet):
    out = snippet("mmap/beyond_the_mapping.py")
    page = int(re.search(r"bytes 100 to (\d+) ", out.text).group(1)) + 1
    assert out.line(f"m[{2 * page}] of a mapping of {2 * page} bytes:") == (
        "IndexError: mmap index out of range")
    assert out.line("child: first 100 bytes still x:") == "True"
    assert out.line(f"child: bytes 100 to {page - 1} (rest of the last page) all zero:") == "True"
    assert out.line("child: after a store at 200 and flush(), file size:") == "100"
    assert out.line(f"child touched m[{page}], a page past the end of the file: killed by") == (
        "SIGBUS")
    ev = out.events
    (m,) = mappings(out)
    assert m.result == {"size": 2 * page, "shared": True, "anonymous": False}
    (child,) = ev.children()
    assert ev.exit_of(child)["signal"] == "SIGBUS"


def test_any_whole_page_inside_a_mapping_can_be_unmapped(snippet):
    out = snippet("mmap/unmap_part_of_a_mapping.py")
    page = int(re.search(r"munmap\(start \+ 1, (\d+)\)", out.text).group(1))
    assert out.line(f"munmap(start + 1, {page}):") == "EINVAL"
    assert out.line(f"munmap(start + {page}, {page}):") == "returned 0"
    assert out.line("first and last pages still mapped:") == f"m[0] = 'a', m[{2 * page}] = 'c'"
    assert out.line("child touched the middle page: killed by") == "SIGSEGV"
    ev = out.events
    (m,) = mappings(out)
    assert m.result["size"] == 3 * page
    (child,) = ev.children()
    assert ev.exit_of(child)["signal"] == "SIGSEGV"


def test_slices_and_seek_replace_pointer_arithmetic(snippet):
    out = snippet("mmap/no_pointer_arithmetic.py")
    assert out.line("a slice instead of ptr + 4:") == "b'4567'"
    assert out.line("after seek(10), read(3):") == "b'abc', tell() = 13"
    assert out.line("the mapping itself never moved: m[0:4] =") == "b'0123'"
    assert out.line("after close:").startswith("ValueError")
    (m,) = mappings(out)
    assert m.result == {"size": 16, "shared": True, "anonymous": True}


def test_mapping_failures_are_exceptions(snippet):
    out = snippet("mmap/when_mapping_fails.py")
    assert out.line("a pipe:") == "OSError ENODEV"
    assert out.line("a write-only fd:") == "PermissionError EACCES"
    assert out.line("length beyond the file:").startswith("ValueError")
    assert out.line("a negative length:").startswith("OverflowError")
    errors = [m.error for m in mappings(out)]
    assert errors == ["ENODEV", "EACCES", "ValueError", "OverflowError"]
    assert mappings(out)[0].args["file"].startswith("pipe:")


def test_mmap_reads_nothing_pages_fault_in_on_first_touch(snippet):
    out = snippet("mmap/lazy_faults.py")
    assert int(out.line("page faults during mmap() of 16384 pages:")) < 16  # not one per page
    touched = int(out.line("page faults while touching every page:"))
    assert out.line("every byte read was zero:") == "True"
    if out.line("the file is on a file system of type:") in ("tmpfs", "ramfs"):
        # no page exists until touched: one fault per page, "as many as there are pages"
        assert touched == 16384 and out.line("fewer faults than pages:") == "False"
    else:  # a disk file system: read-ahead and fault-around, "fewer faults than pages"
        assert 0 < touched < 16384 and out.line("fewer faults than pages:") == "True"
    warm_up, measured = mappings(out)
    assert warm_up.args == measured.args and measured.result["size"] == 64 * 1024 * 1024
    assert measured.args["access"] == "ACCESS_READ" and measured.args["file"].endswith("big.bin")


def test_child_first_sees_the_parents_data_then_shared_and_private_part_ways(snippet):
    out = snippet("mmap/shared_vs_private.py")
    assert out.line("MAP_SHARED :") == ("child first sees b'parent'; after its write, "
                                        "parent sees b'child!', file holds b'child!'")
    assert out.line("MAP_PRIVATE:") == ("child first sees b'parent'; after its write, "
                                        "parent sees b'parent', file holds b'[file]'")
    ev = out.events
    shared, private = mappings(out, pid=ev.main)
    assert shared.args["flags"] == "MAP_SHARED" and shared.result["shared"] is True
    assert private.args["flags"] == "MAP_PRIVATE" and private.result["shared"] is False
    children = ev.children()
    assert len(children) == 2
    for child in children:  # each child reported what it saw through a pipe, then exited
        (report,) = ev.writes(pid=child)
        assert report.data == "b'parent'" and report.obj.startswith("pipe:")
        assert ev.exit_of(child) == {"exited": 0}


def test_anonymous_and_dev_zero_mappings_are_shared_with_a_child(snippet):
    out = snippet("mmap/anonymous_shared.py")
    assert out.line("parent reads") == "b'via anonymous' and b'via /dev/zero'"
    anonymous, zero = mappings(out)
    assert anonymous.result["anonymous"] and anonymous.result["shared"]
    assert zero.args["file"] == "/dev/zero" and zero.result["shared"]
    (child,) = out.events.children()
    assert out.events.exit_of(child) == {"exited": 0}


def test_c_example_bugs_race_overwrite_overflow_and_missing_nul(snippet):
    out = snippet("mmap/c_example_bugs.py")
    assert out.lines == [
        "1. race, the child reads first: it read b'A line of English tex'",
        "   fixed, the child waits on a pipe: it read the message: True",
        "2. english.txt afterwards starts with the message, its text is gone: True",
        "   fixed, an anonymous mapping: the child read the message: True, "
        "english.txt unchanged: True",
        "3. 21 bytes into a 16-byte mapping: IndexError: mmap slice assignment is wrong size",
        f"4. a file of one full page: m.find(NUL) = -1; Python knows the length: "
        f"{mappings(out)[-1].result['size']} bytes",
    ]
    ev = out.events
    files = [m.args.get("file", "").rsplit("/", 1)[-1] for m in mappings(out)]
    assert files == ["english.txt", "english.txt", "", "short.txt", "full.txt"]
    assert mappings(out)[2].result["anonymous"]
    racing, waiting, anonymous = ev.children()
    message = ev.writes(pid=waiting)[0].data
    assert ev.writes(pid=racing)[0].data == "b'A line of English tex'"
    assert message.startswith("b'\\xe4\\xbd\\xa0") and ev.writes(pid=anonymous)[0].data == message
    # The waiting child read the parent's "written" byte before it read the mapping.
    assert [e.call for e in ev.by(waiting) if e.call in ("os.read", "os.write")] == [
        "os.read", "os.write"]


def test_writer_and_reader_alone_print_their_usage(snippet):
    for name in ("writer.py", "reader.py"):
        out = snippet(f"mmap/{name}")
        assert out.text.startswith(f"usage: python3 {name} FILE")
        assert ran_itself(out, f"mmap/{name}") and not mappings(out)


def test_an_unrelated_program_reads_what_another_stored_in_a_mapped_file(snippet):
    out = snippet("mmap/run_writer_and_reader.py")
    assert out.lines == ["--- writer.py (exit status 0)",
                         "writer: stored 20 bytes in the mapping",
                         "--- reader.py (exit status 0)",
                         "reader: found b'hello from writer.py'"]
    ev = out.events
    writer, reader = ev.children()
    assert ev.argv_of(writer)[1].endswith("mmap/writer.py")
    assert ev.argv_of(reader)[1].endswith("mmap/reader.py")
    (stored,) = mappings(out, pid=writer)
    (read,) = mappings(out, pid=reader)
    assert stored.args["file"] == read.args["file"] and stored.result["shared"]
    assert ev.exit_of(writer) == {"exited": 0}  # ended before the reader started
    assert at(ev, ev.waits(writer)[-1]) < at(ev, ev.calls("subprocess.Popen")[1])


def test_a_whole_file_is_searched_through_its_mapping(snippet):
    out = snippet("mmap/read_whole_file.py")
    assert out.line("size:") == "308894 bytes, lines: 10000"
    assert out.line("readline() from there:") == "b'line 5000: the quick brown fox\\n'"
    (m,) = mappings(out)
    assert m.args["access"] == "ACCESS_READ" and m.result["size"] == 308894


def test_named_shared_memory_is_a_dev_shm_file_until_unlinked(snippet):
    out = snippet("mmap/named_shared_memory.py")
    assert out.line("exists in /dev/shm:") == "True, size 4096"
    assert out.line("creator reads:") == "b'hello world'"
    assert out.line("after unlink: exists in /dev/shm:") == "False"
    ev = out.events
    (child,) = [c for c in ev.children() if ev.first("forked", pid=c)]  # not the tracker
    (created,) = mappings(out, pid=ev.main)
    (opened,) = mappings(out, pid=child)
    assert created.args["file"].startswith("/dev/shm/") and opened.args["file"] == (
        created.args["file"])


def test_a_forced_interleaving_loses_an_update_every_round_and_a_lock_prevents_it(snippet):
    out = snippet("mmap/race_and_lock.py")
    assert out.line("round 1:") == "parent read 0; child read 0 and wrote 1; parent wrote 1"
    assert out.line("forced, without a lock:") == "1000 of 2000 increments kept (1000 lost)"
    assert out.line("forced, with a lock:") == (
        "the child found the lock taken in 1000 of 1000 rounds; 2000 of 2000 increments kept")
    kept = out.line("free-running, without a lock, increments kept:")
    free = re.fullmatch(r"(\d+) / 200000", kept)
    assert 0 < int(free.group(1)) <= 200000
    ev = out.events
    (counter,) = mappings(out)
    assert counter.result == {"size": 8, "shared": True, "anonymous": True}
    forced, locked, *free_running = ev.children()
    assert len(free_running) == 2
    # The header records the first 50 calls of each kind per process: enough to see the schedule.
    # Forced: the child waits for the parent's byte, increments, answers with its own, each round.
    reads, writes = ev.reads(pid=forced), ev.writes(pid=forced)
    assert len(reads) >= 50 and {r.data for r in reads} == {"b'!'"} == {w.data for w in writes}
    assert [e.call for e in ev.by(forced) if e in reads or e in writes][:4] == [
        "os.read", "os.write", "os.read", "os.write"]
    # With the lock, the child reported "taken" in every recorded round, then waited for the lock
    # and answered once its increment was done.
    taken = [w.data for w in ev.writes(pid=locked)]
    assert len(taken) >= 50 and taken == ["b'taken'", "b'!'"] * (len(taken) // 2)
    assert all(ev.exit_of(child) == {"exited": 0} for child in ev.children())


def segment_mappings(out):
    """The creator's mapping of its /dev/shm segment, and every other process's of the same."""
    ev = out.events
    (created,) = [m for m in mappings(out, pid=ev.main)
                  if m.args.get("file", "").startswith("/dev/shm/psm_")]
    others = [m for m in mappings(out) if m.pid != ev.main
              and m.args.get("file") == created.args["file"]]
    return created, others


def test_workers_attached_by_name_and_a_lock_kept_every_increment(snippet):
    out = snippet("mmap/shared_counter_with_lock.py")
    assert out.lines == ["exit codes: [0, 0, 0, 0]", "counter: 20000 (4 processes x 5000)"]
    ev = out.events
    created, attached = segment_mappings(out)
    assert created.result["shared"] and created.result["size"] >= 8
    # four other processes mapped the very same /dev/shm file: they attached by its name
    assert len({m.pid for m in attached}) == 4 and all(m.result["shared"] for m in attached)
    for pid in {m.pid for m in attached}:
        assert ev.exit_of(pid) == {"exited": 0}


def test_close_refuses_while_a_view_of_the_mapping_exists(snippet):
    out = snippet("mmap/close_with_exported_buffer.py")
    assert out.lines == [
        "mmap.close() while a view exists: BufferError: cannot close exported pointers exist",
        "after view.release(): mmap closed: True",
        "SharedMemory.close() while a view exists: BufferError: "
        "cannot close exported pointers exist",
        "after head.release(): SharedMemory.close() worked",
    ]
    anonymous, segment = mappings(out)
    assert anonymous.result == {"size": 4096, "shared": True, "anonymous": True}
    assert segment.args["file"].startswith("/dev/shm/psm_") and segment.result["shared"]


def test_a_shareable_list_is_shared_memory_another_process_attaches_to_by_name(snippet):
    out = snippet("mmap/shareable_list.py")
    assert out.lines == [
        "in /dev/shm: True",
        "after the child (exit code 0): [42, 2.5, 'done', None]",
        "a longer string: ValueError: bytes/str item exceeds available storage",
    ]
    ev = out.events
    created, attached = segment_mappings(out)
    (child,) = {m.pid for m in attached}
    assert ev.exit_of(child) == {"exited": 0}
    assert ev.index(created) < ev.index(attached[0])
