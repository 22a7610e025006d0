"""The claims of the chapter on Python's own IPC tools (docs/*/tools/), on the published runs.

Each test checks what the page says about the output and, through ``out.events``, the kernel
object the page says the tool is made of: the socket pair under ``Pipe()``, the pipe and the late
write under ``Queue``, the MAP_SHARED mapping of a /dev/shm file under ``Value``, the socket a
``Manager`` listens on, the HMAC challenge of ``Listener``, and so on. A program that only prints
the published output records none of these, so every test here fails on it.

The chapter's prose holds on Python 3.11 to 3.14; where a figure depends on the version (the
default start method, the fork warning) the page quotes the run, and the tests check that the
quoted value is the one that version must give.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

from conftest import run_by_hand

MiB = 1024 * 1024



def by_hand(name: str, tmp_path: Path) -> list[str]:
    """The output of snippets/<name> run as a reader runs it (conftest.run_by_hand), stdout
    and stderr in one pipe as on the page."""
    done = run_by_hand(name, tmp_path, merged=True)
    assert done.returncode == 0 and "Traceback" not in done.stdout, done.stdout
    assert done.left == []
    return done.stdout.splitlines()

def written(events) -> int:
    """Bytes moved by these read or write events (their results are byte counts)."""
    return sum(e.result for e in events if e.ok and isinstance(e.result, int))


def python_version(out) -> tuple[int, int]:
    found = re.match(r"(\d+)\.(\d+)", out.line("python:"))
    return int(found.group(1)), int(found.group(2))


# --- multiprocessing ------------------------------------------------------------------------------

def test_pipe_is_a_socketpair_and_one_way_pipe_is_a_pipe(snippet):
    out = snippet("tools/pipe_is_a_socketpair.py")
    assert out.line("Pipe():") == "socket, socket:[...] / socket, socket:[...]"
    assert out.line("Pipe(duplex=False):") == "FIFO (pipe), pipe:[...] / FIFO (pipe), pipe:[...]"
    assert out.line("parent: received") == "{'got': [1, 2, 3], 'doubled': [2, 4, 6]}"
    assert out.line("parent: child exit code") == "0"
    ev = out.events
    pair = ev.one("socket.socketpair", pid=ev.main)
    assert pair.args == {"family": "AF_UNIX", "type": "SOCK_STREAM"}
    parent_end = pair.result[0]
    # The pickled list went out on the parent's end and came in on another process's socket.
    sent = ev.writes(pid=ev.main, fd=parent_end)
    assert sent and all(e.obj == pair.obj for e in sent)
    assert any("K\\x01K\\x02K\\x03" in (e.data or "") for e in sent)  # pickled 1, 2, 3
    received = [e for e in ev.reads() if e.pid != ev.main and e.obj and
                e.obj.startswith("socket:") and "K\\x01K\\x02K\\x03" in (e.data or "")]
    assert received, ev.text()
    # Each message is framed: the receiver reads a 4-byte length, then exactly that many bytes.
    header, body = ev.reads(pid=received[0].pid, obj=received[0].obj)[:2]
    assert header.args["n"] == header.result == 4 and body is received[0]
    assert body.result == body.args["n"] == int.from_bytes(ast.literal_eval(header.data), "big")
    assert ev.reads(pid=ev.main, fd=parent_end)  # the reply came back on the same socket
    assert ev.calls("os.pipe", pid=ev.main)  # Pipe(duplex=False)


def test_queue_put_returns_before_its_feeder_thread_writes(snippet):
    out = snippet("tools/queue_is_a_pipe_and_a_thread.py")
    assert out.line("Queue: reader") == "pipe, writer pipe"
    assert out.line("Queue: threads besides main before put:") == "[]"
    assert "Queue: put(1 MiB) returned with no reader" in out.lines
    assert out.line("Queue: threads besides main after put:") == "['QueueFeederThread']"
    assert out.line("Queue: get() took back") == "1048576 bytes"
    assert out.line("SimpleQueue: reader") == "pipe, writer pipe"
    assert out.line("SimpleQueue: put(1 MiB) still blocked after 1 s:") == "True"
    assert out.line("SimpleQueue: get() took back") == "1048576 bytes"
    assert out.line("SimpleQueue: put finished once the data was read:") == "True"
    ev = out.events
    pipes = ev.calls("os.pipe", pid=ev.main)
    assert len(pipes) == 2  # one per queue
    for pipe in pipes:
        r, w = pipe.result
        big = [e for e in ev.writes(obj=pipe.obj) if e.ok and e.result > MiB]
        assert len(big) == 1, ev.text()  # the pickled 1 MiB, in one write() call
        reads = ev.reads(pid=ev.main, fd=r, obj=pipe.obj)
        assert written(reads) == 4 + big[0].result  # length prefix + payload
        # The 1 MiB write could only complete once get() had emptied the pipe several times.
        assert ev.index(big[0]) > ev.index(reads[1]), ev.text()


def test_a_child_with_buffered_queue_items_cannot_exit_until_they_are_read(snippet):
    out = snippet("tools/queue_exit_with_buffered_items.py")
    assert out.lines == [
        "child: put returned, function ends",
        "parent: child still alive 2 s later: True (exit code None)",
        "parent: got 1048576 bytes; child exit code 0",
    ]
    ev = out.events
    big = [e for e in ev.writes() if e.pid != ev.main and e.ok and e.result > MiB]
    assert len(big) == 1, ev.text()
    child = big[0].pid
    assert big[0].obj.startswith("pipe:")
    reads = ev.reads(pid=ev.main, obj=big[0].obj)
    assert written(reads) == 4 + big[0].result
    # The child's write finished only after the parent began reading, and the child's exit
    # came after that: it was held up by its feeder thread.
    assert ev.index(reads[1]) < ev.index(big[0]) < ev.index(ev.one("os._exit", pid=child))


def test_value_and_array_live_in_a_shared_mapping_of_a_deleted_dev_shm_file(snippet):
    out = snippet("tools/value_is_shared_memory.py")
    assert out.line("Value:") == "<Synchronized wrapper for c_int(0)>, lock: RLock"
    maps = [line for line in out.lines if line.startswith("mapping:")]
    assert "mapping: rw-s (s = shared) /dev/shm/pym-... (deleted)" in maps
    # one semaphore per object (the Value's lock and the Array's)
    assert maps.count("mapping: rw-s (s = shared) /dev/shm/sem.... (deleted)") == 2
    assert out.line("two processes added 20000 each under the lock:") == "40000"
    assert out.line("Array in the same arena:") == "[0.5, 1.5, 2.5]"
    ev = out.events
    arena = ev.one("mmap.mmap", pid=ev.main)
    assert arena.args["flags"] == "MAP_SHARED"
    assert re.fullmatch(r"/dev/shm/pym-\S+ \(deleted\)", arena.args["file"])
    assert len([pid for pid in ev.processes() if pid != ev.main]) >= 2  # the two workers


def test_shared_memory_is_a_dev_shm_file_and_the_tracker_removes_a_leaked_one(snippet, tmp_path):
    out = snippet("tools/shared_memory_in_dev_shm.py")
    assert out.lines == [
        "name psm_...; /dev/shm/psm_... exists: True, size 4096 bytes",
        "other process: read b'hello', writes b'WORLD'",
        "creator: now reads b'WORLD'",
        "after close(): file still exists: True",
        "after unlink(): file still exists: False",
        "forgetful program exited; its segment still in /dev/shm: False",
        "its resource tracker warned about a leaked shared_memory object: True",
    ]
    ev = out.events
    created = ev.one("mmap.mmap", pid=ev.main)
    segment = created.args["file"]
    assert re.fullmatch(r"/dev/shm/psm_\w+", segment) and created.args["flags"] == "MAP_SHARED"
    name = segment.removeprefix("/dev/shm")
    # A separate program (not a fork) mapped the same file.
    attachers = [e for e in ev.calls("mmap.mmap") if e.pid != ev.main and e.args["file"] == segment]
    assert len(attachers) == 1 and not ev.calls("forked", pid=attachers[0].pid)
    # The creator's tracker heard REGISTER then UNREGISTER (by unlink()); the attacher
    # unregistered what attaching had registered (before 3.13) or registered nothing.
    own = [e.data for e in ev.writes(pid=ev.main) if f":{name}:" in (e.data or "")]
    assert own == [f"b'REGISTER:{name}:shared_memory\\n'", f"b'UNREGISTER:{name}:shared_memory\\n'"]
    theirs = [e.data for e in ev.writes(pid=attachers[0].pid) if f":{name}:" in (e.data or "")]
    assert theirs in ([], [f"b'REGISTER:{name}:shared_memory\\n'",
                           f"b'UNREGISTER:{name}:shared_memory\\n'"])
    # The forgetful program registered its own segment and never unregistered it.
    leaked = [e for e in ev.calls("mmap.mmap") if e.pid not in (ev.main, attachers[0].pid)]
    (leak,) = leaked
    leaked_name = leak.args["file"].removeprefix("/dev/shm")
    assert [e.data for e in ev.writes(pid=leak.pid) if leaked_name in (e.data or "")] == [
        f"b'REGISTER:{leaked_name}:shared_memory\\n'"]
    # Nothing was left behind: neither segment is in /dev/shm now.
    assert not os.path.exists(segment) and not os.path.exists(leak.args["file"])
    # By hand, output to a pipe: the lines come in the same order.
    assert by_hand("tools/shared_memory_in_dev_shm.py", tmp_path) == out.lines


def test_a_manager_is_a_server_process_reached_over_a_unix_socket(snippet):
    out = snippet("tools/manager_is_a_server_process.py")
    assert out.lines == [
        "manager: a separate process: True, alive: True",
        "manager: listens at .../listener-..., a socket file: True",
        "proxy type: DictProxy",
        "parent: sees the child's entry: True",
        "proxy's connection: AF_UNIX, peer is the manager: True",
        "after the with block the manager process exited: True",
    ]
    ev = out.events
    # The server is the process that received the request to create the dict, as a pickled
    # message on a socket (a fork server, the default from 3.14, binds a socket of its own).
    creates = [e for e in ev.reads() if "create" in (e.data or "") and "dict" in (e.data or "")]
    assert creates and creates[0].pid != ev.main and creates[0].obj.startswith("socket:")
    server = creates[0].pid
    bound = ev.one("socket.bind", pid=server)
    assert re.search(r"/listener-\w+$", bound.args["address"])
    connects = [e for e in ev.calls("socket.connect") if e.args["address"] == bound.args["address"]]
    assert {e.pid for e in connects} >= {ev.main}  # the parent's proxies
    assert any(e.pid not in (ev.main, server) for e in connects)  # and the child's


def test_listener_and_client_authenticate_with_an_hmac_challenge(snippet):
    out = snippet("tools/listener_and_client.py")
    assert out.lines == [
        "listener: AF_UNIX SOCK_STREAM socket bound to .../service.sock",
        "client with key b'secret': server replied 'welcome'",
        "server: got 'hello from', sender is that client: True",
        "client with key b'wrong': AuthenticationError: digest sent was rejected",
        "server: refused it: AuthenticationError: digest received was wrong",
        "socket file removed with the listener: True",
    ]
    ev = out.events
    bound = ev.one("socket.bind", pid=ev.main)
    assert bound.args["address"].endswith("/service.sock")
    accepts = ev.calls("socket.accept", pid=ev.main)
    assert len(accepts) == 2
    clients = [e for e in ev.calls("socket.connect") if e.args["address"] == bound.args["address"]]
    assert len({e.pid for e in clients}) == 2 and ev.main not in {e.pid for e in clients}
    accepted = {e.obj for e in accepts}
    sent = [e.data or "" for e in ev.writes(pid=ev.main) if e.obj in accepted]
    assert sum("#CHALLENGE#" in d for d in sent) >= 2  # the server challenged both clients
    assert sum("#WELCOME#" in d for d in sent) == 1 and sum("#FAILURE#" in d for d in sent) == 1
    # The key itself never crossed the socket, in either direction.
    assert not any("secret" in (e.data or "") for e in ev.writes() + ev.reads())


def test_start_methods_copy_or_reimport_as_the_page_says(snippet):
    out = snippet("tools/start_methods_compared.py")
    version = python_version(out)
    default = "forkserver" if version >= (3, 14) else "fork"
    assert out.line("default start method:") == default
    available = out.line("available:").split(", ")  # the default first (so 3.14 reorders them)
    assert available[0] == default and sorted(available) == ["fork", "forkserver", "spawn"]
    assert out.line("fork:") == ("ran as '__main__'     loaded by the child itself: False, "
                                 "sees the change: True,  child of this process: True")
    assert out.line("spawn:") == ("ran as '__mp_main__'  loaded by the child itself: True,  "
                                  "sees the change: False, child of this process: True")
    # The fork server preloads the file only where CPython has fixed gh-126631.
    preloaded = out.line("this file preloaded by the fork server for its children:")
    own = {"True": "False, ", "False": "True,  "}[preloaded]
    assert out.line("forkserver:") == (f"ran as '__mp_main__'  loaded by the child itself: {own}"
                                       "sees the change: False, child of this process: False")
    ev = out.events
    forked = ev.calls("os.fork", pid=ev.main)
    assert len(forked) == 1  # fork: a copy of this process
    spawned = [e for e in ev.execs(pid=ev.main) if "spawn_main" in " ".join(e.args["argv"])]
    assert len(spawned) == 1  # spawn: a new interpreter
    server = [e for e in ev.execs(pid=ev.main) if "forkserver" in " ".join(e.args["argv"])]
    assert len(server) == 1  # forkserver: a server, a fresh interpreter started once...
    command = server[0].args["argv"][-1]
    assert "main(" in command and "['__main__']" in command  # the default preload list
    server_pid = server[0].result
    assert ev.calls("os.fork", pid=server_pid)  # ...which forked the last child


def test_fork_with_a_thread_warns_from_python_3_12(snippet):
    out = snippet("tools/fork_with_a_thread_warns.py")
    match = re.fullmatch(r"python: (\d+)\.(\d+), threads running: 2", out.lines[0])
    assert match
    expected = ("DeprecationWarning: This process (pid=...) is multi-threaded, use of fork() may "
                "lead to deadlocks in the child.")
    if (int(match.group(1)), int(match.group(2))) >= (3, 12):
        assert out.line("fork() warned:") == expected
    else:
        assert out.line("fork() warned:") == "nothing"
    assert out.line("child exit status:") == "0"
    ev = out.events
    (fork,) = ev.calls("os.fork", pid=ev.main)
    assert ev.exit_of(fork.result) == {"exited": 0}


# --- subprocess -----------------------------------------------------------------------------------

def test_writing_everything_before_reading_deadlocks_and_communicate_does_not(snippet):
    out = snippet("tools/both_pipes_full_deadlock.py")
    assert out.lines == [
        "child.stdin: a pipe: True",
        "child.stdout: a pipe: True",
        "naive: write still blocked after 2 s: True",
        "naive: child still running: True",
        "naive: after kill(), the write failed with BrokenPipeError",
        "communicate(): sent 1048576 bytes, got 1048576 back, exit status 0",
    ]
    ev = out.events
    naive, good = [e.result for e in ev.calls("subprocess.Popen", pid=ev.main)]
    # The naive child copied less than the pipes can hold in total, then was killed while stuck.
    assert written(ev.writes(pid=naive, fd=1)) < MiB
    assert ev.signals_sent(sender=ev.main, target=naive, signal="SIGKILL")
    assert ev.exit_of(naive) == {"signal": "SIGKILL", "core": False}
    # With communicate() all of it went through the child and back.
    assert written(ev.reads(pid=good, fd=0)) == MiB
    assert written(ev.writes(pid=good, fd=1)) == MiB
    assert ev.exit_of(good) == {"exited": 0}


def test_popen_options_as_seen_from_the_child(snippet):
    out = snippet("tools/popen_options.py")
    assert out.line("child: the passed descriptor reads") == "b'through an inherited pipe'"
    assert out.line("child: the other one, not passed:") == "Bad file descriptor"
    assert out.line("parent (Python): SIGPIPE is") == "<Handlers.SIG_IGN: 1>"
    assert out.line("child, restore_signals=True (default): SIGPIPE ignored:") == "False"
    assert out.line("child, restore_signals=False: SIGPIPE ignored:") == "True"
    assert re.search(r"\{\}: +leads its own group: False, own session: False, "
                     r"same session as parent: True", out.text)
    assert re.search(r"\{'process_group': 0\}: +leads its own group: True, own session: False, "
                     r"same session as parent: True", out.text)
    assert re.search(r"\{'start_new_session': True\}: +leads its own group: True, "
                     r"own session: True, same session as parent: False", out.text)
    ev = out.events
    first = ev.calls("os.pipe", pid=ev.main)[0]
    passed_child = ev.calls("subprocess.Popen", pid=ev.main)[0].result
    assert [e.data for e in ev.reads(pid=passed_child, obj=first.obj)] == [
        "b'through an inherited pipe'"]
    cats = [e for e in ev.calls("subprocess.Popen", pid=ev.main) if e.args["argv"][0] == "cat"]
    assert len(cats) == 2  # a program that is not Python, so it reports what exec left it
    # The ids the last three children printed came back through their stdout pipes.
    for popen in ev.calls("subprocess.Popen", pid=ev.main)[-3:]:
        stdout = ev.one("start", pid=popen.result).args["stdio"][1]
        assert written(ev.reads(pid=ev.main, obj=stdout)) > 0


# --- many pipes and sockets at once ---------------------------------------------------------------

def test_one_selector_reads_the_pipes_of_three_children(snippet):
    out = snippet("tools/selectors_over_children.py")
    assert out.lines == [
        "selector: EpollSelector",
        "watching 3 pipes with one selector",
        "alpha: 3 lines 'alpha line 0'..'alpha line 2', exit status 0",
        "beta: 3 lines 'beta line 0'..'beta line 2', exit status 0",
        "gamma: 3 lines 'gamma line 0'..'gamma line 2', exit status 0",
    ]
    ev = out.events
    children = [e.result for e in ev.calls("subprocess.Popen", pid=ev.main)]
    assert [ev.argv_of(pid)[-1] for pid in children] == ["alpha", "beta", "gamma"]
    pipes = {e.obj for e in ev.calls("os.pipe", pid=ev.main)}
    for pid in children:
        stdout = ev.one("start", pid=pid).args["stdio"][1]
        assert stdout in pipes and stdout != ev.output_pipe  # its own pipe to the parent
        assert ev.exit_of(pid) == {"exited": 0}


def test_asyncio_serves_a_socket_and_runs_the_children_that_use_it(snippet):
    out = snippet("tools/asyncio_unix_server_and_children.py")
    assert out.lines == [
        "server: listening on an AF_UNIX socket",
        *out.lines[1:4],
        "alpha: the server replied 'hello alpha', exit status 0",
        "beta: the server replied 'hello beta', exit status 0",
        "gamma: the server replied 'hello gamma', exit status 0",
        "server: served ['alpha', 'beta', 'gamma'] in the loop's thread",
    ]
    version = tuple(int(n) for n in out.line("python:").split("."))
    others = int(out.line("threads besides the loop's while the children ran:"))
    waiting = int(out.line("of them waiting in waitpid():"))
    if version < (3, 12):  # ThreadedChildWatcher: one thread per child, in waitpid()
        assert others == waiting == 3
    else:  # a pidfd per child, watched by the loop (where the kernel has pidfd_open)
        assert others == waiting and waiting in (0, 3)
    ev = out.events
    bound = ev.one("socket.bind", pid=ev.main)
    children = [e.result for e in ev.calls("subprocess.Popen", pid=ev.main)]
    assert len(children) == 3
    for pid, name in zip(children, ("alpha", "beta", "gamma"), strict=True):
        assert ev.one("socket.connect", pid=pid).args["address"] == bound.args["address"]
        assert [e.data for e in ev.writes(pid=pid) if e.obj and e.obj.startswith("socket:")
                and e.data != "b'\\x00'"] == [f"b'{name}\\n'"]
        assert ev.exit_of(pid) == {"exited": 0}
    assert len(ev.calls("socket.accept", pid=ev.main).succeeded()) == 3


def test_asyncio_points_the_wakeup_fd_at_its_self_pipe(snippet):
    out = snippet("tools/asyncio_wakeup_fd.py")
    assert out.lines == [
        "before: wakeup fd -1 (none)",
        "after add_signal_handler: wakeup fd is a socket: True",
        "it is the write end of the loop's self-pipe: True",
        "  AF_UNIX SOCK_STREAM, non-blocking: True",
        "handler ran in the loop: SIGUSR1",
        "after remove_signal_handler: wakeup fd -1",
    ]
    ev = out.events
    pair = ev.one("socket.socketpair", pid=ev.main)
    reader, writer = pair.result
    assert ev.calls("signal.set_wakeup_fd").where(fd=writer)
    kill = ev.one("os.kill", pid=ev.main)
    assert kill.args == {"pid": ev.main, "signal": "SIGUSR1"}
    # The C handler wrote the signal number (10, b'\n') into the pair; the loop read it.
    assert "b'\\n'" in [e.data for e in ev.reads(pid=ev.main, fd=reader)]


# --- local sockets done properly ------------------------------------------------------------------

def test_a_length_prefix_restores_messages_on_a_stream(snippet):
    out = snippet("tools/length_prefix_framing.py")
    assert out.line("two sends, one recv(100):") == "b'onetwo'"
    assert out.line("recv(8 MiB) of one 8 MiB send returned all of it:") == "False"
    calls = int(out.line("recv() calls to collect all 8 MiB:"))
    assert calls > 1
    assert out.line("bytes intact:") == "True"
    assert out.line("length-prefixed messages received with sizes") == "[5, 300000, 0]"
    assert out.line("sender exit status:") == "0"
    ev = out.events
    pair = ev.one("socket.socketpair", pid=ev.main)
    mine = pair.result[0]
    (sender,) = ev.children()
    assert [e.data for e in ev.writes(pid=sender)[:2]] == ["b'one'", "b'two'"]
    assert ev.reads(pid=ev.main, fd=mine)[0].data == "b'onetwo'"
    big = [e for e in ev.reads(pid=ev.main, fd=mine) if (e.data or "").startswith("b'yyy")]
    assert len(big) == calls and written(big) == 8 * MiB  # the figure the page quotes
    assert ev.exit_of(sender) == {"exited": 0}


def test_one_thread_serves_three_connected_clients_and_drops_one_that_left(snippet):
    out = snippet("tools/selectors_unix_server.py")
    assert out.lines == [
        "server: 1 client left early: recv() returned b'', its socket closed",
        "server: one thread had 3 clients connected at once",
        "client 0: got the expected reply: True",
        "client 1: got the expected reply: True",
        "client 2: got the expected reply: True",
    ]
    ev = out.events
    bound = ev.one("socket.bind", pid=ev.main)
    accepts = ev.calls("socket.accept", pid=ev.main)
    replies = [e for e in ev.writes(pid=ev.main) if "welcome" in (e.data or "")]
    assert len(accepts) == 4 and len(replies) == 3
    assert ev.index(accepts[-1]) < ev.index(replies[0])  # all connected before any reply
    leaver, *clients = ev.children()
    assert ev.exit_of(leaver) == {"exited": 0}
    assert ev.index(ev.waits(leaver)[-1]) < ev.index(accepts[0])  # gone before the server read
    # The leaver's connection gave b'' once, and the server closed it: one recv(), no spinning.
    (gone,) = [a for a in accepts if not [w for w in replies if w.obj == a.obj]]
    recvs = ev.reads(pid=ev.main, obj=gone.obj)
    assert [e.data for e in recvs] == ["b''"]
    assert any(e.obj == gone.obj for e in ev.calls("socket.close", pid=ev.main))
    for pid in [leaver, *clients]:
        assert ev.one("socket.connect", pid=pid).args["address"] == bound.args["address"]
        assert ev.exit_of(pid) == {"exited": 0}


def test_socketserver_accepts_each_client_and_forks_a_process_to_serve_it(snippet):
    out = snippet("tools/socketserver_forks_per_client.py")
    assert out.lines == [
        "server: AF_UNIX SOCK_STREAM socket listening at .../server.sock",
        *(f"client {n}: served on a new socket from accept(): True, by a process the server "
          "forked: True" for n in range(3)),
        "handler processes serving at once: 3",
        *(f"client {n}: got 'hello, client {n}'" for n in range(3)),
        "server process: exit status 0, socket file left behind: True",
        "a new server on the same path: Address already in use",
        "after os.unlink(): socket file left: False",
    ]
    ev = out.events
    made = ev.calls("socket.socket", pid=ev.main)
    assert len(made) == 5, ev.text()  # the listening socket, three clients, the second server
    listening = made[0]  # made by the server's constructor...
    assert listening.args == {"family": "AF_UNIX", "type": "SOCK_STREAM"}
    bound, again = ev.calls("socket.bind", pid=ev.main)
    assert bound.ok and bound.obj == listening.obj
    assert bound.args["address"].endswith("/server.sock")
    assert ev.one("socket.listen", pid=ev.main).obj == listening.obj
    (server,) = ev.children()  # ...before the one fork of this process: the server process
    # The server process accepted each client and forked one handler process after each accept.
    accepts = ev.calls("socket.accept", pid=server)
    forks = ev.calls("os.fork", pid=server)
    assert len(accepts) == len(forks) == 3 and all(e.ok for e in accepts + forks)
    assert all(e.args["fd"] == listening.result for e in accepts)
    assert len({e.obj for e in accepts} | {listening.obj}) == 4  # a new socket per client
    handlers = [e.result for e in forks]
    assert ev.children(server) == handlers
    assert all(ev.index(a) < ev.index(f) for a, f in zip(accepts, forks, strict=True))
    # The clients are this process's three sockets, connected to the path, open at once.
    connects = ev.calls("socket.connect", pid=ev.main)
    assert len(connects) == 3
    assert {e.args["address"] for e in connects} == {bound.args["address"]}
    greeted = []
    for n, (accept, handler, connect) in enumerate(zip(accepts, handlers, connects, strict=True)):
        # Each handler process saw only its own client's bytes, on the socket accept() made.
        assert [e.data for e in ev.reads(pid=handler)] == [f"b'client {n}'"]
        assert ev.reads(pid=handler)[0].obj == accept.obj
        sent = ev.writes(pid=handler)
        assert [e.obj for e in sent] == [accept.obj] * 2
        assert sent[0].data.startswith(f"b'{handler} {server} ")  # pid, parent, socket inode
        assert sent[1].data == f"b'hello, client {n}'"
        # ...and its client, and only that one, received the greeting and the reply.
        got = ev.reads(pid=ev.main, obj=connect.obj)
        assert [e.data for e in got] == [e.data for e in sent]
        greeted.append(got[0])
        assert ev.exit_of(handler) == {"exited": 0}
        assert ev.waits(handler)[-1].pid == server  # reaped by the server
    # Every handler was still waiting for its client's name when the last one had greeted.
    for handler in handlers:
        assert ev.index(greeted[-1]) < ev.index(ev.reads(pid=handler)[0])
    # server_close() closed the listening socket in the server process, which then exited 0;
    # the socket file it left behind made a second bind() to the path fail.
    assert any(e.obj == listening.obj for e in ev.calls("socket.close", pid=server))
    assert ev.exit_of(server) == {"exited": 0}
    assert again.args["address"] == bound.args["address"] and again.error == "EADDRINUSE"
    assert ev.index(again) > ev.index(ev.waits(server)[-1])


def test_a_socket_path_must_fit_in_sun_path(snippet):
    out = snippet("tools/sun_path_limit.py")
    assert out.line("bind() to a 107-byte path:") == "ok"
    assert out.line("bind() to a 108-byte path:") == "OSError: AF_UNIX path too long"
    length = int(re.fullmatch(r"a socket path (\d+) bytes long:", out.lines[2]).group(1))
    assert length > 200
    assert out.line("  bound and connected relative to its directory:") == "True"
    ev = out.events
    binds = ev.calls("socket.bind", pid=ev.main)
    assert [len(e.args["address"]) for e in binds[:2]] == [107, 108]
    assert binds[0].ok and binds[1].error
    assert binds[2].args["address"] == "service.sock" and binds[2].ok
    assert ev.one("socket.connect", pid=ev.main).args["address"] == "service.sock"


def test_memfd_memory_reaches_another_program_only_by_descriptor_passing(snippet, tmp_path):
    out = snippet("tools/memfd_passed_to_another_process.py")
    assert out.lines == [
        "sender: fd -> /memfd:demo-region (deleted), regular file: True, size 4096",
        "sender: anything named demo-region in /dev/shm: False",
        "receiver: got fd -> /memfd:demo-region (deleted)",
        "receiver: reads b'hello, reader', writes b'hello, sender'",
        "receiver exit status: 0",
        "sender: now reads b'hello, sender'",
    ]
    ev = out.events
    mine = ev.one("mmap.mmap", pid=ev.main)
    assert mine.args["file"] == "/memfd:demo-region (deleted)"
    assert mine.args["flags"] == "MAP_SHARED"
    (receiver,) = [e.result for e in ev.calls("subprocess.Popen", pid=ev.main)]
    assert not ev.calls("forked", pid=receiver)  # a program of its own, started by exec
    sent = ev.one("socket.sendmsg", pid=ev.main)
    assert sent.fds == [mine.args["fd"]]
    got = ev.one("socket.recvmsg", pid=receiver)
    theirs = ev.one("mmap.mmap", pid=receiver)
    assert theirs.args["fd"] == got.fds[0] and theirs.args["file"] == mine.args["file"]
    assert theirs.args["flags"] == "MAP_SHARED"
    # By hand, output to a pipe: the lines come in the same order.
    assert by_hand("tools/memfd_passed_to_another_process.py", tmp_path) == out.lines


# --- the everyday tools ---------------------------------------------------------------------------

def test_subprocess_run_and_a_process_pool(snippet):
    out = snippet("tools/everyday_tools.py")
    assert out.lines == ["subprocess.run: 'HELLO', exit status 0",
                         "ProcessPoolExecutor.map: [0, 1, 4, 9, 16, 25]"]
    ev = out.events
    (tr,) = [e for e in ev.calls("subprocess.Popen", pid=ev.main) if e.args["argv"][0] == "tr"]
    assert ev.exit_of(tr.result) == {"exited": 0}
    workers = [pid for pid in ev.children() if pid != tr.result and ev.calls("os.read", pid=pid)]
    assert 1 <= len(workers) <= 2  # the pool's processes read their tasks from a pipe


def test_pool_and_executor_run_tasks_elsewhere_and_return_their_exceptions(snippet):
    out = snippet("tools/process_pools.py")
    assert out.lines == [
        "Pool.map: [0, 1, 4, 9, 16, 25, 36, 49]",
        "  ran in the pool's 2 processes at most, never in this one: True",
        "  Pool.apply: the worker's exception came back: ValueError: bad input 3",
        "ProcessPoolExecutor.submit: 49, from another process: True",
        "  Future.result(): the worker's exception came back: ValueError: bad input 4",
    ]
    ev = out.events
    # Pool: at most two worker processes read the pickled tasks from a pipe...
    workers = {e.pid for e in ev.reads() if e.pid != ev.main
               and "multiprocessing.pool" in (e.data or "")}
    assert 1 <= len(workers) <= 2 and all(ev.processes()[pid] == ev.main for pid in workers)
    # ...and wrote the results into another, which this process read.
    results = {e.obj for e in ev.writes() if e.pid in workers and (e.obj or "").startswith("pipe:")}
    assert results and any(e.obj in results for e in ev.reads(pid=ev.main))
    # The executor ran its task in processes of its own, not the Pool's.
    assert [pid for pid in ev.children() if pid not in workers]


def test_spawn_needs_a_picklable_target_and_a_main_guard(snippet):
    out = snippet("tools/spawn_requirements.py")
    assert out.lines == [
        "a lambda as target: PicklingError",
        "--- no_guard.py: stdout ['parent: child exit code 1']",
        "    the child's error: RuntimeError: An attempt has been made to start a new process "
        "before the current process has finished its bootstrapping phase.",
        "--- guarded.py: stdout ['child: working', 'parent: child exit code 0']",
    ]
    ev = out.events
    def started(pid, what):
        return [e.result for e in ev.calls("subprocess.Popen", pid=pid)
                if what in " ".join(e.args["argv"])]

    (no_guard,) = started(ev.main, "no_guard.py")
    (guarded,) = started(ev.main, "guarded.py")
    assert ev.exit_of(no_guard) == {"exited": 0} == ev.exit_of(guarded)
    # Each program spawned one child, a new interpreter running spawn_main...
    (unguarded_child,) = started(no_guard, "spawn_main")
    (guarded_child,) = started(guarded, "spawn_main")
    assert ev.exit_of(guarded_child) == {"exited": 0}
    # ...and the unguarded one died before it could start a process of its own.
    assert ev.exit_of(unguarded_child) == {"exited": 1}
    assert not ev.calls("subprocess.Popen", pid=unguarded_child)
