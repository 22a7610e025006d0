"""The claims of the Pipes chapter (docs/*/pipes.md), checked by running its snippets."""

from __future__ import annotations

import re


def test_child_reads_what_the_parent_wrote(snippet):
    out = snippet("pipes/pipe_between_parent_and_child.py")
    assert out.line("child: read") == "b'hello through the kernel'"
    assert out.line("parent: child exited with status") == "0"


def test_read_returns_the_rest_then_eof_once_every_write_end_is_closed(snippet):
    out = snippet("pipes/read_returns_eof.py")
    assert out.line("read 1:") == "b'first second'"
    assert out.line("read 2:") == "b''" and out.line("read 3:") == "b''"


def test_read_waits_while_a_writer_is_open_and_silent(snippet):
    out = snippet("pipes/read_blocks_while_writer_open.py")
    assert out.line("reader: readable while the writer is silent:") == "False"
    assert out.line("reader: readable after the writer wrote:") == "True"
    assert out.line("reader: read b") == "'late data'"
    assert out.line("reader: read after the writer exited:") == "b''"


def test_writing_with_no_reader_kills_a_c_like_writer_with_sigpipe(snippet):
    out = snippet("pipes/sigpipe_kills_writer.py")
    assert out.line("parent: child killed by") == "SIGPIPE"
    assert "still alive" not in out


def test_python_ignores_sigpipe_and_raises_broken_pipe_error(snippet):
    out = snippet("pipes/broken_pipe_error.py")
    assert "SIG_IGN" in out.line("SIGPIPE disposition in Python:")
    assert out.line("write raised") == "BrokenPipeError: errno EPIPE"


def test_a_full_pipe_refuses_more_until_the_reader_makes_room(snippet):
    out = snippet("pipes/full_pipe_blocks_writer.py")
    full = out.line("writer: pipe full after")
    assert full.endswith("bytes: EAGAIN") and int(full.split()[0]) >= 4096
    assert out.line("reader: took") == "4096 bytes out"
    assert out.line("writer: now writes") == "4096 more bytes"
    assert "writer: and the pipe is full again" in out.lines


def test_no_eof_while_the_reader_keeps_a_write_end(snippet):
    out = snippet("pipes/unclosed_write_end_no_eof.py")
    assert out.line("reader: b") == "'only message'"
    assert out.line("reader: EOF within 1 s with w still open:") == "False"
    assert out.line("reader: EOF after closing w:") == "True"


def test_pipe_buf_is_4096_and_differs_from_the_capacity(snippet):
    out = snippet("pipes/pipe_buf_vs_capacity.py")
    pipe_buf = int(out.line("PIPE_BUF (atomic write size):").split()[0])
    capacity = int(out.line("capacity (F_GETPIPE_SZ):").split()[0])
    assert pipe_buf == 4096  # POSIX minimum is 512; Linux uses one page
    assert capacity > pipe_buf and capacity % 4096 == 0
    ulimit = out.line("bash's ulimit -p:")
    assert ulimit == "bash is not installed here" or ulimit.endswith(f"= {pipe_buf} bytes")


def test_filling_a_pipe_measures_the_capacity_that_f_getpipe_sz_reports(snippet):
    out = snippet("pipes/capacity_by_filling.py")
    for label, expected in (("default:", None), ("resized:", 131072)):
        found = re.fullmatch(r"F_GETPIPE_SZ says (\d+), filling took (\d+)", out.line(label))
        reported, filled = int(found.group(1)), int(found.group(2))
        assert reported == filled
        if expected:
            assert reported == expected  # 100000 rounded up to 32 pages


def test_nonblocking_read_raises_eagain_then_returns_eof_without_writers(snippet):
    out = snippet("pipes/nonblocking_read.py")
    assert out.line("O_NONBLOCK set:") == "True"
    assert out.line("empty pipe, writer open:") == "BlockingIOError (errno 11, EAGAIN)"
    assert out.line("with data:") == "b'data'"
    assert out.line("empty pipe, no writer left:").startswith("b''")
    assert out.line("fcntl way, O_NONBLOCK set:") == "True"
    # O_NONBLOCK lives in the open file description that parent and child share
    assert out.line("after the child cleared it, the parent's O_NONBLOCK:") == "False"


GREP_MATCHES = ["user  42 -bash", "user  44 bash -l"]


def test_parent_feeds_grep_through_a_pipe_and_waits_for_it(snippet):
    out = snippet("pipes/pipeline_parent_and_child.py")
    assert out.lines == GREP_MATCHES + ["parent: grep exited with status 0"]


def test_two_siblings_form_a_pipeline_and_both_are_waited_for(snippet):
    out = snippet("pipes/pipeline_two_siblings.py")
    assert out.lines == GREP_MATCHES + ["parent: printf exited with status 0",
                                        "parent: grep exited with status 0"]


def test_subprocess_builds_the_same_pipeline(snippet):
    out = snippet("pipes/subprocess_pipeline.py")
    assert out.lines == GREP_MATCHES + ["printf exited with 0, grep exited with 0"]


def test_one_process_can_use_both_ends_but_each_end_goes_one_way(snippet):
    out = snippet("pipes/pipe_is_one_way.py")
    assert out.line("read back by the same process:") == "b'note to self'"
    assert out.line("write to the read end:") == "EBADF"
    assert out.line("read from the write end:") == "EBADF"
