"""The claims of the Pipes chapter (docs/*/pipes.md), on the runs the pages publish.

Each test checks what the page says about the output, and the mechanism behind it in the events
the run recorded (forks, execs, pipes, reads and writes, signals, waits): a program that only
printed the same text would fail.
"""

from __future__ import annotations

import ast
import re


def at(events, event) -> int:
    """Where ``event`` happened in the run. Reliable between events of one process only."""
    return next(i for i, e in enumerate(events) if e is event)


def pipe_of(ev, pid=None):
    """The one pipe the process made itself (os.pipe): its event."""
    return ev.one("os.pipe", pid=ev.main if pid is None else pid)


def test_child_reads_what_the_parent_wrote(snippet):
    out = snippet("pipes/pipe_between_parent_and_child.py")
    assert out.line("child: read") == "b'hello through the kernel'"
    assert out.line("parent: child exited with status") == "0"

    ev = out.events
    parent = ev.main
    (child,) = ev.children(parent)
    pipe = pipe_of(ev)
    r, w = pipe.result
    assert at(ev, pipe) < at(ev, ev.one("os.fork", pid=parent))  # made before fork: inherited
    assert [e.data for e in ev.writes(pid=parent, obj=pipe.obj)] == ["b'hello through the kernel'"]
    (read,) = ev.reads(pid=child, obj=pipe.obj)
    assert read.args["fd"] == r and read.data == "b'hello through the kernel'"
    # each side closed the end it does not use
    assert ev.calls("os.close", pid=child).where(fd=w)
    assert ev.calls("os.close", pid=parent).where(fd=r)
    assert ev.exit_of(child) == {"exited": 0}


def test_read_returns_the_rest_then_eof_once_every_write_end_is_closed(snippet):
    out = snippet("pipes/read_returns_eof.py")
    assert out.line("read 1:") == "b'first second'"
    assert out.line("read 2:") == "b''" and out.line("read 3:") == "b''"

    ev = out.events
    parent = ev.main
    (child,) = ev.children(parent)
    pipe = pipe_of(ev)
    r, w = pipe.result
    assert [e.data for e in ev.writes(pid=child, obj=pipe.obj)] == ["b'first '", "b'second'"]
    mine = ev.by(parent)
    closed_w = mine.calls("os.close").where(fd=w)[0]
    waited = mine.waits(child)[0]
    reads = mine.reads(fd=r)
    assert [e.result for e in reads] == [12, 0, 0]  # two writes came back as one read
    # the parent closed its own write end and waited for the writer before reading
    assert at(ev, closed_w) < at(ev, waited) < at(ev, reads[0])


def test_read_waits_while_a_writer_is_open_and_silent(snippet):
    out = snippet("pipes/read_blocks_while_writer_open.py")
    assert out.line("reader: readable while the writer is silent:") == "False"
    assert out.line("reader: readable after the writer wrote:") == "True"
    assert out.line("reader: read b") == "'late data'"
    assert out.line("reader: read after the writer exited:") == "b''"

    ev = out.events
    parent = ev.main
    (child,) = ev.children(parent)
    data, go = ev.calls("os.pipe", pid=parent)
    # The child held the write end and wrote only after the parent's go: by construction the
    # pipe had nothing to read during the parent's half-second select().
    told = ev.reads(pid=child, obj=go.obj)[0]
    wrote = ev.writes(pid=child, obj=data.obj)[0]
    assert told.data == "b'!'" and at(ev, told) < at(ev, wrote)
    assert [e.data for e in ev.writes(pid=parent, obj=go.obj)] == ["b'!'"]
    reads = ev.reads(pid=parent, obj=data.obj)
    assert [e.data for e in reads] == ["b'late data'", "b''"]
    assert at(ev, ev.waits(child)[0]) < at(ev, reads[1])  # EOF once the writer had exited


def test_writing_with_no_reader_kills_a_c_like_writer_with_sigpipe(snippet):
    out = snippet("pipes/sigpipe_kills_writer.py")
    assert out.lines == ["child: writing to a pipe that has no reader",
                         "parent: child killed by SIGPIPE"]

    ev = out.events
    parent = ev.main
    (child,) = ev.children(parent)
    pipe = pipe_of(ev)
    r, _ = pipe.result
    assert at(ev, ev.calls("os.close", pid=parent).where(fd=r)[0]) < at(ev, ev.one("os.fork"))
    reset = ev.one("signal.signal", pid=child)
    assert (reset.args["signal"], reset.args["handler"]) == ("SIGPIPE", "SIG_DFL")
    attempt = ev.one("calling", pid=child)  # the write began...
    assert attempt.args["call"] == "os.write" and attempt.obj == pipe.obj
    assert not ev.writes(pid=child)  # ...and never returned
    assert ev.exit_of(child) == {"signal": "SIGPIPE", "core": False}


def test_python_ignores_sigpipe_and_raises_broken_pipe_error(snippet):
    out = snippet("pipes/broken_pipe_error.py")
    assert "SIG_IGN" in out.line("SIGPIPE disposition in Python:")
    assert out.line("write raised") == "BrokenPipeError: errno EPIPE"

    ev = out.events
    pipe = pipe_of(ev)
    r, w = pipe.result
    closed = ev.calls("os.close").where(fd=r)[0]
    (write,) = ev.writes(fd=w, obj=pipe.obj)
    assert write.error == "EPIPE" and at(ev, closed) < at(ev, write)
    assert not ev.children()


def test_a_full_pipe_refuses_more_until_the_reader_makes_room(snippet):
    out = snippet("pipes/full_pipe_blocks_writer.py")
    accepted = int(out.line("writer: bytes accepted before the pipe was full:"))
    assert out.line("writer: the next write() failed with") == "EAGAIN"
    assert out.line("reader: took") == "4096 bytes out"
    assert out.line("writer: now writes") == "4096 more bytes"
    assert "writer: and the pipe is full again" in out.lines

    ev = out.events
    pipe = pipe_of(ev)
    r, w = pipe.result
    assert ev.one("os.set_blocking").args == {"fd": w, "blocking": False}
    outcome = [e.result if e.ok else e.error for e in ev.calls("os.write", "os.read")
               if e.obj == pipe.obj]
    first_refusal = outcome.index("EAGAIN")
    assert sum(outcome[:first_refusal]) == accepted and accepted >= 4096
    assert outcome[first_refusal:] == ["EAGAIN", 4096, 4096, "EAGAIN"]  # a write, a read, ...


def test_no_eof_while_the_reader_keeps_a_write_end(snippet):
    out = snippet("pipes/unclosed_write_end_no_eof.py")
    assert out.line("reader: b") == "'only message'"
    assert out.line("reader: EOF within 1 s with w still open:") == "False"
    assert out.line("reader: EOF after closing w:") == "True"

    ev = out.events
    parent = ev.main
    (child,) = ev.children(parent)
    pipe = pipe_of(ev)
    r, w = pipe.result
    mine = ev.by(parent)
    waited = mine.waits(child)[0]
    first = mine.reads(fd=r)[0]
    closed_w = mine.calls("os.close").where(fd=w)[0]
    eof = mine.reads(fd=r)[1]
    # the writer had exited before the first read; b"" came only after the parent closed w
    assert at(ev, waited) < at(ev, first) < at(ev, closed_w) < at(ev, eof)
    assert first.data == "b'only message'" and eof.result == 0


def test_pipe_buf_is_4096_and_differs_from_the_capacity(snippet):
    out = snippet("pipes/pipe_buf_vs_capacity.py")
    pipe_buf = int(out.line("PIPE_BUF (atomic write size):").split()[0])
    capacity = int(out.line("capacity (F_GETPIPE_SZ):").split()[0])
    assert pipe_buf == 4096  # POSIX minimum is 512; Linux uses one page
    assert capacity > pipe_buf and capacity % 4096 == 0
    ulimit = out.line("bash's ulimit -p:")

    ev = out.events
    assert ev.one("fcntl.fcntl").args["cmd"] == "F_GETPIPE_SZ"
    assert ev.one("fcntl.fcntl").result == capacity
    if ulimit != "bash is not installed here":
        assert ulimit.endswith(f"= {pipe_buf} bytes")
        (bash,) = ev.calls("subprocess.Popen")
        assert bash.args["argv"] == ["bash", "-c", "ulimit -p; ulimit -p 16"]
        assert f"b'{int(ulimit.split()[0])}\\n'" in [e.data for e in ev.reads()]


def test_bash_cannot_change_ulimit_p_while_the_capacity_is_per_pipe(snippet):
    """`ulimit -p 16` fails inside bash itself: the "pipe size" is a constant, not a limit."""
    out = snippet("pipes/pipe_buf_vs_capacity.py")
    ev = out.events
    if out.line("bash's ulimit -p:") == "bash is not installed here":
        assert "bash's ulimit -p 16:" not in out and not ev.calls("subprocess.Popen")
        return
    refused = re.fullmatch(r"exit status (\d+), (.+)", out.line("bash's ulimit -p 16:"))
    status, message = int(refused.group(1)), refused.group(2)
    assert status != 0 and "ulimit: pipe size: cannot modify limit" in message
    (bash,) = ev.calls("subprocess.Popen")
    assert bash.args["argv"] == ["bash", "-c", "ulimit -p; ulimit -p 16"]
    assert ev.exit_of(bash.result) == {"exited": status}  # bash's own status, as waited for
    # The message printed is what bash wrote to its stderr pipe (the first 48 bytes are recorded).
    said = [ast.literal_eval(e.data).decode() for e in ev.reads(pid=ev.main) if e.result]
    assert any(len(text) > 20 and message.startswith(text.strip()) for text in said), said


def test_filling_a_pipe_measures_the_capacity_that_f_getpipe_sz_reports(snippet):
    out = snippet("pipes/capacity_by_filling.py")
    asked = int(out.line("F_SETPIPE_SZ asked for 100000, got:"))
    assert asked >= 100000 and asked & (asked - 1) == 0  # a power of two (of pages)
    ev = out.events
    pipes = ev.calls("os.pipe")
    assert len(pipes) == 3
    for label, pipe in (("default:", pipes[0]), ("resized:", pipes[1])):
        found = re.fullmatch(r"F_GETPIPE_SZ says (\d+), filling took (\d+)", out.line(label))
        reported, filled = int(found.group(1)), int(found.group(2))
        assert reported == filled
        writes = [e for e in ev.calls("os.write") if e.obj == pipe.obj]
        assert sum(e.result for e in writes if e.ok) == filled and writes[-1].error == "EAGAIN"
        sizes = ev.calls("fcntl.fcntl").where(cmd="F_GETPIPE_SZ")
        assert reported in [e.result for e in sizes if e.obj == pipe.obj]
    assert out.line("resized:").startswith(f"F_GETPIPE_SZ says {asked},")
    resize = ev.calls("fcntl.fcntl").where(cmd="F_SETPIPE_SZ")
    assert resize[0].args["arg"] == 100000 and resize[0].result == asked
    assert resize[0].obj == pipes[1].obj

    # Small writes: whole pages are counted, 40 writes of 100 bytes per 4 KiB page.
    default = int(re.search(r"says (\d+),", out.line("default:")).group(1))
    small = int(out.line("a default pipe filled with 100-byte writes took:"))
    assert small == default // 4096 * 4000 < default
    first = [e.result for e in ev.calls("os.write") if e.obj == pipes[2].obj]
    assert first and set(first) == {100}  # the first ones (the run records 100 writes)

    # Twice pipe-max-size: EPERM, unless the process has CAP_SYS_RESOURCE. (The events do not
    # record an fcntl() that fails, so only the printed outcome can be checked.)
    said = out.line("asking for twice pipe-max-size:")
    assert said in ("EPERM", "granted (this process has CAP_SYS_RESOURCE)")


def test_nonblocking_read_raises_eagain_then_returns_eof_without_writers(snippet):
    out = snippet("pipes/nonblocking_read.py")
    assert out.line("O_NONBLOCK set:") == "True"
    assert out.line("empty pipe, writer open:") == "BlockingIOError (errno 11, EAGAIN)"
    assert out.line("with data:") == "b'data'"
    assert out.line("empty pipe, no writer left:").startswith("b''")
    assert out.line("fcntl way, O_NONBLOCK set:") == "True"
    # O_NONBLOCK lives in the open file description that parent and child share
    assert out.line("after the child cleared it, the parent's O_NONBLOCK:") == "False"

    ev = out.events
    parent = ev.main
    first, second = ev.calls("os.pipe", pid=parent)
    r, w = first.result
    mine = [e for e in ev.by(parent) if e.obj == first.obj and e.call in ("os.read", "os.close")]
    assert [(e.call, e.result if e.ok else e.error) for e in mine] == [
        ("os.read", "EAGAIN"), ("os.read", 4), ("os.close", None), ("os.read", 0),
        ("os.close", None)]
    setfl = ev.calls("fcntl.fcntl").where(cmd="F_SETFL")
    assert setfl and setfl[0].obj == second.obj
    (child,) = ev.children(parent)
    cleared = ev.one("os.set_blocking", pid=child)
    assert cleared.args["blocking"] is True and cleared.obj == second.obj
    assert ev.exit_of(child) == {"exited": 0}


GREP_MATCHES = ["user  42 -bash", "user  44 bash -l"]


def reset_then_exec(ev, pid: int, program: str) -> None:
    """In ``pid``: SIGPIPE set back to SIG_DFL, then an exec of ``program`` (which succeeded)."""
    reset = ev.calls("signal.signal", pid=pid).where(signal="SIGPIPE", handler="SIG_DFL")
    execs = ev.calls("os.exec", pid=pid)
    assert reset and execs and at(ev, reset[0]) < at(ev, execs[0])
    assert execs[-1].args["argv"][0] == program


def test_parent_feeds_grep_through_a_pipe_and_waits_for_it(snippet):
    out = snippet("pipes/pipeline_parent_and_child.py")
    assert out.lines == GREP_MATCHES + ["parent: grep exited with status 0"]

    ev = out.events
    parent = ev.main
    (child,) = ev.children(parent)
    pipe = pipe_of(ev)
    r, w = pipe.result
    dup = ev.one("os.dup2", pid=child)
    assert (dup.args["fd"], dup.args["fd2"], dup.obj) == (r, 0, pipe.obj)
    assert {e.args["fd"] for e in ev.calls("os.close", pid=child)} == {r, w}
    reset_then_exec(ev, child, "grep")
    assert ev.argv_of(child) == ["grep", "bash"]
    assert ev.writes(pid=parent, obj=pipe.obj)[0].data.startswith("b'root    1 init")
    assert ev.exit_of(child) == {"exited": 0}


def test_pipe_fds_close_at_exec_unless_made_inheritable_or_passed(snippet):
    out = snippet("pipes/pipe_fds_close_on_exec.py")
    assert out.line("os.pipe(): inheritable") == "False, False"
    saw_eof = "grep saw EOF and exited with status 0"
    hung = "grep still waiting for EOF after 1 s (stopped with SIGTERM)"
    assert out.line("fork + exec, default:") == saw_eof
    assert out.line("fork + exec, os.set_inheritable:") == hung
    assert out.line("subprocess, close_fds (default):") == saw_eof
    assert out.line("subprocess, pass_fds=(w,):") == hung

    ev = out.events
    parent = ev.main
    greps = ev.children(parent)
    assert len(greps) == 4 and all(ev.argv_of(g) == ["grep", "-c", "bash"] for g in greps)
    # the two forked children kept their write end on purpose: they closed only r
    for forked in greps[:2]:
        assert len(ev.calls("os.close", pid=forked)) == 1
        reset_then_exec(ev, forked, "grep")
    assert [ev.exit_of(g) for g in greps] == [
        {"exited": 0}, {"signal": "SIGTERM", "core": False},
        {"exited": 0}, {"signal": "SIGTERM", "core": False}]
    # only the hanging ones were stopped, by this program, after it had closed its write end
    assert [s.target for s in ev.signals_sent(sender=parent)] == [greps[1], greps[3]]


def test_an_ignored_sigpipe_survives_exec_and_yes_exits_1_instead_of_dying(snippet):
    out = snippet("pipes/sigpipe_ignored_survives_exec.py")
    assert "SIG_IGN" in out.line("SIGPIPE in this Python process:")
    ignored = out.line("fork + exec, nothing reset:")
    assert ignored.startswith("read b'y\\n', then yes: exit status 1, stderr ")
    assert "Broken pipe" in ignored
    restored = "read b'y\\n', then yes: killed by SIGPIPE, stderr ''"
    assert out.line("fork + exec, SIG_DFL restored:") == restored
    assert out.line("posix_spawn, no setsigdef:") == ignored
    assert out.line("posix_spawn, setsigdef=SIGPIPE:") == restored
    assert out.line("subprocess.Popen:") == restored

    ev = out.events
    parent = ev.main
    plain, reset, spawned, spawned_dfl, popen = ev.children(parent)
    assert not ev.calls("signal.signal", pid=plain)  # SIG_IGN inherited from CPython
    assert ev.argv_of(plain) == ["yes"] and ev.calls("os.exec", pid=plain)
    reset_then_exec(ev, reset, "yes")
    spawns = ev.calls("os.posix_spawnp", pid=parent)
    assert [e.result for e in spawns] == [spawned, spawned_dfl]
    assert all(e.args["argv"] == ["yes"] for e in spawns)
    assert ev.one("subprocess.Popen").args["argv"] == ["yes"]
    assert ev.exit_of(plain) == ev.exit_of(spawned) == {"exited": 1}
    for child in (reset, spawned_dfl, popen):
        assert ev.exit_of(child) == {"signal": "SIGPIPE", "core": False}
    # the reader quit (closed its end) after two bytes, before waiting
    for child in (plain, reset):
        out_pipe = ev.calls("os.pipe", pid=parent)[[plain, reset].index(child) * 2]
        read = ev.reads(pid=parent, obj=out_pipe.obj)[0]
        close = [e for e in ev.calls("os.close", pid=parent) if e.obj == out_pipe.obj][-1]
        assert read.data == "b'y\\n'" and at(ev, read) < at(ev, close) < at(ev, ev.waits(child)[0])


def test_two_siblings_form_a_pipeline_and_both_are_waited_for(snippet):
    out = snippet("pipes/pipeline_two_siblings.py")
    assert out.lines == GREP_MATCHES + ["parent: printf exited with status 0",
                                        "parent: grep exited with status 0"]

    ev = out.events
    parent = ev.main
    producer, consumer = ev.children(parent)
    pipe = pipe_of(ev)
    r, w = pipe.result
    assert ev.one("os.dup2", pid=producer).args == {"fd": w, "fd2": 1}
    assert ev.one("os.dup2", pid=consumer).args == {"fd": r, "fd2": 0}
    reset_then_exec(ev, producer, "printf")
    reset_then_exec(ev, consumer, "grep")
    closes = ev.calls("os.close", pid=parent)
    assert {e.args["fd"] for e in closes} == {r, w}
    # blocking waits, one per child, and no busy loop
    waits = ev.calls("os.waitpid", pid=parent)
    assert [e.args.get("options") for e in waits] == ["0", "0"]
    assert all(at(ev, c) < at(ev, waits[0]) for c in closes)
    assert ev.exit_of(producer) == ev.exit_of(consumer) == {"exited": 0}


def test_grep_finds_its_own_command_line(snippet):
    out = snippet("pipes/grep_matches_itself.py")
    assert out.lines == ["grep 'cat' found:", "    cat", "    grep cat",
                         "grep '[c]at' found:", "    cat"]

    ev = out.events
    cat, plain, bracket = ev.children()
    assert ev.argv_of(cat) == ["cat"]
    assert ev.argv_of(plain) == ["grep", "cat"] and ev.argv_of(bracket) == ["grep", "[c]at"]
    # the listing each grep read already held grep's own command line
    fed = [e.data for e in ev.writes(pid=ev.main) if e.data and "cat\\n" in e.data]
    assert fed == ["b'cat\\ngrep cat\\n'", "b'cat\\ngrep [c]at\\n'"]
    assert ev.exit_of(cat) == ev.exit_of(plain) == ev.exit_of(bracket) == {"exited": 0}


def test_subprocess_builds_the_same_pipeline(snippet):
    out = snippet("pipes/subprocess_pipeline.py")
    assert out.lines == GREP_MATCHES + ["printf exited with 0, grep exited with 0"]

    ev = out.events
    producer, consumer = ev.children()
    assert ev.argv_of(producer)[0] == "printf" and ev.argv_of(consumer) == ["grep", "bash"]
    assert ev.exit_of(producer) == ev.exit_of(consumer) == {"exited": 0}


def test_one_process_can_use_both_ends_but_each_end_goes_one_way(snippet):
    out = snippet("pipes/pipe_is_one_way.py")
    assert out.line("read back by the same process:") == "b'note to self'"
    assert out.line("write to the read end:") == "EBADF"
    assert out.line("read from the write end:") == "EBADF"

    ev = out.events
    pipe = pipe_of(ev)
    r, w = pipe.result
    assert not ev.children()
    assert ev.writes(fd=w)[0].data == ev.reads(fd=r)[0].data == "b'note to self'"
    assert ev.writes(fd=r)[0].error == "EBADF" and ev.reads(fd=w)[0].error == "EBADF"


def test_a_signal_wakes_select_through_the_processs_own_pipe(snippet):
    out = snippet("pipes/self_pipe_wakeup.py")
    assert out.line("before the signal, the read end is readable:") == "False"
    assert out.line("after the signal, the read end is readable:") == "True"
    assert out.line("the byte in the pipe names") == "SIGUSR1"

    ev = out.events
    me = ev.main
    pipe = pipe_of(ev)
    r, w = pipe.result
    wakeup = ev.calls("signal.set_wakeup_fd")[0]
    assert wakeup.args["fd"] == w
    (sent,) = ev.signals_sent(sender=me)
    assert (sent.target, sent.signal) == (me, "SIGUSR1")
    (read,) = ev.reads(fd=r)
    assert read.data == "b'\\n'"  # byte 10: SIGUSR1's number, written by CPython's C handler
    assert at(ev, wakeup) < at(ev, ev.one("os.kill")) < at(ev, read)
    assert not ev.writes(pid=me, obj=pipe.obj)  # this program never wrote into it itself


def test_a_process_without_the_pipe_opens_it_through_proc(snippet):
    out = snippet("pipes/open_pipe_through_proc.py")
    assert out.line("/proc/PID/fd/N of the write end is a FIFO:") == "True"
    assert out.line("helper exited with status") == "0"
    message = "b'written by a process that never had the pipe'"
    assert out.line("parent read:") == message

    ev = out.events
    parent = ev.main
    pipe = ev.calls("os.pipe", pid=parent)[0]
    (helper,) = ev.children(parent)
    start = ev.one("start", pid=helper)
    assert start.args["argv"][-1].startswith("/proc/") and pipe.obj not in start.args["stdio"]
    # the helper's only events on the pipe: its own write (after opening the path) and close
    assert [e.data for e in ev.writes(pid=helper, obj=pipe.obj)] == [message]
    assert [e.data for e in ev.reads(pid=parent, obj=pipe.obj)] == [message]


def test_fork_copies_unflushed_output_and_a_normal_exit_runs_the_parents_cleanup(snippet):
    out = snippet("pipes/fork_copies_unflushed_output.py")
    assert out.line("not flushed, child ends with sys.exit:") == "'before fork' x2, 'clean-up' x2"
    assert out.line("flushed, child ends with sys.exit:") == "'before fork' x1, 'clean-up' x2"
    assert out.line("flushed, child ends with os._exit:") == "'before fork' x1, 'clean-up' x1"

    ev = out.events
    programs = ev.children()
    assert [ev.argv_of(p)[-2:] for p in programs] == [
        ["keep", "sys.exit"], ["flush", "sys.exit"], ["flush", "os._exit"]]
    for program in programs:
        assert ev.one("start", pid=program).args["stdio"][1].startswith("pipe:")
        (child,) = ev.children(program)
        assert ev.exit_of(child) == {"exited": 0}
    ends = [bool(ev.calls("os._exit", pid=ev.children(p)[0])) for p in programs]
    assert ends == [False, False, True]


def test_print_makes_several_write_calls_or_one_big_one(snippet):
    out = snippet("pipes/print_makes_several_writes.py")
    assert out.line('unbuffered (-u), print("one", "two", "three"):') == (
        "6 write() calls: [b'one', b' ', b'two', b' ', b'three', b'\\n']")
    assert out.line('unbuffered (-u), print("a whole line"):') == (
        "2 write() calls: [b'a whole line', b'\\n']")
    assert out.line('os.write(1, b"a whole line\\n"):') == "1 write() call: [b'a whole line\\n']"
    count = int(out.line("block-buffered, 100 print() calls of 100 bytes, write() calls:"))
    sizes = [int(s) for s in out.line("block-buffered, the sizes of those write() calls:")
             .split(", ")]
    assert count == len(sizes) and sum(sizes) == 100 * 100
    assert max(sizes) > 4096  # the page: more than PIPE_BUF in one write()

    # What the parent received: one message per write() of the child, on a SEQPACKET socket.
    ev = out.events
    pairs = ev.calls("socket.socketpair")
    assert len(pairs) == 4 and all(p.args["type"] == "SOCK_SEQPACKET" for p in pairs)
    children = ev.children()
    assert ["-u" in ev.argv_of(c) for c in children] == [True, True, True, False]
    received = [[e.result for e in ev.reads(pid=ev.main, obj=p.obj)] for p in pairs]
    assert [len(r) - 1 for r in received] == [6, 2, 1, len(sizes)]  # the last recv is EOF
    assert received[3][:-1] == sizes
    assert all(ev.one("start", pid=c).args["stdio"][1].startswith("socket:") for c in children)


# --- added with the teaching order: the descriptor picture, short reads, selectors, recipes ---

def test_a_child_forked_while_a_thread_holds_a_lock_cannot_take_it(snippet):
    out = snippet("pipes/fork_while_a_thread_holds_a_lock.py")
    assert out.lines == ["the child's lock.acquire(timeout=0.5): timed out",
                         "the parent's lock.acquire() once the owner let go: True"]
    ev = out.events
    parent = ev.main
    pipe = pipe_of(ev)
    r, w = pipe.result
    fork = ev.one("os.fork", pid=parent)
    child = fork.result
    assert ev.children(parent) == [child] and at(ev, pipe) < at(ev, fork)
    # The child told the parent through the pipe that its acquire() timed out, then _exit'ed.
    (report,) = ev.writes(obj=pipe.obj)
    assert report.pid == child and report.args["fd"] == w and report.data == "b'timed out'"
    assert ev.one("os._exit", pid=child).args == {"status": 0}
    read = ev.reads(obj=pipe.obj, pid=parent)[0]
    assert read.args["fd"] == r and read.data == "b'timed out'"
    assert ev.exit_of(child) == {"exited": 0}


def test_descriptors_lead_to_open_file_descriptions_that_lead_to_the_pipe(snippet):
    out = snippet("pipes/descriptors_share_open_file.py")
    assert out.line("r, w and w2 lead to the same pipe (inode):") == "True"
    assert out.line("after set_blocking(w, False):") == (
        "w2 non-blocking: True, r non-blocking: False")
    assert out.line("w closed, w2 still open: read") == "b'still a writer'"
    assert out.line("w2 closed too: read") == "b'' (EOF)"

    ev = out.events
    pipe = pipe_of(ev)
    r, w = pipe.result
    dup = ev.one("os.dup")
    w2 = dup.result
    assert dup.args["fd"] == w and dup.obj == pipe.obj and w2 not in (r, w)
    assert ev.one("os.set_blocking").args == {"fd": w, "blocking": False}
    # in order: w closed, a write through w2 read back (still a writer), w2 closed, then EOF
    steps = [(e.call, e.args.get("fd"), e.result) for e in ev.calls(
        "os.close", "os.write", "os.read") if e.obj == pipe.obj]
    assert steps == [("os.close", w, None), ("os.write", w2, 14), ("os.read", r, 14),
                     ("os.close", w2, None), ("os.read", r, 0), ("os.close", r, None)]
    assert not ev.children()


def test_reads_return_what_the_pipe_holds_and_a_nonblocking_write_takes_what_fits(snippet):
    out = snippet("pipes/short_reads_and_partial_writes.py")
    capacity = int(out.line("the pipe holds:").split()[0])
    size = 4 * capacity
    got = re.fullmatch(rf"{size} bytes; the first read\(\) of {size} got: (\d+)",
                       out.line("one write() of"))
    first = int(got.group(1))
    assert 0 < first <= capacity
    calls = int(out.line(f"read_exactly() collected the other {size - first} bytes in read() "
                         "calls:"))
    assert calls >= 3  # at least three more pipefuls
    assert out.line("non-blocking write() into an empty pipe, bytes asked:") == (
        f"{capacity + 100}")
    assert out.line("non-blocking write() into an empty pipe, bytes taken:") == f"{capacity}"

    ev = out.events
    parent = ev.main
    (child,) = ev.children(parent)
    pipes = ev.calls("os.pipe", pid=parent)
    assert ev.calls("fcntl.fcntl").where(cmd="F_GETPIPE_SZ")[0].result == capacity
    (write,) = ev.writes(pid=child, obj=pipes[0].obj)
    assert write.result == write.asked == size  # one blocking write() moved it all
    reads = ev.reads(pid=parent, obj=pipes[0].obj)
    assert reads[0].args["n"] == size and reads[0].result == first
    assert len(reads) == 1 + calls and all(e.result <= capacity for e in reads)
    assert sum(e.result for e in reads) == size
    (partial,) = ev.writes(pid=parent, obj=pipes[1].obj)
    assert ev.one("os.set_blocking").obj == pipes[1].obj
    assert (partial.asked, partial.result) == (capacity + 100, capacity)  # a short count


def test_python_recipes_for_a_reader_that_quits_early(snippet):
    out = snippet("pipes/broken_pipe_recipes.py")
    lines = out.lines
    assert lines[0].split() == ["plain", "loop:", "read", "b'line", "0\\n',", "then", "exit",
                                "status", "1"]
    assert lines[1].strip() == "stderr: BrokenPipeError: [Errno 32] Broken pipe"
    assert lines[2].endswith("read b'line 0\\n', then killed by SIGPIPE")
    assert lines[4].endswith("read b'line 0\\n', then exit status 1")
    assert lines[3].strip() == lines[5].strip() == "stderr: (empty)"

    ev = out.events
    plain, dfl, recipe = ev.children()
    assert "BrokenPipeError" in ev.argv_of(recipe)[-1] and "os.dup2" in ev.argv_of(recipe)[-1]
    assert not ev.calls("signal.signal", pid=plain)  # CPython's SIG_IGN: EPIPE, an exception
    reset = ev.one("signal.signal", pid=dfl)
    assert (reset.args["signal"], reset.args["handler"]) == ("SIGPIPE", "SIG_DFL")
    assert [ev.exit_of(c) for c in (plain, dfl, recipe)] == [
        {"exited": 1}, {"signal": "SIGPIPE", "core": False}, {"exited": 1}]
    # The parent read 7 bytes from each stdout pipe, and what each child said on stderr.
    outs, errs = [], []
    for child in (plain, dfl, recipe):
        stdio = ev.one("start", pid=child).args["stdio"]
        outs.append([e.data for e in ev.reads(pid=ev.main, obj=stdio[1])])
        errs.append("".join(e.data for e in ev.reads(pid=ev.main, obj=stdio[2])))
    assert outs == [["b'line 0\\n'"]] * 3
    assert errs[0].startswith("b'Traceback (most recent call last):")  # the first 48 bytes
    assert errs[1] == errs[2] == "b''"


def test_one_selector_reads_two_pipes_until_both_are_at_eof(snippet):
    out = snippet("pipes/selectors_over_two_pipes.py")
    assert out.line("from the first pipe:") == "['first 0', 'first 1', 'first 2']"
    assert out.line("from the second pipe:") == "['second 0', 'second 1', 'second 2']"

    ev = out.events
    parent = ev.main
    first, second = ev.calls("os.pipe", pid=parent)
    children = ev.children(parent)
    assert len(children) == 2
    for child, pipe, name in zip(children, (first, second), ("first", "second"), strict=True):
        assert [e.data for e in ev.writes(pid=child, obj=pipe.obj)] == [
            f"b'{name} {i}\\n'" for i in range(3)]
        reads = ev.reads(pid=parent, obj=pipe.obj)
        assert reads[-1].result == 0 and sum(e.result for e in reads) == 3 * (len(name) + 3)
        # unregistered and closed at its EOF
        closes = [e for e in ev.calls("os.close", pid=parent) if e.obj == pipe.obj]
        assert at(ev, reads[-1]) < at(ev, closes[-1])
        assert ev.exit_of(child) == {"exited": 0}
    # the parent closed each write end before reading anything
    reads = ev.reads(pid=parent)
    for pipe in (first, second):
        w = pipe.result[1]
        closed = ev.calls("os.close", pid=parent).where(fd=w)[0]
        assert closed.obj == pipe.obj and at(ev, closed) < at(ev, reads[0])


def test_the_descriptor_diagram_fits_a_phone_and_follows_the_colour_scheme():
    """Both editions' diagram: narrow enough for a 390 px screen with text of 13 px (at least
    11 px once scaled to a phone's column), colours that follow a dark scheme, no background."""
    from conftest import DOCS

    for edition in ("en", "zh"):
        svg = (DOCS / edition / "images" / "pipes-descriptors.svg").read_text(encoding="utf-8")
        box = [float(v) for v in re.search(r'viewBox="([\d. ]+)"', svg).group(1).split()]
        assert box[2] <= 360  # a phone's column is about 350 px: scale >= 0.95
        sizes = [float(s) for s in re.findall(r"font-size:\s*([\d.]+)px", svg)]
        assert sizes and min(sizes) * 350 / box[2] >= 11
        assert "prefers-color-scheme: dark" in svg and 'class="bg"' not in svg
        assert "<rect x=\"0\" y=\"0\"" not in svg  # transparent background
