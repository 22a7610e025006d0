"""Run one snippet as the site shows it: isolated, bounded in time, leaving nothing behind.

Used by the Sphinx extension (``snippetexec``) and by the tests, so a snippet behaves the same
on the page and under pytest. Plain Python, no Sphinx import.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

DEFAULT_TIMEOUT = 30.0
# A sitecustomize module, imported by every Python process of a run, (1) starts the snippet as
# a terminal would, whatever started the build: a background job of a shell inherits SIGINT and
# SIGQUIT ignored, and a caller may have blocked signals; (2) registers faulthandler for
# STACK_SIGNAL, with which a snippet past its time limit is asked where it is stuck.
STACK_SIGNAL = signal.SIGRTMAX
_SITECUSTOMIZE = f"""\
import faulthandler, signal
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
if signal.getsignal(signal.SIGQUIT) == signal.SIG_IGN:
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
signal.pthread_sigmask(signal.SIG_SETMASK, set())
faulthandler.register({int(STACK_SIGNAL)}, all_threads=True)
"""
EXIT_GRACE = 2.0  # seconds a snippet's leftover processes get to exit on their own
RUNNER_VERSION = "3"  # bump when a change here changes what a run prints
_ENV_MARK = "SNIPPET_RUN_ID"


@dataclasses.dataclass
class Run:
    """The outcome of one run of one snippet."""

    snippet: str  # path as shown to readers, e.g. "snippets/pipes/read_returns_eof.py"
    output: str  # stdout and stderr interleaved, in the order they were written
    returncode: int | None  # None when the time limit killed it
    duration: float  # seconds of wall time
    timeout: float
    timed_out: bool = False
    leftovers: list[str] = dataclasses.field(default_factory=list)
    finished_at: float = 0.0  # time.time() when the run ended

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.leftovers

    @property
    def status(self) -> str:
        """A short word for tables: ok, failed, killed by SIGxxx, timed out, left things behind."""
        if self.timed_out:
            return "timed out"
        if self.returncode and self.returncode < 0:
            return f"killed by {signal_name(-self.returncode)}"
        if self.returncode:
            return f"exit status {self.returncode}"
        if self.leftovers:
            return "left things behind"
        return "ok"

    def failing_line(self) -> int | None:
        """The innermost line of the snippet file in a traceback, if there is one.

        A traceback lists the innermost call last; the stack printed on a time-out, first.
        """
        name = re.escape(Path(self.snippet).name)
        found = re.findall(rf'File "[^"]*{name}", line (\d+)', self.output)
        if not found:
            return None
        return int(found[0] if self.timed_out else found[-1])

    def describe(self, tail_lines: int = 15) -> str:
        """A report a writer can act on: where, why, and the end of what it printed."""
        line = self.failing_line()
        where = f"{self.snippet}:{line}" if line else self.snippet
        if self.timed_out:
            why = f"exceeded its time limit of {self.timeout:g} s; its process group was killed"
        else:
            why = self.status
        lines = [f"{where}: {why}"]
        lines += [f"  left behind: {item}" for item in self.leftovers]
        tail = self.output.rstrip().splitlines()[-tail_lines:]
        lines += ["  | " + text for text in tail]
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Run:
        return cls(**json.loads(text))


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def cache_key(path: Path, timeout: float) -> str:
    """Everything that changes a snippet's output: its bytes, the Python running it, the limit."""
    digest = hashlib.sha256()
    for part in (path.read_bytes(), sys.version.encode(), str(float(timeout)).encode(),
                 RUNNER_VERSION.encode()):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def run(path: Path, timeout: float = DEFAULT_TIMEOUT, shown_as: str | None = None) -> Run:
    """Run ``python3 path`` in a fresh temporary directory and report what happened.

    The snippet gets a new session (so a time-out can kill its whole process group), no stdin,
    one pipe for stdout and stderr (so the output keeps the order of writing, parent and children
    alike), unbuffered UTF-8 output, and its own TMPDIR. Afterwards any process or file it left
    behind is removed and reported.
    """
    path = Path(path).resolve()
    with tempfile.TemporaryDirectory(prefix="snippet-") as base:
        cwd, tmp, site = Path(base, "cwd"), Path(base, "tmp"), Path(base, "site")
        for folder in (cwd, tmp, site):
            folder.mkdir()
        (site / "sitecustomize.py").write_text(_SITECUSTOMIZE)
        mark = uuid.uuid4().hex
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONUTF8="1", PYTHONDONTWRITEBYTECODE="1",
                   PYTHONIOENCODING="utf-8", TMPDIR=str(tmp), PYTHONPATH=str(site),
                   **{_ENV_MARK: mark})
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, str(path)], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )
        chunks: list[bytes] = []
        reader = threading.Thread(target=_drain, args=(proc.stdout, chunks), daemon=True)
        reader.start()
        try:
            proc.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
            _show_stack(proc)
            _kill_group(proc.pid)
            proc.wait()
        duration = time.monotonic() - started
        # The snippet has ended: whatever still runs with its mark was left behind. Processes
        # already on their way out (a helper that exits when its parent's pipe closes, such as
        # multiprocessing's resource tracker) get a short grace period first.
        grace = time.monotonic() + EXIT_GRACE
        while _marked(mark) and time.monotonic() < grace:
            time.sleep(0.02)
        leftovers = [f"process {p}: {cmd}" for p, cmd in _kill_marked(mark)]
        _kill_group(proc.pid)
        reader.join(timeout=10)
        proc.stdout.close()
        out = b"".join(chunks)
        for folder, label in ((cwd, "working directory"), (tmp, "TMPDIR")):
            leftovers += [f"{label}: {p.relative_to(folder)}" for p in sorted(folder.rglob("*"))]
    return Run(
        snippet=shown_as or _shown_as(path), output=out.decode("utf-8", "replace"),
        returncode=None if timed_out else proc.returncode, duration=round(duration, 3),
        timeout=float(timeout), timed_out=timed_out, leftovers=leftovers, finished_at=time.time(),
    )


def _shown_as(path: Path) -> str:
    parts = path.parts
    if "snippets" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("snippets"):])
    return str(path)


def _drain(stream, chunks: list[bytes]) -> None:
    while data := stream.read1(65536):
        chunks.append(data)


def _show_stack(proc: subprocess.Popen) -> None:
    """Ask the snippet's main process to print its Python stack (where it hangs)."""
    try:
        os.kill(proc.pid, STACK_SIGNAL)
        proc.wait(timeout=1)  # it keeps running: this only gives it time to print
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_marked(mark: str) -> list[tuple[int, str]]:
    """Kill every live process whose environment carries this run's mark; return what was found.

    Catches what escaped the process group (a snippet may start new sessions or groups).
    """
    found = _marked(mark)
    for pid, _ in found:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return found


def _marked(mark: str) -> list[tuple[int, str]]:
    """The live processes (not zombies) whose environment carries this run's mark."""
    needle = f"{_ENV_MARK}={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue  # already dead, waiting to be reaped by its parent
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):
            continue
        found.append((int(entry.name), cmd.strip()))
    return found


if __name__ == "__main__":  # python3 docs/_ext/snippetexec/runner.py snippets/x/y.py
    result = run(Path(sys.argv[1]))
    print(result.output, end="")
    print(f"--- {result.status} in {result.duration:.2f} s", file=sys.stderr)
    sys.exit(0 if result.ok else 1)
