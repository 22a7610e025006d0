"""The claims of the landing page (docs/*/index.md), on the run the page publishes."""


def at(events, event) -> int:
    """Where ``event`` happened in the run (events are in the order they happened)."""
    return next(i for i, e in enumerate(events) if e is event)


def test_child_change_is_invisible_but_pipe_bytes_arrive(snippet):
    out = snippet("overview/fork_copies_memory.py")
    assert out.line("child: set counter to") == "100"
    assert out.line("parent: child exited with status") == "0"
    assert out.line("parent: counter is still") == "1"
    assert out.line("parent: the pipe brought") == "'counter is 100 in the child'"

    # The mechanism: one fork, a pipe made before it, the child's bytes read by the parent.
    ev = out.events
    parent = ev.main
    (child,) = ev.children(parent)
    pipe = ev.one("os.pipe", pid=parent)
    r, w = pipe.result
    assert at(ev, pipe) < at(ev, ev.one("os.fork", pid=parent))
    sent = ev.writes(pid=child, obj=pipe.obj)
    assert [e.data for e in sent] == ["b'counter is 100 in the child'"]
    got = ev.reads(pid=parent, fd=r, obj=pipe.obj)
    assert got[0].result == len("counter is 100 in the child") and got[-1].result == 0
    # b"" came once both write ends were closed: the parent's own copy, and the child's
    assert ev.calls("os.close", pid=parent).where(fd=w)
    assert ev.calls("os._exit", pid=child)
    assert ev.exit_of(child) == {"exited": 0}
