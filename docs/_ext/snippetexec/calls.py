"""The "Calls made" panel: for each Python call a run made, the system call it became.

The Python side comes from the events of the run the page shows (events.py). The system-call
side comes from a second run of the same snippet under ``strace -f``: ptrace changes the timing of
signals and scheduling, so the output shown never comes from a traced run, except for a snippet
whose header says ``runs = one`` (output that timing and ptrace cannot change): its one run is
traced, and the page shows it (``run_once``). The two runs are
matched process by process (the main process, then children in the order each parent forked
them) and call by call (the n-th recorded call of a process in both runs). Within the traced run,
each event the observation layer writes is itself a ``write()`` that strace sees, so the system
calls a Python call made are exactly those strace logged between that call's event and the
previous one in the same process (or after it, for calls recorded before they act, like exec).
Process ids in the two runs differ where runs have no PID namespace of their own (no
containment): calls are compared with each pid replaced by its process's place in the tree, and
the system calls shown name the pids of the run the page shows.

Plain Python, no Sphinx import.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass

from . import tracing

SYSCALLS, TRACED = tracing.SYSCALLS, tracing.TRACED
# Recorded before they act: their system calls follow their event.
BEFORE = {"os.exec", "os._exit", "os.abort"}
# Bookkeeping events that are not calls a reader made.
HIDDEN = {"start", "forked", "calling", "observe.limit", "observe.error", "observe.truncated"}
MAX_ROWS = 60  # rows shown per run; the rest is counted
TRACE_SLOWDOWN, TRACE_GRACE = 4.0, 3.0  # the traced run's limit: 4 x the untraced run + 3 s


@dataclass
class Row:
    process: str  # "main", "child 1", "child 1.2", "grep"
    pid: int
    call: str  # the Python call as recorded: os.read(fd=3, n=100) = 24 b'...'
    syscalls: list[str]  # what strace logged for it, in the traced run
    made_in: str = ""  # the library file that made the call ("subprocess.py"), "" the snippet

    def as_dict(self) -> dict:
        return asdict(self)


strace, command, parse_logs = tracing.strace, tracing.command, tracing.parse_logs
_LINE = tracing._LINE


_MARKED_CALL = re.compile(r'\\"call\\":\\"(?P<call>[\w.]*)(?P<whole>\\")?')


def _marks(event: dict, text: str) -> bool:
    """Whether the marker line ``text`` can be the write of ``event`` (strace cuts the string at
    48 bytes: a call name cut short must still begin the event's)."""
    m = _MARKED_CALL.search(text)
    if m is None:
        return True  # cut before the name: nothing says otherwise
    return event["call"] == m["call"] if m["whole"] else event["call"].startswith(m["call"])


def syscalls_by_event(events: list[dict], logs: dict[int, list[tuple[str, str]]]) -> list[list]:
    """For each event of the traced run, the system-call lines strace logged for it.

    Normally a process's log has one marker per event. Where it has fewer (the log of a child
    that aborts can stop short of its last events, seen as a non-root user without containment)
    or they differ, only the events up to the first one without its own marker get system calls:
    past it, which calls belong to which event is not known.
    """
    per_pid: dict[int, list[int]] = {}
    for index, event in enumerate(events):
        per_pid.setdefault(event["pid"], []).append(index)
    found: list[list[str]] = [[] for _ in events]
    for pid, entries in logs.items():
        indexes = per_pid.get(pid, [])
        # Split the log at its markers: segment k holds the calls before the k-th marker.
        segments: list[list[str]] = [[]]
        markers: list[str] = []
        for kind, text in entries:
            if kind == "mark":
                segments.append([])
                markers.append(text)
            else:
                segments[-1].append(text)
        matched = 0  # events 0..matched-1 have their own markers, in order
        while (matched < min(len(indexes), len(markers))
               and _marks(events[indexes[matched]], markers[matched])):
            matched += 1
        whole = matched == len(indexes) == len(markers)  # the last segment is the last event's
        for k, index in enumerate(indexes[:matched]):
            call = events[index]["call"]
            if call in BEFORE:  # its calls follow its marker, up to the next one
                if k + 1 >= matched and not whole:
                    continue
                segment = segments[k + 1]
            else:
                segment = segments[k]
            wanted = SYSCALLS.get(call, set())
            found[index] = [t for t in segment if _LINE.match(t).group("name") in wanted]
    return found


# --- matching the two runs ----------------------------------------------------------------------

def _paths(events: list[dict]) -> dict[int, str]:
    """pid -> its place in the process tree: "main", "child 1", "child 1.2" (fork order)."""
    starts = [e for e in events if e["call"] == "start"]
    main = starts[0]["pid"] if starts else (events[0]["pid"] if events else 0)
    paths = {main: "main"}
    children: dict[int, int] = {}
    for event in events:
        child = None
        if event["call"] in ("os.fork", "os.forkpty", "subprocess.Popen", "os.posix_spawn",
                             "os.posix_spawnp") and "error" not in event:
            result = event.get("result")
            child = result[0] if isinstance(result, list) else result
        if isinstance(child, int) and child > 0 and event["pid"] in paths:
            n = children[event["pid"]] = children.get(event["pid"], 0) + 1
            parent = paths[event["pid"]]
            paths[child] = f"child {n}" if parent == "main" else f"{parent}.{n}"
    return paths


_PID_ARGS = ("pid", "pgid", "parent")
_PID_RESULTS = {"os.fork", "os.forkpty", "subprocess.Popen", "os.posix_spawn", "os.posix_spawnp",
                "os.setpgid", "os.setsid"}


def _signature(event: dict, paths: dict[int, str] | None = None) -> str:
    """What must be equal for two runs' calls to be the same call: name, arguments, outcome.

    Process ids are replaced by the process's place in the tree (``paths``): without a PID
    namespace of its own (no containment) each run has other pids, and a kill, fork or wait
    is still the same call.
    """
    paths = paths or {}

    def place(value):
        if isinstance(value, int) and not isinstance(value, bool) and value:
            name = paths.get(abs(value))
            if name is not None:
                return name if value > 0 else "-" + name
        return value

    args = event.get("args")
    if isinstance(args, dict):
        args = {k: place(v) if k in _PID_ARGS else v for k, v in args.items()}
    result = event.get("result")
    if isinstance(result, dict):
        result = {k: place(v) if k == "pid" else v for k, v in result.items()}
    elif event["call"] in _PID_RESULTS:
        result = ([place(result[0]), *result[1:]] if isinstance(result, list) and result
                  else place(result))
    return json.dumps([event["call"], args, result, event.get("error"), event.get("data")],
                      sort_keys=True)


def rows(shown: list[dict], traced: list[dict] | None = None,
         logs: dict[int, list[tuple[str, str]]] | None = None,
         own: frozenset[str] = frozenset()) -> list[Row]:
    """The panel's rows: each call of the shown run, with its system calls from the traced run.

    A call gets system calls only when the traced run made the very same call (same arguments,
    same result) in the process at the same place of the tree; the two runs' sequences of calls
    are aligned per process, since timing can add or remove calls (a read that got less).
    """
    from .events import Event  # noqa: PLC0415 (the events are optional for the runner)

    shown_paths = _paths(shown)
    per_path: dict[str, list[int]] = {}
    for index, event in enumerate(shown):
        per_path.setdefault(shown_paths.get(event["pid"], f"process {event['pid']}"),
                            []).append(index)
    found_for: dict[int, list[str]] = {}
    if traced is not None and logs is not None:
        traced_paths = _paths(traced)
        syscalls = syscalls_by_event(traced, logs)
        traced_per_path: dict[str, list[int]] = {}
        for index, event in enumerate(traced):
            if event["pid"] in traced_paths:
                traced_per_path.setdefault(traced_paths[event["pid"]], []).append(index)
        for path, indexes in per_path.items():
            others = traced_per_path.get(path, [])
            matcher = difflib.SequenceMatcher(
                None, [_signature(shown[i], shown_paths) for i in indexes],
                [_signature(traced[j], traced_paths) for j in others], autojunk=False)
            for block in matcher.get_matching_blocks():
                for k in range(block.size):
                    found_for[indexes[block.a + k]] = syscalls[others[block.b + k]]
        # The traced run's pids, as the shown run's (they differ without a PID namespace).
        shown_pid = {path: pid for pid, path in shown_paths.items()}
        pid_map = {pid: shown_pid[path] for pid, path in traced_paths.items()
                   if path in shown_pid and shown_pid[path] != pid}
        if pid_map:
            found_for = {i: [_own_pids(t, pid_map) for t in lines]
                         for i, lines in found_for.items()}
    result = []
    for index, event in enumerate(shown):
        if event["call"] in HIDDEN:
            continue
        path = shown_paths.get(event["pid"], f"process {event['pid']}")
        text = str(Event(event))
        text = text[text.index("] ") + 2:] if text.startswith("[") else text
        text = text.replace(") = null", ")", 1)  # a call that returns None
        made_in = str(event.get("at") or "").rpartition(":")[0]
        if not own or made_in in own:
            made_in = ""
        result.append(Row(path, event["pid"], text, [_tidy(t) for t in found_for.get(index, [])],
                          made_in))
    return result


_PID_ARGUMENTS = {"kill": 1, "tgkill": 2, "wait4": 1, "setpgid": 2, "waitid": 0}
_PID_RESULT = {"clone", "clone3", "fork", "vfork", "wait4", "setsid"}
_CALL = re.compile(r"^(?P<name>\w+)\((?P<args>.*)\)(?P<pad>\s+=\s+)(?P<result>-?\d+)?(?P<rest>.*)$")


def _own_pids(line: str, pid_map: dict[int, int]) -> str:
    """A traced system call with the pids it names (a kill's target, a wait's child, what a
    fork returned) as the shown run's: ``pid_map`` traced pid -> shown pid."""
    m = _CALL.match(line)
    if m is None or (m["name"] not in _PID_ARGUMENTS and m["name"] not in _PID_RESULT):
        return line

    def own(number: str) -> str:
        sign = "-" if number.startswith("-") else ""
        return sign + str(pid_map.get(int(number.lstrip("-")), number.lstrip("-")))

    args = m["args"]
    count = _PID_ARGUMENTS.get(m["name"])
    if m["name"] == "waitid":  # waitid(P_PID, pid, ...) or (P_PGID, pgid, ...)
        args = re.sub(r"^(P_PID|P_PGID), (\d+)", lambda a: f"{a[1]}, {own(a[2])}", args)
    elif count:
        parts = args.split(", ")
        parts[:count] = [own(x) if re.fullmatch(r"-?\d+", x) else x for x in parts[:count]]
        args = ", ".join(parts)
    result = m["result"]
    if result is not None and m["name"] in _PID_RESULT:
        result = own(result)
    return f"{m['name']}({args}){m['pad']}{result or ''}{m['rest']}"


def _tidy(line: str) -> str:
    """strace pads results into a column: one space is enough here."""
    return re.sub(r"\)\s+= ", ") = ", line)


def panel_text(found: list[Row], limit: int = MAX_ROWS) -> list[tuple[str, str, str]]:
    """(process label, Python call, system calls) triples, at most ``limit`` of them."""
    out = []
    for row in found[:limit]:
        label = f"[{row.process} {row.pid}]"
        out.append((label, row.call, "; ".join(row.syscalls)))
    return out


def dumps(found: list[Row]) -> str:
    return json.dumps([row.as_dict() for row in found], ensure_ascii=False)


def no_trace(snippet) -> str:
    """Why a snippet's panel has its Python calls only ("opt-out": header ``calls = python`` or
    ``observe = off``; "no-strace"), or "" when its system calls come from a traced run."""
    if (snippet.setting("calls", "strace") != "strace"
            or snippet.setting("observe", "all") == "off"):
        return "opt-out"
    return "no-strace" if strace() is None else ""


def one_run(snippet) -> bool:
    """Whether the snippet's traced run is also the run its page shows (header ``runs = one``,
    for output that timing and ptrace cannot change): one run instead of two, where a traced run
    can be made at all."""
    return snippet.setting("runs", "two") == "one" and not no_trace(snippet)


def run_once(snippet):
    """The run of a ``runs = one`` snippet: traced, and its own panel's source."""
    from . import runner  # noqa: PLC0415

    run = runner.run(snippet, trace=True)
    record(snippet, run, traced=run)
    run.strace_logs = None  # read for the panel; not kept with the run
    return run


def page_run(snippet):
    """The run a page shows and its panel, one after the other: the one traced run of a
    ``runs = one`` snippet, else the run, then (``record``) a traced one when it can be made.
    schedule.py puts the two runs side by side where runs are contained."""
    from . import runner  # noqa: PLC0415

    if one_run(snippet):
        return run_once(snippet)
    run = runner.run(snippet)
    record(snippet, run)
    return run


def trace_limit(snippet, run) -> float:
    """The traced run's time limit: tracing slows every system call, so a few times the
    untraced run's, never more than the snippet's own."""
    return min(snippet.timeout, TRACE_SLOWDOWN * run.duration + TRACE_GRACE)


def record(snippet, run, traced=None) -> None:
    """Fill ``run.calls`` and ``run.calls_from`` for the run a page shows (runner.Snippet, Run).

    ``traced``: the snippet's traced run if it was made already (beside ``run``: schedule.py);
    else it is made here, after ``run``.
    ``calls_from``: "strace" (system calls from a traced second run), or why the panel has the
    Python calls only: "no-strace", "opt-out" (header ``calls = python``), "trace-failed <status>".
    """
    from . import runner  # noqa: PLC0415

    if not run.ok or not run.events:
        run.calls, run.calls_from = [], "none"
        return
    own = frozenset(file.name for file in snippet.files())
    run.calls = [r.as_dict() for r in rows(run.events, own=own)][:MAX_ROWS + 1]
    if why := no_trace(snippet):
        run.calls_from = why
    else:
        if traced is None:
            traced = runner.run(snippet, timeout=trace_limit(snippet, run), trace=True)
        if not traced.ok:
            run.calls_from = f"trace-failed {traced.status}"
            return
        found = rows(run.events, traced.events, traced.strace_logs or {}, own)
        run.calls = [r.as_dict() for r in found][:MAX_ROWS + 1]
        run.calls_from = "strace"
