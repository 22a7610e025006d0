"""The claims of the landing page (docs/*/index.md)."""


def test_child_change_is_invisible_but_pipe_bytes_arrive(snippet):
    out = snippet("overview/fork_copies_memory.py")
    assert out.line("child: set counter to") == "100"
    assert out.line("parent: child exited with status") == "0"
    assert out.line("parent: counter is still") == "1"
    assert out.line("parent: the pipe brought") == "'counter is 100 in the child'"
