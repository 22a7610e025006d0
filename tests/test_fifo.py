"""The claims of the FIFO chapter (docs/*/fifo.md), on the runs the pages publish.

Each test checks what the page says about the output, and the mechanism behind it in the events
the run recorded (mkfifo, opens of the FIFO, reads and writes, forks, waits): a program that only
printed the same text would fail.
"""

from __future__ import annotations

import ast
import re


def at(events, event) -> int:
    """Where ``event`` happened in the run. Reliable between events of one process only."""
    return next(i for i, e in enumerate(events) if e is event)


def fifo_obj(ev) -> str:
    """The FIFO the run made (one os.mkfifo), as events name it: "fifo:<path>"."""
    return "fifo:" + ev.one("os.mkfifo").args["path"]


def opens(ev, obj, pid=None):
    return [e for e in ev.calls("os.open", pid=pid) if e.obj == obj]


def test_fifo_is_a_file_of_type_p_with_size_zero_and_mode_masked_by_umask(snippet):
    out = snippet("fifo/make_fifo.py")
    for name in ("by_python", "by_command"):
        assert out.line(f"{name}:") == "S_ISFIFO=True mode=prw-r--r-- size=0"
    assert out.line("ls -l: prw-r--r-- ... by_python") == ""
    assert out.line("ls -l: prw-r--r-- ... by_command") == ""
    assert out.line("asked 0o666, umask 0o022: got") == "0o644 (= 0o666 & ~0o022)"

    ev = out.events
    made = ev.one("os.mkfifo")
    assert made.args["path"].endswith("/by_python") and made.args["mode"] == "0o666"
    mkfifo, ls = ev.children()
    assert ev.argv_of(mkfifo)[0] == "mkfifo" and ev.argv_of(mkfifo)[1].endswith("/by_command")
    assert ev.argv_of(ls)[:2] == ["ls", "-l"]
    listing = "".join(e.data for e in ev.reads(pid=ev.main) if e.data and "prw" in e.data)
    assert "prw-r--r--" in listing
    assert ev.exit_of(mkfifo) == ev.exit_of(ls) == {"exited": 0}


def test_writer_and_reader_alone_print_their_usage(snippet):
    for program in ("writer.py", "reader.py"):
        out = snippet(f"fifo/{program}")
        assert out.text.startswith(f"usage: python3 {program} FIFO_PATH")
        ev = out.events  # run as the page says: the program itself, with no argument
        argv = ev.argv_of(ev.main)
        assert len(argv) == 2 and argv[1].endswith(f"snippets/fifo/{program}")
        assert not ev.calls("os.open", "os.read", "os.write")  # it opened nothing


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

    ev = out.events
    launcher = ev.main
    fifo = fifo_obj(ev)
    writer, reader = ev.children(launcher)  # siblings: neither is the other's parent
    assert ev.argv_of(writer)[1].endswith("fifo/writer.py")
    assert ev.argv_of(reader)[1].endswith("fifo/reader.py")
    assert not ev.children(writer) and not ev.children(reader)
    # each knew only the path: it opened the FIFO itself, one end each
    assert [e.args["flags"] for e in opens(ev, fifo, writer)] == ["O_WRONLY"]
    assert [e.args["flags"] for e in opens(ev, fifo, reader)] == ["O_RDONLY"]
    assert ev.one("start", pid=writer).args["stdio"].count(fifo) == 0
    sent = [e.data for e in ev.writes(pid=writer, obj=fifo)]
    assert sent == [f"b'hello {i} from the writer\\n'" for i in range(3)]
    got = ev.reads(pid=reader, obj=fifo)
    assert sum(e.result for e in got) == 3 * 24 and got[-1].result == 0  # until EOF
    assert ev.exit_of(writer) == ev.exit_of(reader) == {"exited": 0}


def test_open_waits_for_the_other_side_unless_nonblocking(snippet):
    out = snippet("fifo/open_blocks_until_other_side.py")
    assert out.line("reader's open() still waiting after 0.5 s with no writer:") == "True"
    assert out.line("reader's open() returned once a writer opened:") == "True"
    assert out.line("O_RDONLY|O_NONBLOCK with no writer: opened, read gives") == "b''"
    assert out.line("O_WRONLY|O_NONBLOCK with no reader:") == "ENXIO"
    assert out.line("O_RDWR opened at once; read back") == "b'loop'"

    ev = out.events
    fifo = fifo_obj(ev)
    flags = [(e.args["flags"], e.result if e.ok else e.error) for e in opens(ev, fifo)]
    # the blocking pair (in whichever order their returns were recorded), then the rest in order
    assert sorted(f for f, _ in flags[:2]) == ["O_RDONLY", "O_WRONLY"]
    assert all(isinstance(r, int) for _, r in flags[:2])
    assert [f for f, _ in flags[2:]] == ["O_RDONLY|O_NONBLOCK", "O_WRONLY|O_NONBLOCK", "O_RDWR"]
    assert flags[3][1] == "ENXIO"
    nonblocking_reader = flags[2][1]
    assert ev.reads(fd=nonblocking_reader, obj=fifo)[0].result == 0
    rdwr = opens(ev, fifo)[4].result
    assert ev.writes(fd=rdwr, obj=fifo)[0].data == ev.reads(fd=rdwr, obj=fifo)[-1].data


def test_eof_only_after_the_last_writer_closes(snippet):
    out = snippet("fifo/eof_after_last_writer.py")
    assert out.line("after writer 1 closed:") == "b'from writer 1'"
    assert out.line("then:").startswith("BlockingIOError")
    assert out.line("after writer 2 closed:") == "b'' (EOF)"

    ev = out.events
    fifo = fifo_obj(ev)
    r, w1, w2 = (e.result for e in opens(ev, fifo))
    steps = [(e.call, e.args.get("fd"), e.result if e.ok else e.error)
             for e in ev.calls("os.write", "os.close", "os.read") if e.obj == fifo]
    assert steps == [("os.write", w1, 13), ("os.close", w1, None), ("os.read", r, 13),
                     ("os.read", r, "EAGAIN"), ("os.close", w2, None), ("os.read", r, 0),
                     ("os.close", r, None)]


RECORD = re.compile(r"(\d+) bytes received, (\d+) of (\d+) records torn")


def writers_of(ev, fifo, size):
    """The writer processes whose writes to the FIFO were records of ``size`` bytes."""
    return sorted({e.pid for e in ev.writes(obj=fifo) if e.pid != ev.main and e.result == size})


def test_writes_of_pipe_buf_bytes_never_interleave(snippet):
    out = snippet("fifo/atomic_writes.py")
    assert out.line("PIPE_BUF:") == "4096"
    small = RECORD.fullmatch(out.line("4 writers x 64 records of 4096 bytes:"))
    assert small.groups() == (str(4 * 64 * 4096), "0", str(4 * 64))

    ev = out.events
    fifo = fifo_obj(ev)
    writers = writers_of(ev, fifo, 4096)
    assert len(writers) == 4 and all(ev.processes()[w] == ev.main for w in writers)
    for w in writers:  # one write() call per record, each accepted whole
        assert [e.result for e in ev.writes(pid=w, obj=fifo)] == [4096] * 64
    assert len({ev.writes(pid=w, obj=fifo)[0].data for w in writers}) == 4  # a letter each
    assert all(ev.exit_of(w) == {"exited": 0} for w in writers)


def test_larger_writes_all_arrive_and_the_page_cites_the_torn_count(snippet):
    out = snippet("fifo/atomic_writes.py")
    large = RECORD.fullmatch(out.line("4 writers x 8 records of 100000 bytes:"))
    total, torn, records = map(int, large.groups())
    assert total == 4 * 8 * 100_000 and records == 32
    # the figure the page binds with {output} is this run's own count
    assert out.line("records of 100000 bytes torn in this run (of 32):") == str(torn)

    ev = out.events
    fifo = fifo_obj(ev)
    writers = writers_of(ev, fifo, 100_000)
    assert len(writers) == 4
    for w in writers:
        assert [e.result for e in ev.writes(pid=w, obj=fifo)] == [100_000] * 8
    received = sum(e.result for e in ev.reads(pid=ev.main, obj=fifo) if e.ok)
    assert received == 4 * 64 * 4096 + total


def test_several_readers_share_the_data_each_record_read_once(snippet):
    out = snippet("fifo/several_readers_share.py")
    assert out.line("reader 1 reads") == "b'hello'"
    assert out.line("reader 2, right after:") == "nothing there (EAGAIN)"
    found = re.fullmatch(r"records per reader \[(\d+), (\d+), (\d+)\]",
                         out.line("3 reader processes, 300 records of 100 bytes:"))
    assert sum(map(int, found.groups())) == 300
    assert out.line("every record read, none by two readers:") == "True"

    ev = out.events
    fifo = fifo_obj(ev)
    parent = ev.main
    first, second = (e.result for e in opens(ev, fifo, parent)[:2])
    assert ev.reads(fd=first, obj=fifo, pid=parent)[0].data == "b'hello'"
    assert ev.reads(fd=second, obj=fifo, pid=parent)[0].error == "EAGAIN"
    readers = ev.children(parent)
    assert len(readers) == 3
    # From the events themselves: which record numbers each reader process took.
    taken = {}
    for reader in readers:
        assert [e.args["flags"] for e in opens(ev, fifo, reader)] == ["O_RDONLY"]
        got = [e for e in ev.reads(pid=reader, obj=fifo)]
        assert got[-1].result == 0 and all(e.result == 100 for e in got[:-1])
        taken[reader] = [int(e.data[2:6]) for e in got[:-1]]
        assert ev.exit_of(reader) == {"exited": 0}
    every = sorted(n for numbers in taken.values() for n in numbers)
    assert every == list(range(300))  # all read, none twice: shared, not copied
    assert sorted(len(n) for n in taken.values()) == sorted(map(int, found.groups()))
    assert len(ev.writes(pid=parent, obj=fifo)) == 1 + 300


def test_a_fifo_keeps_no_data_of_its_own(snippet):
    out = snippet("fifo/leftover_fifo.py")
    assert out.line("session 1: read") == "b'session 1'"
    assert out.line("session 2: read") == "b'session 2'"
    assert out.line("after session 1:") == "still a FIFO: True, size 0"
    assert out.line("after session 2:") == "still a FIFO: True, size 0"
    assert out.line("6 bytes written, none read:") == "FIONREAD 6, st_size 0"
    assert out.line("reader gone, writer still open: a new reader gets") == "b'unread'"
    assert out.line("after everybody closed:") == "FIONREAD 0, a new reader gets b''"
    assert out.line("after unlink: exists:") == "False"

    ev = out.events
    fifo = fifo_obj(ev)
    calls = [e for e in ev.calls("os.open", "os.write", "os.read") if e.obj == fifo][-8:]
    steps = [(e.call, e.args.get("flags"), e.result) for e in calls]
    assert steps == [
        ("os.open", "O_RDONLY|O_NONBLOCK", calls[0].result),
        ("os.open", "O_WRONLY", calls[1].result), ("os.write", None, 6),
        # the first reader left, the writer stayed: a new reader got the 6 bytes
        ("os.open", "O_RDONLY|O_NONBLOCK", calls[3].result), ("os.read", None, 6),
        # 6 more bytes, then nobody had the FIFO open: the next reader found nothing
        ("os.write", None, 6), ("os.open", "O_RDONLY|O_NONBLOCK", calls[6].result),
        ("os.read", None, 0)]
    w = calls[1].result
    closed_w = ev.calls("os.close").where(fd=w)[-1]
    assert at(ev, calls[5]) < at(ev, closed_w) < at(ev, calls[6])
    assert ev.one("os.mkfifo") and not ev.children()


def test_the_opening_pattern_makes_a_private_fifo_and_reads_it_until_eof(snippet):
    out = snippet("fifo/fifo_between_two_processes.py")
    assert out.lines == ["reader got ['one', 'two', 'three']"]

    ev = out.events
    made = ev.one("os.mkfifo")
    assert made.args["mode"] == "0o600"
    fifo = fifo_obj(ev)
    parent = ev.main
    (writer,) = ev.children(parent)
    assert [e.args["flags"] for e in opens(ev, fifo, writer)] == ["O_WRONLY"]
    assert [e.args["flags"] for e in opens(ev, fifo, parent)] == ["O_RDONLY"]
    assert [e.data for e in ev.writes(pid=writer, obj=fifo)] == ["b'one\\ntwo\\nthree\\n'"]
    reads = ev.reads(pid=parent, obj=fifo)
    assert sum(e.result for e in reads) == 14 and reads[-1].result == 0  # until EOF
    assert ev.exit_of(writer) == {"exited": 0}


def test_a_server_answers_each_client_on_its_own_reply_fifo(snippet):
    out = snippet("fifo/client_server_reply_fifos.py")
    assert out.lines == [
        "server: answered 3 requests, each on its client's own FIFO",
        "client sent 'alpha', got 'ALPHA'",
        "client sent 'beta', got 'BETA'",
        "client sent 'gamma', got 'GAMMA'",
    ]

    ev = out.events
    server = ev.main
    well_known = ev.one("os.mkfifo", pid=server).args["path"]
    requests = "fifo:" + well_known
    # the server holds the well-known FIFO for reading, and for writing so that no EOF comes
    assert [e.args["flags"] for e in opens(ev, requests, server)] == ["O_RDONLY", "O_WRONLY"]
    assert not [e for e in ev.reads(pid=server, obj=requests) if e.result == 0]
    clients = ev.children(server)
    assert len(clients) == 3
    for client in clients:
        (made,) = ev.calls("os.mkfifo", pid=client)
        reply = "fifo:" + made.args["path"]
        assert made.args["path"] != well_known
        # the reply FIFO existed before the request that names it was sent
        (request,) = ev.writes(pid=client, obj=requests)
        assert at(ev, made) < at(ev, request)
        assert [e.args["flags"] for e in opens(ev, requests, client)] == ["O_WRONLY"]
        assert [e.args["flags"] for e in opens(ev, reply, client)] == ["O_RDONLY"]
        # only the server wrote into this client's FIFO, and only this client read it
        (answer,) = ev.writes(obj=reply)
        assert answer.pid == server
        assert [e.args["flags"] for e in opens(ev, reply, server)] == ["O_WRONLY"]
        got = ev.reads(obj=reply)
        assert {e.pid for e in got} == {client} and got[-1].result == 0
        assert got[0].data == answer.data
        word = request.data.split()[1].rstrip("\\n'")
        assert answer.data == f"b'{word.upper()}'"
        assert ev.exit_of(client) == {"exited": 0}
    # each request was one write() (at most PIPE_BUF bytes), whatever the reads grouped
    sent = b"".join(ast.literal_eval(e.data) for e in ev.writes(obj=requests))
    received = b"".join(ast.literal_eval(e.data) for e in ev.reads(pid=server, obj=requests))
    assert sorted(sent.splitlines()) == sorted(received.splitlines())
