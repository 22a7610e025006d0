"""The events of a run read back: ``Event`` (one recorded call) and ``Events`` (a run's list,
with the query helpers the tests use). Plain Python, no Sphinx; the recording side is
``recorder/`` (what each event means: its docstring).

Example (a test of ``pipes/pipe_between_parent_and_child.py``)::

    ev = out.events                                # an Events (or events.Events(run.events))
    parent = ev.main                               # the snippet's own process
    (child,) = ev.children(parent)                 # forked exactly once
    r, w = ev.calls("os.pipe", pid=parent)[0].result
    assert ev.writes(pid=parent, fd=w)[0].data == "b'hello through the kernel'"
    read = ev.reads(pid=child, fd=r)[0]
    assert read.obj == ev.calls("os.pipe")[0].obj   # the same pipe, "pipe:[inode]"
    assert ev.exit_of(child) == {"exited": 0}
"""

from __future__ import annotations

import json
import os
from collections import namedtuple
from pathlib import Path


class Event(dict):
    """One recorded call: a dict (as in the file) with attribute access to its fields."""

    pid = property(lambda self: self["pid"])
    ppid = property(lambda self: self.get("ppid"))
    call = property(lambda self: self["call"])
    args = property(lambda self: self.get("args") or {})
    result = property(lambda self: self.get("result"))
    error = property(lambda self: self.get("error"))
    ok = property(lambda self: "error" not in self)
    obj = property(lambda self: self.get("obj"))
    data = property(lambda self: self.get("data"))
    fds = property(lambda self: self.get("fds"))
    asked = property(lambda self: self.get("asked"))  # os.write: the bytes it was given
    at = property(lambda self: self.get("at"))  # "file.py:LINE" of the Python line that called

    def __str__(self) -> str:
        """``[4121] os.read(fd=3, n=100) = 24 b'...'``: one line, for reports and panels."""
        args = ", ".join(f"{k}={v!r}" for k, v in self.args.items())
        outcome = f"error {self.error}" if self.error else f"= {json.dumps(self.result)}"
        extra = "".join(f" {k}={self[k]}" for k in ("obj", "fds") if self.get(k) not in (None, []))
        data = f" {self.data}" if self.data is not None else ""
        return f"[{self.pid}] {self.call}({args}) {outcome}{data}{extra}"


Signal = namedtuple("Signal", "sender target signal call error")
Signal.__doc__ = ("A signal sent: sender pid, target (a pid; -pgid for a group; the sender for "
                  "raise_signal and pthread_kill), signal name, the call, error or None.")

_READS = ("os.read", "socket.recv", "socket.recv_into", "socket.recvfrom", "socket.recvfrom_into",
          "socket.recvmsg")
_WRITES = ("os.write", "socket.send", "socket.sendall", "socket.sendto", "socket.sendmsg")
_WAITS = ("os.waitpid", "os.wait", "os.wait3", "os.wait4", "os.waitid")
_KILLS = ("os.kill", "os.killpg", "signal.raise_signal", "signal.pthread_kill")


class Events(list):
    """The events of one run, in the order they happened; filters return Events again.

    Selecting:
        ``calls(*names, pid=None)`` events of these calls ("os.fork", "socket.bind"...);
        ``by(pid)``; ``where(**args)`` events whose args match (``where(fd=3)``);
        ``failed(error=None)`` / ``succeeded()``; ``made_in("x.py")`` calls made by that file's
        own lines (not by library code such as subprocess); ``first(...)``/``one(...)`` as
        calls() but one event.
    Processes:
        ``main`` the snippet's own pid; ``processes()`` {pid: parent pid};
        ``children(pid)`` pids it forked or spawned, in order; ``argv_of(pid)``;
        ``execs(pid=None)`` exec and spawn events; ``exit_of(pid)`` how it ended as its parent's
        wait saw it: {"exited": n} or {"signal": "SIGPIPE", "core": False} (None if not waited).
    Signals:
        ``signals_sent(sender=None, target=None, signal=None)`` -> list of Signal tuples.
    Data:
        ``reads(fd=None, pid=None, obj=None)`` / ``writes(...)``: os.read/os.write and socket
        receive/send calls on pipes, FIFOs and sockets; ``fds_passed()`` sendmsg/recvmsg events
        that carried descriptors; ``output_pipe`` the obj of the main process's stdout.
    Reports:
        ``text()`` one line per event (``str(event)``), for assertion messages and panels.
    """

    def __init__(self, items=()):
        """Events from Event objects or plain dicts (as a Run stores them)."""
        super().__init__(e if isinstance(e, Event) else Event(e) for e in items)

    def _new(self, items) -> Events:
        return Events(items)

    # selecting
    def calls(self, *names: str, pid: int | None = None) -> Events:
        return self._new(e for e in self if e.call in names and (pid is None or e.pid == pid))

    def by(self, pid: int) -> Events:
        return self._new(e for e in self if e.pid == pid)

    def where(self, **args) -> Events:
        missing = object()
        return self._new(e for e in self
                         if all(e.args.get(k, missing) == v for k, v in args.items()))

    def made_in(self, filename: str) -> Events:
        """Calls made by lines of ``filename`` (a base name: "read_returns_eof.py"), not by the
        library code it used (subprocess's own pipes, multiprocessing's, asyncio's...)."""
        return self._new(e for e in self if (e.at or "").rpartition(":")[0] == filename)

    def failed(self, error: str | None = None) -> Events:
        return self._new(e for e in self if e.error and (error is None or e.error == error))

    def succeeded(self) -> Events:
        return self._new(e for e in self if e.ok)

    def first(self, *names: str, pid: int | None = None) -> Event | None:
        found = self.calls(*names, pid=pid) if names else self
        return found[0] if found else None

    def one(self, *names: str, pid: int | None = None) -> Event:
        found = self.calls(*names, pid=pid) if names else self
        assert len(found) == 1, f"expected one {'/'.join(names)}, got {len(found)}\n{self.text()}"
        return found[0]

    # processes
    @property
    def main(self) -> int | None:
        """The snippet's own process: the first one that started."""
        start = self.first("start")
        return start.pid if start else (self[0].pid if self else None)

    def processes(self) -> dict[int, int]:
        """Every process seen, mapped to its parent (from starts, forks and spawns)."""
        tree: dict[int, int] = {}
        for e in self:
            if e.call in ("start", "forked"):
                tree.setdefault(e.pid, e.ppid)
            elif e.call in ("os.fork", "os.forkpty", "subprocess.Popen", "os.posix_spawn",
                            "os.posix_spawnp") and e.ok and isinstance(e.result, int):
                tree.setdefault(e.result, e.pid)
        return tree

    def children(self, pid: int | None = None) -> list[int]:
        """The processes ``pid`` (default: main) forked or spawned, in the order they began."""
        pid = self.main if pid is None else pid
        return [child for child, parent in self.processes().items() if parent == pid]

    def argv_of(self, pid: int) -> list[str] | None:
        """The command line the process ran last (after an exec, the new one)."""
        argv = None
        for e in self.by(pid):
            if e.call in ("start", "os.exec"):
                argv = e.args.get("argv")
        if argv is None:
            for e in self.calls("subprocess.Popen", "os.posix_spawn", "os.posix_spawnp"):
                if e.result == pid:
                    argv = e.args.get("argv")
        return argv

    def execs(self, pid: int | None = None) -> Events:
        found = self.calls("os.exec", "subprocess.Popen", "os.posix_spawn", "os.posix_spawnp",
                           "os.spawnv", "os.spawnve", "os.spawnvp", "os.spawnvpe", "os.system")
        return found.by(pid) if pid is not None else found

    def waits(self, pid: int | None = None) -> Events:
        """Successful waits that reported a child (``pid``: that child)."""
        return self._new(e for e in self.calls(*_WAITS)
                         if e.ok and e.result and e.result.get("pid")
                         and (pid is None or e.result["pid"] == pid))

    def exit_of(self, pid: int) -> dict | None:
        """How ``pid`` ended, as a wait saw it: {"exited": n} or {"signal": name, "core": bool}."""
        for e in reversed(self.waits(pid)):
            if "exited" in e.result or "signal" in e.result:
                return {k: v for k, v in e.result.items() if k != "pid"}
        return None

    # signals
    def signals_sent(self, sender: int | None = None, target: int | None = None,
                     signal: str | None = None) -> list[Signal]:
        found = []
        for e in self.calls(*_KILLS):
            if e.call == "os.kill":
                to = e.args.get("pid")
            elif e.call == "os.killpg":
                to = -e.args.get("pgid", 0)
            else:
                to = e.pid
            item = Signal(e.pid, to, e.args.get("signal"), e.call, e.error)
            if ((sender is None or item.sender == sender) and (target is None or to == target)
                    and (signal is None or item.signal == signal)):
                found.append(item)
        return found

    # data
    def _io(self, names, fd, pid, obj) -> Events:
        return self._new(e for e in self.calls(*names)
                         if (fd is None or e.args.get("fd") == fd)
                         and (pid is None or e.pid == pid) and (obj is None or e.obj == obj))

    def reads(self, fd: int | None = None, pid: int | None = None,
              obj: str | None = None) -> Events:
        return self._io(_READS, fd, pid, obj)

    def writes(self, fd: int | None = None, pid: int | None = None,
               obj: str | None = None) -> Events:
        return self._io(_WRITES, fd, pid, obj)

    def fds_passed(self) -> Events:
        return self._new(e for e in self.calls("socket.sendmsg", "socket.recvmsg") if e.fds)

    @property
    def output_pipe(self) -> str | None:
        """The obj ("pipe:[...]") of the main process's stdout: the runner's output pipe."""
        start = self.first("start")
        stdio = start.args.get("stdio") if start else None
        return stdio[1] if stdio and len(stdio) > 1 else None

    # reports
    def text(self) -> str:
        return "\n".join(str(e) for e in self)

    def __repr__(self) -> str:  # what an assertion message shows: one readable line per event
        lines = [str(e) for e in self[:60]]
        if len(self) > 60:
            lines.append(f"... {len(self) - 60} more")
        return "Events([\n  " + "\n  ".join(lines) + "\n])" if self else "Events([])"


def load(path: str | os.PathLike) -> Events:
    """The events in ``path`` (one JSON object per line); a torn or missing line is skipped."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return Events()
    return from_lines(raw.decode("utf-8", "replace").splitlines())


def from_lines(lines) -> Events:
    events = Events()
    for line in lines:
        try:
            item = json.loads(line)
        except ValueError:
            continue  # cut short by a process killed while writing (or a torn last line)
        if isinstance(item, dict) and "call" in item and "pid" in item:
            events.append(Event(item))
    return events


def wrap(items) -> Events:
    """Events from what a Run carries (a list of plain dicts, e.g. read back from the cache)."""
    return items if isinstance(items, Events) else Events(items)
