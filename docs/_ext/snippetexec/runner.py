"""Run one snippet as the site shows it: isolated, bounded in time, leaving nothing behind.

Used by the Sphinx extension (``snippetexec``) and by the tests, so a snippet behaves the same
on the page and under pytest. Plain Python, no Sphinx import.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

try:
    from . import contain, hostfiles, observe, tracing
except ImportError:  # runner.py run as a script
    import contain
    import hostfiles
    import observe
    import tracing

DEFAULT_TIMEOUT = 30.0
# A sitecustomize module, imported by every Python process of a run, (1) starts the snippet as
# a terminal would, whatever started the build: a background job of a shell inherits SIGINT and
# SIGQUIT ignored, and a caller may have blocked signals; (2) registers faulthandler for
# STACK_SIGNAL, with which a snippet past its time limit is asked where it is stuck.
STACK_SIGNAL = signal.SIGRTMAX
_SITECUSTOMIZE = f"""\
import _signal, faulthandler
if _signal.getsignal(_signal.SIGINT) == _signal.SIG_IGN:
    _signal.signal(_signal.SIGINT, _signal.default_int_handler)
if _signal.getsignal(_signal.SIGQUIT) == _signal.SIG_IGN:
    _signal.signal(_signal.SIGQUIT, _signal.SIG_DFL)
_signal.pthread_sigmask(_signal.SIG_SETMASK, set())
faulthandler.register({int(STACK_SIGNAL)}, all_threads=True)
del _signal, faulthandler
"""
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
    events: list[dict] = dataclasses.field(default_factory=list)  # what it did (recorder/)
    calls: list[dict] = dataclasses.field(default_factory=list)  # the "Calls made" rows (calls.py)
    calls_from: str = ""  # where the system-call column comes from, or why it is missing
    strace_logs: dict | None = None  # a traced run's strace logs (not cached)
    stopped: str = ""  # why the runner stopped it early: "output" (printed too much), "cancelled"
    contained: str = ""  # how the run was contained (contain.py), "" if it was not
    problems: list[str] = dataclasses.field(default_factory=list)  # bounds hit, forged report...
    made: dict = dataclasses.field(default_factory=dict)  # how: run_context() when it ran

    @property
    def ok(self) -> bool:
        return (self.returncode == 0 and not self.timed_out and not self.leftovers
                and not self.stopped and not self.problems)

    @property
    def status(self) -> str:
        """A short word for tables: ok, failed, killed by SIGxxx, timed out, left things behind."""
        if self.timed_out:
            return "timed out"
        if self.stopped == "output":
            return f"printed more than {OUTPUT_LIMIT >> 20} MiB"
        if self.stopped == "events":  # whether or not its end was seen before the kill
            return f"stopped: it wrote more than {EVENTS_LIMIT >> 20} MiB to its events file"
        if self.stopped:
            return "stopped: the build was interrupted"
        if self.returncode and self.returncode < 0:
            return f"killed by {signal_name(-self.returncode)}"
        if self.returncode:
            return f"exit status {self.returncode}"
        if self.problems:  # words from the run's folders among them: escaped
            return "failed: " + printable(self.problems[0])
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
            why = f"exceeded its time limit of {self.timeout:g} s; all its processes were killed"
        elif self.stopped == "output":
            why = (f"printed more than {OUTPUT_LIMIT >> 20} MiB ({OUTPUT_LIMIT} bytes); it was "
                   "stopped there")
        else:
            why = self.status
        lines = [f"{where}: {why}"]
        lines += [f"  {problem}" for problem in self.problems if problem not in why]
        counts = [item for item in self.leftovers if re.search(r": and \d+ more", item)]
        named = [item for item in self.leftovers if item not in counts]
        lines += [f"  left behind: {item}" for item in named[:SHOWN_LEFTOVERS]]
        if len(named) > SHOWN_LEFTOVERS:
            lines.append(f"  left behind: and {len(named) - SHOWN_LEFTOVERS} more")
        lines += [f"  left behind: {item}" for item in counts]
        tail = self.output.rstrip("\n").split("\n")[-tail_lines:] if self.output else []
        lines += ["  | " + (text if len(text) <= 300 else text[:300] + " [...]") for text in tail]
        return printable("\n".join(lines))

    def to_json(self) -> str:
        fields = dataclasses.asdict(self)
        fields.pop("strace_logs")
        return json.dumps(fields, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Run:
        """A run read back from the cache; ValueError if the entry is not a well-formed run."""
        fields = json.loads(text)
        if not isinstance(fields, dict):
            raise ValueError("not a JSON object")
        types = {f.name: f.type for f in dataclasses.fields(cls)}
        unknown = set(fields) - set(types)
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}")
        checks = {"snippet": str, "output": str, "returncode": (int, type(None)),
                  "duration": (int, float), "timeout": (int, float), "timed_out": bool,
                  "leftovers": list, "finished_at": (int, float), "events": list,
                  "calls": list, "calls_from": str, "stopped": str, "contained": str,
                  "problems": list, "made": dict}
        for name, kind in checks.items():
            if name in fields and not isinstance(fields[name], kind):
                raise ValueError(f"field {name!r} has the wrong type")
        for name in ("snippet", "output", "returncode", "duration", "timeout"):
            if name not in fields:
                raise ValueError(f"field {name!r} is missing")
        return cls(**fields)


SHOWN_LEFTOVERS = 20  # a report names this many leftovers, then counts the rest
# Control characters (C0, DEL, C1) and the two non-characters XML refuses, escaped for a terminal,
# a log and an XML report; newlines and tabs stay.
_CONTROL = ({c: f"\\x{c:02x}" for c in [*range(32), *range(127, 160)] if chr(c) not in "\n\t"}
            | {0xFFFE: "\\ufffe", 0xFFFF: "\\uffff"})


def printable(text: str) -> str:
    """Text with control characters escaped: safe for a terminal, a log and an XML file."""
    text = text.translate(_CONTROL)
    # Lone surrogates (from a file name, say) cannot be written as UTF-8 or XML.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


ROOT = Path(__file__).resolve().parents[3]
SNIPPETS = ROOT / "snippets"
MAX_TIMEOUT = 120.0  # seconds: the most a snippet may ask for
_HEADER = re.compile(r"^#\s*snippet:\s*([\w-]+)\s*=\s*(.*?)\s*$")
# Header keys a snippet may set, with what they mean (see Snippet.load).
HEADER_KEYS = {
    "timeout": f"seconds the run may take (default {DEFAULT_TIMEOUT:g}, at most {MAX_TIMEOUT:g})",
    "uses": "other files it runs or reads, relative to its folder",
    "observe": observe.HEADER_HELP,
    "alone": "yes: the build runs it with no other snippet beside it (for measurements)",
    "calls": "the system calls of its panel: strace (default, from a second, traced run) or "
             "python (Python calls only, where ptrace would change the run)",
    "runs": "two (default: the page's run, and a traced one for its panel) or one (the traced "
            "run is the page's too: for output that timing and ptrace cannot change)",
}


class SnippetError(ValueError):
    """A snippet that cannot be shown or run: missing, outside snippets/, or a bad header."""

    def __init__(self, message: str, path: Path | None = None, line: int | None = None):
        where = f"{_shown_as(path)}:{line}: " if path and line else ""
        super().__init__(where + message)
        self.path, self.line = path, line


@dataclasses.dataclass(frozen=True)
class Snippet:
    """One snippet file and the settings its header declares, once for both editions and tests.

    The header is made of comment lines such as::

        # snippet: timeout = 60
        # snippet: uses = writer.py, reader.py

    They are stripped from the code shown on the page.
    """

    path: Path
    name: str  # relative to the snippets folder: "pipes/read_returns_eof.py"
    timeout: float = DEFAULT_TIMEOUT
    uses: tuple[Path, ...] = ()
    settings: tuple[tuple[str, str], ...] = ()  # every header line, as (key, value)
    header_lines: frozenset[int] = frozenset()  # 1-based

    @classmethod
    def load(cls, name: str | Path, root: Path = SNIPPETS) -> Snippet:
        """The snippet ``name`` (relative to ``root``, or a path), checked: raises SnippetError."""
        root = Path(root).resolve()
        path = (root / name).resolve()
        if not path.is_relative_to(root):
            raise SnippetError(f"{name} is outside {_shown_as(root)}/: snippets live there")
        if path.suffix != ".py":
            raise SnippetError(f"{name} is not a Python file")
        if not path.is_file():
            raise SnippetError(f"no snippet {name} in {_shown_as(root)}/")
        settings, lines = [], set()
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            if m := _HEADER.match(line):
                settings.append((m.group(1), m.group(2)))
                lines.add(number)
        values = {}
        for (key, value), number in zip(settings, sorted(lines), strict=True):
            if key not in HEADER_KEYS:
                known = ", ".join(f"{k} ({v})" for k, v in HEADER_KEYS.items())
                raise SnippetError(f"unknown header key {key!r}; known: {known}", path, number)
            if key in values:
                raise SnippetError(f"{key} is declared twice", path, number)
            values[key] = (value, number)
        timeout = DEFAULT_TIMEOUT
        if "timeout" in values:
            value, number = values["timeout"]
            try:
                timeout = float(value)
            except ValueError:
                raise SnippetError(f"timeout must be a number of seconds, not {value!r}",
                                   path, number) from None
            if not 0 < timeout <= MAX_TIMEOUT:
                raise SnippetError(f"timeout must be above 0 and at most {MAX_TIMEOUT:g} s, "
                                   f"not {value}", path, number)
        if "observe" in values:
            value, number = values["observe"]
            try:
                observe.parse_setting(value)
            except ValueError as error:
                raise SnippetError(str(error), path, number) from None
        if "alone" in values and values["alone"][0] not in ("yes", "no"):
            value, number = values["alone"]
            raise SnippetError(f"alone must be 'yes' or 'no', not {value!r}", path, number)
        if "runs" in values and values["runs"][0] not in ("one", "two"):
            value, number = values["runs"]
            raise SnippetError(f"runs must be 'one' or 'two', not {value!r}", path, number)
        if "calls" in values and values["calls"][0] not in ("strace", "python"):
            value, number = values["calls"]
            raise SnippetError(f"calls must be 'strace' or 'python', not {value!r}", path, number)
        uses = []
        if "uses" in values:
            value, number = values["uses"]
            for item in re.split(r"[,\s]+", value.strip()):
                if not item:
                    continue
                used = (path.parent / item).resolve()
                if not used.is_relative_to(root):
                    raise SnippetError(f"uses {item}, which is outside {_shown_as(root)}/",
                                       path, number)
                if not used.is_file():
                    raise SnippetError(f"uses {item}, which does not exist", path, number)
                uses.append(used)
        return cls(path=path, name=path.relative_to(root).as_posix(), timeout=timeout,
                   uses=tuple(uses), settings=tuple(settings), header_lines=frozenset(lines))

    @classmethod
    def from_path(cls, path: Path) -> Snippet:
        """A snippet given by path: under a ``snippets`` folder if it has one, else alone."""
        path = Path(path).resolve()
        root = next((p for p in path.parents if p.name == "snippets"), path.parent)
        return cls.load(path, root)

    def setting(self, key: str, default: str) -> str:
        """The value the header gives ``key``, or ``default``."""
        return dict(self.settings).get(key, default)

    def shown_code(self) -> str:
        """The code as readers see it: the file without its header lines."""
        lines = self.path.read_text(encoding="utf-8").splitlines()
        kept = [line for number, line in enumerate(lines, 1) if number not in self.header_lines]
        return "\n".join(kept) + "\n"

    def files(self) -> list[Path]:
        """Every file whose change can change the run: the snippet, then what it uses."""
        return [self.path, *self.uses]

    def cache_key(self, context: dict | None = None) -> str:
        """Everything that changes a run: the files' bytes, the limit, Python, this runner, and
        how runs are made (``context``, this machine's run_context() unless given: contained or
        not, strace, root, the kernel). A test checks a published run against its own context."""
        digest = hashlib.sha256()
        context = run_context() if context is None else context
        parts = [sys.version.encode(), str(float(self.timeout)).encode(), _MACHINERY,
                 json.dumps(context, sort_keys=True).encode()]
        for file in self.files():
            parts += [file.name.encode(), file.read_bytes()]
        for part in parts:
            digest.update(part)
            digest.update(b"\0")
        return digest.hexdigest()[:32]


def run_context() -> dict:
    """How runs are made on this machine, as the cache key, the published record and the runs
    page state it: a run made another way is run again, never published as this one."""
    how = contain.mode()
    return {"contained": how.contained, "how": how.how, "root": os.getuid() == 0,
            "strace": shutil.which("strace") is not None, "kernel": os.uname().release,
            "python": sys.version.split()[0], "interpreter": str(contain.interpreter())}


def _machinery_digest() -> bytes:
    """The runner's own code: a change to how snippets are run runs them again."""
    digest = hashlib.sha256(RUNNER_VERSION.encode())
    here = Path(__file__).parent
    for module in [*sorted(here.glob("*.py")), *sorted((here / "recorder").glob("*.py"))]:
        if module.parent.name == "recorder" or module.name in (
                "runner.py", "observe.py", "contain.py", "sandbox_init.py", "hostfiles.py",
                "calls.py", "tracing.py"):
            digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.digest()


_MACHINERY = _machinery_digest()


def cache_key(path: Path, timeout: float | None = None) -> str:
    """The cache key of the snippet at ``path`` (its header's time limit unless one is given)."""
    snippet = Snippet.from_path(path)
    if timeout is not None:
        snippet = dataclasses.replace(snippet, timeout=float(timeout))
    return snippet.cache_key()


def run(target: Snippet | Path | str, timeout: float | None = None, trace: bool = False,
        cancel: threading.Event | None = None) -> Run:
    """Run ``python3 <snippet>`` in a fresh temporary directory and report what happened.

    ``target`` is a Snippet or a path to one; ``timeout`` overrides its header's time limit.
    ``trace``: run it under strace and keep strace's logs in ``Run.strace_logs`` (calls.py).
    ``cancel``: when set (the build was interrupted), the run is stopped at once; CANCEL, the
    process-wide one, by default.

    Contained where the machine allows it (contain.py: own PID namespace whose init reports and
    kills what is left, read-only file system, own /tmp and /dev/shm, allow-listed environment,
    resource limits); otherwise a child in a new session, as before, and ``Run.contained`` says
    why not. Either way: no stdin, one pipe for stdout and stderr (so the output keeps the order
    of writing, parent and children alike), unbuffered UTF-8 output, at most OUTPUT_LIMIT bytes
    kept, and never a wait past the time limit plus the grace periods, whatever holds the pipe.
    """
    snippet = target if isinstance(target, Snippet) else Snippet.from_path(Path(target))
    path = snippet.path
    timeout = float(timeout or snippet.timeout)
    how = contain.mode()
    if not how.contained and contain.required():
        raise RuntimeError(f"containment is required ({contain.ENV_SWITCH}) but {how.how}")
    base = Path(tempfile.mkdtemp(prefix="snippet-"))
    events_fd = None
    try:
        layout = contain.Layout(base, how.contained)
        observe.write_site(layout.host("site"), _SITECUSTOMIZE)
        layout.events().touch()
        # Held open by the build, which watches its size while the run lasts: the events file
        # is the one file of the host the run writes (a bind mount, contained).
        events_fd = os.open(layout.events(), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        mark = uuid.uuid4().hex
        env = _environment(layout, snippet, mark)
        # What the snippet must see: its folder and what it uses (the interpreter is added).
        visible = [*snippet.files(), *dict.fromkeys(f.parent for f in snippet.files())]
        report_r, report_w = os.pipe()
        command = contain.command(layout, [str(contain.interpreter()), str(path)], visible,
                                  contain.REPORT_FD)
        if trace:
            # strace outside the sandbox: the snippet keeps the pids of an untraced run.
            layout.host("strace").mkdir()
            sources = [file.read_text(encoding="utf-8", errors="replace")
                       for file in snippet.files()]
            command = tracing.command(layout.host("strace") / "log",
                                      tracing.wanted(sources)) + command
        group = contain.ProcessGroup(f"snippet-{mark}")  # root: processes and memory, as cgroups
        started = time.monotonic()
        try:
            proc = _start(command, layout, env, timeout, report_w, group)
        finally:
            os.close(report_w)
        try:
            watch = _Watch(proc, report_r, timeout, cancel or CANCEL, mark, started,
                           how.contained, trace, events_fd)
            watch.loop()
        finally:
            _kill_tree(proc, how.contained)
            proc.stdout.close()
            os.close(report_r)
            proc.wait()
        problems, events, strace_logs = _collect(watch, proc, how.contained, mark, group,
                                                 layout, trace)
    finally:
        if events_fd is not None:
            os.close(events_fd)
        removal_problem = hostfiles.remove_tree(base)
    if removal_problem:
        problems.append(removal_problem)
    return Run(
        snippet=_shown_as(path), output=watch.output.decode("utf-8", "replace"),
        returncode=watch.returncode, duration=round(watch.duration, 3),
        timeout=timeout, timed_out=watch.timed_out, leftovers=watch.leftovers,
        finished_at=time.time(), events=events, strace_logs=strace_logs, stopped=watch.stopped,
        contained=how.how if how.contained else "", problems=problems, made=run_context(),
    )


def _collect(watch: _Watch, proc: subprocess.Popen, contained: bool, mark: str,
             group: contain.ProcessGroup, layout: contain.Layout, trace: bool):
    """After the run: its problems, its events and (traced) strace's logs; its cgroups gone."""
    problems = watch.problems(proc.returncode)
    if not contained:  # what escaped the init's tree (it could not, but look)
        watch.leftovers += _reported(_kill_marked(mark))
    if group.out_of_memory():
        problems.append(f"a process was killed: the run used all its memory "
                        f"({contain.RUN_MEMORY >> 30} GiB in all)")
    group.remove()
    events, events_problem = _load_events(layout.events())
    if events_problem and not watch.events_over:
        problems.append(events_problem)
    strace_logs = tracing.parse_logs(layout.host("strace") / "log") if trace else None
    return problems, events, strace_logs


def _environment(layout: contain.Layout, snippet: Snippet, mark: str) -> dict:
    """What a run's processes see in their environment: the allow-list, and the recorder's."""
    return contain.environment(layout, {
        "PYTHONUTF8": "1", "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(layout.inside("site")),
        "SNIPPET_EVENTS": str(layout.events(inside=True)),
        "SNIPPET_OBSERVE": snippet.setting("observe", observe.DEFAULT_SETTING),
        _ENV_MARK: mark})


def _start(command: list[str], layout: contain.Layout, env: dict, timeout: float,
           report_w: int, group: contain.ProcessGroup) -> subprocess.Popen:
    """The run's process: no stdin, stdout and stderr on one pipe, a session of its own."""
    for attempt in range(3):
        try:
            return subprocess.Popen(
                command, cwd=layout.host("cwd"), env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                pass_fds=(report_w, contain.REPORT_FD),
                preexec_fn=contain.limits(timeout, report_w, group),
            )
        except OSError as error:
            # REPORT_FD, closed at the moment of fork by another thread: try again.
            if error.errno != errno.EBADF or attempt == 2:
                raise
            contain.hold_report_fd()
    raise AssertionError("unreachable")


LEFTOVERS_KEPT = 20  # leftovers kept one by one in a Run; the rest are counted
CANCEL = threading.Event()  # set: every run of this process stops now (the build was interrupted)


class _Watch:
    """Reads a run's output and its init's report until it ends, never past its deadlines.

    Deadlines: the time limit (then the snippet's stack is asked for and, once it has printed it
    or a second later, all of it is killed); the grace period once the snippet has ended (its
    leftovers are then killed by the init); and one second after any kill, whatever still holds
    the output pipe.
    """

    def __init__(self, proc, report_fd: int, timeout: float, cancel, mark: str, started: float,
                 contained: bool, traced: bool, events_fd: int | None = None):
        self.proc, self.report_fd, self.cancel, self.mark = proc, report_fd, cancel, mark
        self.contained, self.traced = contained, traced
        self.started = started
        self.deadline = started + timeout
        self.output = b""
        self.report = b""
        self.reported: int | None = None  # the status the init reported
        self.returncode: int | None = None
        self.duration = 0.0
        self.timed_out = False
        self.stopped = ""
        self.leftovers: list[str] = []
        self.init_problems: list[str] = []  # "full", "error" lines of the report
        self.ended_at: float | None = None  # when the snippet's own process ended
        self.killed_at: float | None = None
        self.stack_at: float | None = None
        self.stack_from = 0  # where in the output the stack asked for at stack_at would start
        self.output_at = 0.0  # when output last arrived
        self.grace_over = False
        self.report_ended = False  # the init wrote "end": its report of leftovers is whole
        self.events_fd = events_fd
        self.events_at = started  # when the size of the events file was last looked at
        self.events_over = False  # it grew past EVENTS_LIMIT: the run was killed

    def loop(self) -> None:
        out_fd = self.proc.stdout.fileno()
        os.set_blocking(out_fd, False)
        os.set_blocking(self.report_fd, False)
        poller = select.poll()
        open_fds = {out_fd, self.report_fd}
        for fd in open_fds:
            poller.register(fd, select.POLLIN)
        while True:
            now = time.monotonic()
            if self._check(now):
                return
            # Both pipes at end of file: only the exit of the process is awaited (it closes
            # its descriptors just before it can be reaped), in short steps.
            for fd, _flags in poller.poll(50 if open_fds else 2):
                data = _read(fd)
                if data is None:
                    continue
                if not data:
                    poller.unregister(fd)
                    open_fds.discard(fd)
                elif fd == out_fd:
                    self._output(data)
                elif len(self.report) < REPORT_LIMIT:
                    self.report += data
                    self._parse_report()
            if not open_fds and self.proc.poll() is not None:
                if self.ended_at is None:  # the init died before it could report
                    self._ended(None)
                return

    def _check(self, now: float) -> bool:
        """Act on the deadlines; True when the watch is over."""
        if self.cancel.is_set() and self.killed_at is None:
            self.stopped = "cancelled"
            self._kill(now)
        if self.events_fd is not None and now >= self.events_at + EVENTS_CHECK:
            self.events_at = now
            if os.fstat(self.events_fd).st_size > EVENTS_LIMIT and self.killed_at is None:
                self.events_over, self.stopped = True, "events"
                self._kill(now)
        if self.ended_at is None and now >= self.deadline and not self.timed_out:
            self.timed_out = True
            self.stack_at, self.stack_from = now, len(self.output)
            _show_stack(self.proc, self.contained, self.traced)
        if self.stack_at is not None and self.killed_at is None and (
                now >= self.stack_at + 1 or self._stack_printed(now)):
            self._kill(now)
        if self.ended_at is not None and self.killed_at is None:
            if not self.grace_over and now >= self.ended_at + contain.EXIT_GRACE:
                self.grace_over = True  # the init: report what is left, kill it and exit
                for init in _init_pids(self.proc, self.contained, self.traced):
                    _signal(init, signal.SIGUSR1)
            if now >= self.ended_at + contain.EXIT_GRACE + 2:  # the init did not finish in time
                if not self.report_ended:
                    # Busy naming what was left (thousands of exited forks to step over):
                    # something was, and the run is killed whole.
                    self.leftovers.append("processes still running when the grace period "
                                          "ended; the run was killed whole")
                self._kill(now)
        if self.killed_at is not None and now >= self.killed_at + 1:
            if self.ended_at is None:
                self.duration = now - self.started
            return True  # whatever still holds the pipe, the watch is over
        return False

    def _stack_printed(self, now: float) -> bool:
        """faulthandler prints the stack in one go from its signal handler: once a thread's
        header has come and the output has been quiet for a quarter of a second, it is whole."""
        return (now >= self.output_at + 0.25
                and b"(most recent call first):" in self.output[self.stack_from:])

    def _output(self, data: bytes) -> None:
        self.output_at = time.monotonic()
        room = OUTPUT_LIMIT - len(self.output)
        self.output += data[:max(room, 0)]
        if len(data) > room and not self.stopped:
            self.stopped = "output"
            self._kill(time.monotonic())

    def _parse_report(self) -> None:
        *lines, self.report = self.report.split(b"\n")
        for line in lines:  # the init escapes names; escaped again here, whoever wrote them
            word, _sep, rest = printable(line.decode("utf-8", "replace")).partition(" ")
            if word == "exit" and self.ended_at is None:
                try:
                    self.reported = int(rest)
                except ValueError:
                    self.reported = None
                self._ended(self.reported)
            elif word == "left":
                pid, _sep, cmd = rest.partition(" ")
                self.leftovers.append(f"process {pid}: {cmd.strip()}")
            elif word == "more":
                self.leftovers.append(f"process: and {rest.strip()} more")
            elif word == "file":
                self.leftovers.append(_file_leftover(rest))
            elif word == "files":
                label, _sep, count = _split_label(rest)
                self.leftovers.append(f"{label}: and {count} more files")
            elif word == "full":
                self.init_problems.append(f"{rest.strip()} was full: the run used all of its "
                                          f"{contain.FOLDER_SIZE >> 20} MiB")
            elif word == "error":
                self.init_problems.append(f"the run's init failed: {rest.strip()}")
            elif word == "end":
                self.report_ended = True

    def _ended(self, returncode: int | None) -> None:
        self.ended_at = time.monotonic()
        self.duration = self.ended_at - self.started
        if not self.timed_out and not self.stopped:
            self.returncode = returncode

    def problems(self, real: int | None) -> list[str]:
        """What went wrong besides the snippet's own status, once ``real`` (the exit status of
        the process the runner waited for: bwrap, strace or the init) is known.

        The status comes from ``real``; the report only tells when the snippet ended. A report
        that disagrees with ``real`` was forged (or the init was killed): the run fails."""
        found = list(self.init_problems)
        if self.events_over:  # killed: what the init reported (or not) is beside the point
            return [*found, f"the run wrote more than {EVENTS_LIMIT >> 20} MiB to its events "
                            f"file: it was stopped (its recorder writes {MAX_EVENTS} events in "
                            f"a few MiB)"]
        if self.timed_out or self.stopped:
            return found
        expected = None if self.reported is None else (
            self.reported if self.reported >= 0 else 128 - self.reported)
        if real is None or real < 0 or expected is None or real != expected or \
                not self.report_ended:
            found.append(f"the run's report (exit {self.reported}) does not match the exit "
                         f"status of its init ({real}): it was forged, or the init was killed")
            self.returncode = _shell_status(str(real)) if real is not None and real >= 0 \
                else real
        return found

    def _kill(self, now: float) -> None:
        self.killed_at = now
        _kill_tree(self.proc, self.contained)


REPORT_LIMIT = 1 << 20  # bytes of report read; the init writes a few kilobytes at most


def _split_label(rest: str) -> tuple[str, str, str]:
    """ "working directory 12" -> ("working directory", " ", "12"), for labels with spaces."""
    for label in ("working directory", "TMPDIR", "/dev/shm", "HOME"):
        if rest.startswith(label + " "):
            return label, " ", rest[len(label) + 1:]
    label, sep, value = rest.partition(" ")
    return label, sep, value


def _file_leftover(rest: str) -> str:
    label, _sep, path = _split_label(rest)
    return f"{label}: {path}"


OUTPUT_LIMIT = 1 << 20  # bytes of output kept; a snippet printing more is stopped


def _read(fd: int) -> bytes | None:
    """What the pipe holds: b"" at its end, None if nothing is there yet."""
    try:
        return os.read(fd, 65536)
    except BlockingIOError:
        return None
    except OSError:
        return b""


def _shell_status(text: str) -> int:
    """A shell's exit status ("143") as Popen's returncode (-15 for SIGTERM)."""
    try:
        status = int(text)
    except ValueError:
        return 1
    return -(status - 128) if 128 < status <= 128 + 64 else status


def _reported(found: list[tuple[int, str]]) -> list[str]:
    items = [printable(f"process {pid}: {cmd}") for pid, cmd in found[:contain.LEFTOVERS_SHOWN]]
    if len(found) > contain.LEFTOVERS_SHOWN:
        items.append(f"process: and {len(found) - contain.LEFTOVERS_SHOWN} more")
    return items


def _kill_tree(proc: subprocess.Popen, contained: bool) -> None:
    """Kill the run. Contained: bwrap, whose death ends the namespace and all in it. In the
    fallback: every descendant of the init (frozen first, so that none forks away), its process
    group, and the init."""
    if not contained and proc.poll() is None:
        _kill_descendants(proc.pid)
    _kill_group(proc.pid)
    try:
        proc.kill()
    except ProcessLookupError:
        pass


def _kill_descendants(top: int) -> None:
    seen: set[int] = set()
    for _ in range(50):  # until a pass finds nothing new: a stopped process forks no more
        new = [pid for pid in _descendants(top) if pid not in seen]
        if not new:
            break
        for pid in new:
            _signal(pid, signal.SIGSTOP)
        seen.update(new)
    for pid in seen:
        _signal(pid, signal.SIGKILL)


def _descendants(top: int) -> list[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    found, level = [], {top}
    while level:
        level = {pid for pid, parent in parents.items() if parent in level and pid not in found}
        found += sorted(level)
    return found


# --- observation: what the run did (docs/_ext/snippetexec/observe.py) ----------------------------

MAX_EVENTS = 20_000  # events kept per run; a loop should ask for fewer (# snippet: observe = ...)


EVENTS_LIMIT = 64 << 20  # bytes of the events file read at most; a run that writes more fails
EVENTS_CHECK = 0.1  # seconds between two looks at its size while the run lasts (then killed)


def _load_events(file: Path) -> tuple[list[dict], str]:
    """The events the run recorded, in the order they were written (at most MAX_EVENTS), and
    what was wrong with the file if it was not a regular file the runner could read."""
    events = []
    try:
        data, truncated = hostfiles.read_regular(file, EVENTS_LIMIT)
    except hostfiles.NotARegularFile as error:
        return [], f"the events file was replaced: {error}"
    except FileNotFoundError:
        return [], "the events file was removed"
    for line in data.decode("utf-8", "replace").splitlines():
        if len(events) == MAX_EVENTS:
            break
        try:
            events.append(json.loads(line))
        except ValueError:
            continue  # a line cut short by a process killed while writing it
    if len(events) == MAX_EVENTS or truncated:
        events = events[:MAX_EVENTS]
        events.append({"pid": 0, "call": "observe.truncated", "args": {"kept": len(events)}})
    if truncated:  # written after the last look at its size, or the run was stopped for it
        return events, (f"the events file was larger than {EVENTS_LIMIT >> 20} MiB: not the "
                        f"recorder's ({MAX_EVENTS} events take a few MiB)")
    return events, ""


def _shown_as(path: Path) -> str:
    parts = path.parts
    if "snippets" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("snippets"):])
    return str(path)


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _show_stack(proc: subprocess.Popen, contained: bool, traced: bool) -> None:
    """Ask the snippet's main process to print its Python stack (where it hangs).

    It keeps running: the caller kills it a second later, once it has had time to print.
    The snippet is the init's child: contained, pid 2 of its namespace.
    """
    if contained:
        pids = _in_namespace(proc.pid, 2)
    else:
        pids = [c for init in _init_pids(proc, contained, traced) for c in _children(init)]
    for pid in pids[:1]:
        _signal(pid, STACK_SIGNAL)


def _init_pids(proc: subprocess.Popen, contained: bool, traced: bool) -> list[int]:
    """The run's init: pid 1 of the namespace, or (fallback) the process started, or its child
    when strace started it."""
    if contained:
        return _in_namespace(proc.pid, 1)
    return _children(proc.pid) if traced else [proc.pid]


def _status_fields(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _status_fields(int(entry.name)).get("PPid") == str(parent):
            found.append(int(entry.name))
    return found


def _in_namespace(top: int, ns_pid: int) -> list[int]:
    """Descendants of ``top`` (bwrap, or strace above it) that are ``ns_pid`` in a namespace of
    their own: 1 is the init, 2 the snippet."""
    found, level = [], [top]
    for _depth in range(4):
        level = [c for parent in level for c in _children(parent)]
        for pid in level:
            ids = _status_fields(pid).get("NSpid", "").split()
            if len(ids) > 1 and ids[-1] == str(ns_pid):
                found.append(pid)
        if found:
            return found
    return found


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


def main(argv: list[str]) -> int:
    """python3 docs/_ext/snippetexec/runner.py snippets/x/y.py: run it as the build does.

    Prints what it printed (control characters escaped), then the report the build would log.
    """
    if len(argv) != 1:
        print("usage: runner.py SNIPPET.py", file=sys.stderr)
        return 2
    how = contain.mode()
    if not how.contained:
        print(f"WARNING: this run is NOT contained: {how.how}", file=sys.stderr)
    result = run(Snippet.from_path(Path(argv[0])))
    sys.stdout.write(printable(result.output))
    if result.output and not result.output.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()
    if result.ok:
        print(f"--- ok in {result.duration:.2f} s", file=sys.stderr)
    else:
        print(f"--- snippet failed:\n{result.describe()}", file=sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
