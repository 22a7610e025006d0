"""The claims of the Local sockets chapter (docs/*/sockets.md), checked on the published runs.

Each test checks what the page says about the output and, through ``out.events``, that the
snippet really made the sockets, connections and processes the page talks about.
"""

from __future__ import annotations


def at(events, event) -> int:
    """The position of this very event in the run (events equal in content are told apart)."""
    return next(i for i, e in enumerate(events) if e is event)


def ran_itself(out, name: str) -> bool:
    """The run's main process is the snippet file itself (not some other program)."""
    argv = out.events.argv_of(out.events.main) or []
    return any(arg.endswith(f"snippets/{name}") for arg in argv)


def test_a_socketserver_answers_a_client_in_another_process(snippet):
    out = snippet("sockets/unix_stream_server_and_client.py")
    assert out.lines == ["server got b'hello, server\\n'", "client got b'HELLO, SERVER\\n'"]
    ev = out.events
    (client,) = ev.children()
    bound = ev.one("socket.bind", pid=ev.main)
    assert at(ev, ev.one("socket.listen", pid=ev.main)) < at(ev, ev.one("os.fork"))
    connected = ev.one("socket.connect", pid=client)
    assert connected.ok and connected.args["address"] == bound.args["address"]
    assert ev.one("socket.accept", pid=ev.main)
    assert [e.data for e in ev.writes(pid=client)] == ["b'hello, server\\n'"]
    assert [e.data for e in ev.writes(pid=ev.main) if e.obj != ev.output_pipe] == [
        "b'HELLO, SERVER\\n'"]
    assert ev.exit_of(client) == {"exited": 0}


def test_a_socketpair_carries_data_both_ways(snippet):
    out = snippet("sockets/socketpair_both_ways.py")
    assert out.line("family:") == "AF_UNIX, type: SOCK_STREAM"
    assert out.line("parent:") == "b'child got ping'"
    ev = out.events
    pair = ev.one("socket.socketpair")
    assert pair.args == {"family": "AF_UNIX", "type": "SOCK_STREAM"}
    parent_end, child_end = pair.result
    (child,) = ev.children()
    # The same socket of each process both sent and received.
    assert [e.data for e in ev.writes(pid=ev.main, fd=parent_end)] == ["b'ping'"]
    assert [e.data for e in ev.reads(pid=ev.main, fd=parent_end)] == ["b'child got ping'"]
    assert [e.data for e in ev.reads(pid=child, fd=child_end)] == ["b'ping'"]
    assert [e.data for e in ev.writes(pid=child, fd=child_end)] == ["b'child got ping'"]


def test_server_and_client_alone_print_their_usage(snippet):
    for name in ("server.py", "client.py"):
        out = snippet(f"sockets/{name}")
        assert out.text.startswith(f"usage: python3 {name} SOCKET_PATH")
        assert ran_itself(out, f"sockets/{name}") and not out.events.calls("socket.socket")


def test_server_binds_a_socket_file_answers_the_client_and_unlinks_it(snippet):
    out = snippet("sockets/run_server_and_client.py")
    assert out.lines == [
        "--- server.py (exit status 0)",
        "server: bound; socket file is a socket: True",
        "server: listening",
        "server: request b'hello, server'",
        "server: closed and unlinked; file exists: False",
        "--- client.py (exit status 0)",
        "client: reply b'HELLO, SERVER'",
    ]
    ev = out.events
    server, client = ev.children()
    assert ev.argv_of(server)[1].endswith("sockets/server.py")
    assert ev.argv_of(client)[1].endswith("sockets/client.py")
    bound = ev.one("socket.bind", pid=server)
    connected = ev.one("socket.connect", pid=client)
    assert bound.args["address"] == connected.args["address"] and connected.ok
    # Before bind(), the server probed the path for a stale file: nothing was there.
    probe = ev.one("socket.connect", pid=server)
    assert probe.error == "ENOENT" and probe.args["address"] == bound.args["address"]
    assert at(ev, probe) < at(ev, bound)
    assert at(ev, ev.one("socket.listen", pid=server)) < at(ev, connected)
    assert [e.data for e in ev.reads(pid=server) if e.data != "b''"] == ["b'hello, server'"]
    assert [e.data for e in ev.reads(pid=client) if e.data != "b''"] == ["b'HELLO, SERVER'"]


def test_a_stale_path_refuses_connections_and_binds_until_unlinked(snippet):
    out = snippet("sockets/stale_path.py")
    assert out.line("after close, the file is still there:") == "True"
    assert out.line("connect to the stale path:") == "ECONNREFUSED"
    assert out.line("bind to the stale path:") == "EADDRINUSE"
    assert "after unlink, bind works again" in out.lines
    binds = out.events.calls("socket.bind")
    assert [b.error for b in binds] == [None, "EADDRINUSE", None]
    assert out.events.one("socket.connect").error == "ECONNREFUSED"
    assert len({b.args["address"] for b in binds}) == 1


def test_a_datagram_is_consumed_by_one_receive_and_its_excess_discarded(snippet):
    out = snippet("sockets/message_boundaries.py")
    assert out.line("SOCK_STREAM") == "[b'onetwothree']"
    assert out.line("SOCK_DGRAM") == "[b'one', b'two', b'three']"
    assert out.line("SOCK_SEQPACKET") == "[b'one', b'two', b'three']"
    assert out.line("recvmsg(2) of b'three':") == "b'th', MSG_TRUNC set: True"
    assert out.line("next recvmsg(100):") == "b'next', MSG_TRUNC set: False"
    ev = out.events
    kinds = [e.args["type"] for e in ev.calls("socket.socketpair")]
    assert kinds == ["SOCK_STREAM", "SOCK_DGRAM", "SOCK_SEQPACKET", "SOCK_DGRAM"]
    truncated, following = ev.calls("socket.recvmsg")
    assert (truncated.args["n"], truncated.result, truncated.data) == (2, 2, "b'th'")
    assert following.data == "b'next'"
    # Asked with MSG_TRUNC, the receive returned the real length (5), having kept 2 bytes.
    assert out.line("recv_into(2 bytes, MSG_TRUNC) of b'three':") == "5, kept b'th'"
    (real,) = ev.calls("socket.recv_into")
    assert real.result == 5 and real.args["n"] == 2


def test_an_abstract_name_creates_no_file_and_frees_itself(snippet):
    out = snippet("sockets/abstract_namespace.py")
    # A fresh folder, listed before and after bind(): the same on every run, from any folder.
    assert out.line("files in a fresh working folder, before bind():") == "[]"
    assert out.line("files in the same folder, after bind():") == "[]"
    assert out.line("getsockname() type:") == "bytes, starts with NUL: True"
    assert out.line("server got:") == "b'no file needed'"
    assert out.line("every socket on the name closed:") == "bind() works"
    assert out.line("bound again; the parent's copy closed, a child's still open:") == (
        "bind() fails with EADDRINUSE")
    assert out.line("the child has exited too:") == "bind() works"
    ev = out.events
    first, free, holder, refused, last = ev.calls("socket.bind")
    name = first.args["address"]
    assert name.startswith("\0") and {b.args["address"] for b in ev.calls("socket.bind")} == {
        name}
    assert ev.one("socket.connect").args["address"] == name
    assert [b.error for b in (first, free, holder, refused, last)] == [
        None, None, None, "EADDRINUSE", None]
    # Refused while the child, which inherited the holder, was alive; free once it was reaped.
    (child,) = ev.children()
    fork, reaped = ev.one("os.fork"), ev.waits(child)[0]
    closed = [e for e in ev.calls("socket.close", pid=ev.main) if e.obj == holder.obj]
    assert at(ev, holder) < at(ev, fork) < at(ev, closed[0]) < at(ev, refused) < at(ev, reaped)
    assert at(ev, reaped) < at(ev, last)


def test_the_receiver_reads_a_file_through_a_descriptor_it_never_opened(snippet):
    out = snippet("sockets/pass_descriptor.py")
    assert out.line("child: got") == ("b'here is a file' and a descriptor; "
                                      "it reads 'written by the parent'")
    assert out.line("child: the received descriptor is inheritable:") == "True"
    assert out.line("parent: child exited with status") == "0"
    ev = out.events
    (child,) = ev.children()
    sent = ev.one("socket.sendmsg", pid=ev.main)
    received = ev.one("socket.recvmsg", pid=child)
    assert len(sent.fds) == 1 and len(received.fds) == 1  # SCM_RIGHTS, both ways of the pair
    assert at(ev, ev.one("os.fork")) < at(ev, sent)  # the file was sent after the fork


def test_so_peercred_names_the_process_that_connected_even_after_it_is_gone(snippet):
    out = snippet("sockets/peer_credentials.py")
    assert out.line("peer pid == the child that connected:") == "True"
    assert out.line("peer uid == our uid:") == "True, peer gid == our gid: True"
    assert "the child that connected has exited; its own child holds the connection now" in (
        out.lines)
    assert out.line("SO_PEERCRED still names the child that connected:") == (
        "True; names the process that holds the socket now: False")
    pidfd = [line for line in out.lines if "SO_PEERPIDFD" in line]
    assert pidfd in (["the pidfd from SO_PEERPIDFD is readable, so that process has exited: True"],
                     ["SO_PEERPIDFD: ENOPROTOOPT (needs Linux 6.5)"])
    ev = out.events
    (connector,) = ev.children()
    (heir,) = ev.children(connector)
    assert ev.one("socket.connect").pid == connector
    before, after = ev.calls("socket.getsockopt", pid=ev.main)
    assert before.result["pid"] == after.result["pid"] == connector
    assert ev.exit_of(connector) == {"exited": 0}
    assert at(ev, ev.waits(connector)[0]) < at(ev, after)  # asked again once it was reaped
    assert ev.writes(pid=heir)[0].data == repr(str(heir).encode())  # the heir used the socket


def test_socket_file_mode_keeps_other_users_out(snippet):
    out = snippet("sockets/socket_permissions.py")
    assert out.line("socket mode:") == "srw-------"  # as bind() created it, under umask 0o177
    ev = out.events
    bound = ev.one("socket.bind", pid=ev.main)
    assert bound.ok
    other = out.line("another user")
    owner = out.line("the owner itself, mode sr--------:")
    own = ev.one("socket.connect", pid=ev.main)
    assert own.args["address"] == bound.args["address"]
    if other == "(uid 65534) connecting: EACCES":  # run as root: a child became uid 65534
        (child,) = ev.children()
        refused = ev.one("socket.connect", pid=child)
        assert refused.error == "EACCES" and refused.args["address"] == bound.args["address"]
        assert owner == "connected (root ignores file modes)" and own.ok
    else:  # anyone else: no second user to try, but the owner without write permission
        assert other == ": only root can become one to try (run as root to see it)"
        assert not ev.children()
        assert owner == "EACCES" and own.error == "EACCES"


def test_the_server_removes_a_stale_socket_file_but_never_a_file_that_is_not_a_socket(
        tmp_path):
    """A regular file or a FIFO refuses a connection with ECONNREFUSED too: server.py checks
    that the path is a socket before it unlinks it. Run here on such paths, by hand."""
    import os
    import socket
    import subprocess
    import sys

    from conftest import SNIPPETS

    regular, fifo, stale = tmp_path / "regular", tmp_path / "fifo", tmp_path / "stale"
    regular.write_text("someone's data\n")
    os.mkfifo(fifo)
    for path in (regular, fifo):
        done = subprocess.run([sys.executable, str(SNIPPETS / "sockets/server.py"), str(path)],
                              capture_output=True, text=True, timeout=20)
        assert done.returncode == 1 and "is not a socket; not removing it" in done.stderr
        assert path.exists() and not path.is_socket()
    assert regular.read_text() == "someone's data\n"
    with socket.socket(socket.AF_UNIX) as old:  # a socket file left by a server that died
        old.bind(str(stale))
    with subprocess.Popen([sys.executable, str(SNIPPETS / "sockets/server.py"), str(stale)],
                          stdout=subprocess.PIPE, text=True) as server:
        assert server.stdout.readline().startswith("server: bound")  # the stale file removed
        server.kill()
