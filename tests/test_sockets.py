"""The claims of the Local sockets chapter (docs/*/sockets.md), checked by running its snippets."""

from __future__ import annotations


def test_a_socketpair_carries_data_both_ways(snippet):
    out = snippet("sockets/socketpair_both_ways.py")
    assert out.line("family:") == "AF_UNIX, type: SOCK_STREAM"
    assert out.line("parent:") == "b'child got ping'"


def test_server_and_client_alone_print_their_usage(snippet):
    assert snippet("sockets/server.py").text.startswith("usage: python3 server.py SOCKET_PATH")
    assert snippet("sockets/client.py").text.startswith("usage: python3 client.py SOCKET_PATH")


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


def test_a_stale_path_refuses_connections_and_binds_until_unlinked(snippet):
    out = snippet("sockets/stale_path.py")
    assert out.line("after close, the file is still there:") == "True"
    assert out.line("connect to the stale path:") == "ECONNREFUSED"
    assert out.line("bind to the stale path:") == "EADDRINUSE"
    assert "after unlink, bind works again" in out.lines


def test_streams_lose_message_boundaries_datagrams_and_seqpackets_keep_them(snippet):
    out = snippet("sockets/message_boundaries.py")
    assert out.line("SOCK_STREAM") == "[b'onetwothree']"
    assert out.line("SOCK_DGRAM") == "[b'one', b'two', b'three']"
    assert out.line("SOCK_SEQPACKET") == "[b'one', b'two', b'three']"
    assert out.line("recv(2) of b'three':") == "b'th', then b'next'"


def test_an_abstract_name_creates_no_file_and_frees_itself(snippet):
    out = snippet("sockets/abstract_namespace.py")
    assert out.line("getsockname() type:") == "bytes, starts with NUL: True"
    assert out.line("files in the working directory:") == "[]"
    assert out.line("server got:") == "b'no file needed'"
    assert "the same name is free again once the socket is closed" in out.lines


def test_the_receiver_reads_a_file_through_a_descriptor_it_never_opened(snippet):
    out = snippet("sockets/pass_descriptor.py")
    assert out.line("child: got") == ("b'here is a file' and a descriptor; "
                                      "it reads 'written by the parent'")
    assert out.line("parent: child exited with status") == "0"


def test_so_peercred_reports_the_connecting_process(snippet):
    out = snippet("sockets/peer_credentials.py")
    assert out.line("peer pid == client pid:") == "True"
    assert out.line("peer uid == our uid:") == "True, peer gid == our gid: True"


def test_socket_file_mode_keeps_other_users_out(snippet):
    out = snippet("sockets/socket_permissions.py")
    assert out.line("socket mode:") == "srw-------"
    other = [line for line in out.lines if line.startswith(("another user", "not running"))]
    assert other in (["another user (uid 65534) connecting: EACCES"],
                     ["not running as root: cannot become another user to try; "
                      "the rule is the same"])
