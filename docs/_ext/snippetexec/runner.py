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
    events: list[dict] = dataclasses.field(default_factory=list)  # what it did (observe.py)

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


ROOT = Path(__file__).resolve().parents[3]
SNIPPETS = ROOT / "snippets"
MAX_TIMEOUT = 120.0  # seconds: the most a snippet may ask for
_HEADER = re.compile(r"^#\s*snippet:\s*([\w-]+)\s*=\s*(.*?)\s*$")
# Header keys a snippet may set, with what they mean (see Snippet.load).
HEADER_KEYS = {
    "timeout": f"seconds the run may take (default {DEFAULT_TIMEOUT:g}, at most {MAX_TIMEOUT:g})",
    "uses": "other files it runs or reads, relative to its folder",
    "observe": "what the runner records of what it does: all (default), first N, or off",
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

    def cache_key(self) -> str:
        """Everything that changes a run: the files' bytes, the limit, Python and this runner."""
        digest = hashlib.sha256()
        parts = [sys.version.encode(), str(float(self.timeout)).encode(), _MACHINERY]
        for file in self.files():
            parts += [file.name.encode(), file.read_bytes()]
        for part in parts:
            digest.update(part)
            digest.update(b"\0")
        return digest.hexdigest()[:32]


def _machinery_digest() -> bytes:
    """The runner's own code: a change to how snippets are run runs them again."""
    digest = hashlib.sha256(RUNNER_VERSION.encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        if module.name in ("runner.py", "observe.py", "contain.py"):
            digest.update(module.read_bytes())
    return digest.digest()


_MACHINERY = _machinery_digest()


def cache_key(path: Path, timeout: float | None = None) -> str:
    """The cache key of the snippet at ``path`` (its header's time limit unless one is given)."""
    snippet = Snippet.from_path(path)
    if timeout is not None:
        snippet = dataclasses.replace(snippet, timeout=float(timeout))
    return snippet.cache_key()


def run(target: Snippet | Path | str, timeout: float | None = None) -> Run:
    """Run ``python3 <snippet>`` in a fresh temporary directory and report what happened.

    ``target`` is a Snippet or a path to one; ``timeout`` overrides its header's time limit.

    The snippet gets a new session (so a time-out can kill its whole process group), no stdin,
    one pipe for stdout and stderr (so the output keeps the order of writing, parent and children
    alike), unbuffered UTF-8 output, and its own TMPDIR. Afterwards any process or file it left
    behind is removed and reported.
    """
    snippet = target if isinstance(target, Snippet) else Snippet.from_path(Path(target))
    path = snippet.path
    timeout = float(timeout or snippet.timeout)
    with tempfile.TemporaryDirectory(prefix="snippet-") as base:
        cwd, tmp, site = Path(base, "cwd"), Path(base, "tmp"), Path(base, "site")
        for folder in (cwd, tmp, site):
            folder.mkdir()
        events_file = Path(base, "events.jsonl")
        (site / "sitecustomize.py").write_text(_SITECUSTOMIZE + _observer_code())
        mark = uuid.uuid4().hex
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONUTF8="1", PYTHONDONTWRITEBYTECODE="1",
                   PYTHONIOENCODING="utf-8", TMPDIR=str(tmp), PYTHONPATH=str(site),
                   SNIPPET_EVENTS=str(events_file),
                   SNIPPET_OBSERVE=snippet.setting("observe", "all"), **{_ENV_MARK: mark})
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
        events = _load_events(events_file)
    return Run(
        snippet=_shown_as(path), output=out.decode("utf-8", "replace"),
        returncode=None if timed_out else proc.returncode, duration=round(duration, 3),
        timeout=timeout, timed_out=timed_out, leftovers=leftovers, finished_at=time.time(),
        events=events,
    )


# --- observation: what the run did (docs/_ext/snippetexec/observe.py) ----------------------------

def _observer_code() -> str:
    """The observation layer's code for sitecustomize, if the layer is present."""
    try:
        from . import observe
    except ImportError:
        try:
            import observe  # runner.py run as a script
        except ImportError:
            return ""
    return "\n" + observe.SITE_CODE


def _load_events(file: Path) -> list[dict]:
    """The events the run recorded, in the order they were written."""
    if not file.is_file():
        return []
    events = []
    for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            continue  # a line cut short by a process killed while writing it
    return events


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
    result = run(Snippet.from_path(Path(sys.argv[1])))
    print(result.output, end="")
    print(f"--- {result.status} in {result.duration:.2f} s", file=sys.stderr)
    sys.exit(0 if result.ok else 1)
