"""The claims of the FIFO chapter (docs/*/fifo.md), checked by running its snippets."""

from __future__ import annotations

import re


def test_fifo_is_a_file_of_type_p_with_size_zero_and_mode_masked_by_umask(snippet):
    out = snippet("fifo/make_fifo.py")
    for name in ("by_python", "by_command"):
        assert out.line(f"{name}:") == "S_ISFIFO=True mode=prw-r--r-- size=0"
    assert out.line("ls -l: prw-r--r-- ... by_python") == ""
    assert out.line("ls -l: prw-r--r-- ... by_command") == ""
    assert out.line("asked 0o666, umask 0o022: got") == "0o644 (= 0o666 & ~0o022)"


def test_writer_and_reader_alone_print_their_usage(snippet):
    assert snippet("fifo/writer.py").text.startswith("usage: python3 writer.py FIFO_PATH")
    assert snippet("fifo/reader.py").text.startswith("usage: python3 reader.py FIFO_PATH")


def test_two_unrelated_programs_talk_through_a_fifo_until_eof(snippet):
    out = snippet("fifo/run_writer_and_reader.py")
    assert out.lines == [
        "--- reader.py (exit status 0)",
        "reader: got 'hello 0 from the writer'",
        "reader: got 'hello 1 from the writer'",
        "reader: got 'hello 2 from the writer'",
        "reader: EOF, the writer is gone",
        "--- writer.py (exit status 0)",
        "writer: sent 3 lines and closed the FIFO",
    ]


def test_open_waits_for_the_other_side_unless_nonblocking(snippet):
    out = snippet("fifo/open_blocks_until_other_side.py")
    assert out.line("reader's open() still waiting after 0.5 s with no writer:") == "True"
    assert out.line("reader's open() returned once a writer opened:") == "True"
    assert out.line("O_RDONLY|O_NONBLOCK with no writer: opened, read gives") == "b''"
    assert out.line("O_WRONLY|O_NONBLOCK with no reader:") == "ENXIO"
    assert out.line("O_RDWR opened at once; read back") == "b'loop'"


def test_eof_only_after_the_last_writer_closes(snippet):
    out = snippet("fifo/eof_after_last_writer.py")
    assert out.line("after writer 1 closed:") == "b'from writer 1'"
    assert out.line("then:").startswith("BlockingIOError")
    assert out.line("after writer 2 closed:") == "b'' (EOF)"


def test_writes_of_pipe_buf_bytes_never_interleave(snippet):
    out = snippet("fifo/atomic_writes.py")
    assert out.line("PIPE_BUF:") == "4096"
    small = re.fullmatch(r"(\d+) bytes received, (\d+) of (\d+) records torn",
                         out.line("4 writers x 64 records of 4096 bytes:"))
    assert small.groups() == (str(4 * 64 * 4096), "0", str(4 * 64))


def test_larger_writes_all_arrive_but_may_interleave(snippet):
    out = snippet("fifo/atomic_writes.py")
    large = re.fullmatch(r"(\d+) bytes received, (\d+) of (\d+) records torn",
                         out.line("4 writers x 8 records of 100000 bytes:"))
    total, torn, records = map(int, large.groups())
    assert total == 4 * 8 * 100_000 and records == 32
    assert 0 <= torn <= records  # tearing is allowed, never guaranteed: no fixed count


def test_a_fifo_outlives_its_users_holds_no_data_and_goes_with_unlink(snippet):
    out = snippet("fifo/leftover_fifo.py")
    assert out.line("session 1: read") == "b'session 1'"
    assert out.line("session 2: read") == "b'session 2'"
    assert out.line("after session 1:") == "still a FIFO: True, size 0"
    assert out.line("after session 2:") == "still a FIFO: True, size 0"


def test_a_fifo_keeps_no_data_once_everybody_has_closed(snippet):
    out = snippet("fifo/leftover_fifo.py")
    assert out.line("written but not read: size") == "0"
    assert out.line("next reader finds:") == "b''"
    assert out.line("after unlink: exists:") == "False"
