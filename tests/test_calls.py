"""The "Calls made" panels (docs/_ext/snippetexec/calls.py): each Python call of the run a page
shows, with the system calls strace saw for the same call in a second, traced run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import conftest
from conftest import BUILD, ROOT, feature, requires
from snippetexec import calls, contain


def panel(out) -> list[dict]:
    assert out.run.calls, f"no panel recorded for {out.run.snippet}"
    if out.run.calls_from != "strace":
        assert out.run.calls_from == "no-strace", out.run.calls_from
        assert not feature("strace")[0], ("the published panel was made without strace, which "
                                          "is here now: make html again")
    return out.run.calls


def system_calls(out) -> None:
    """Past the Python calls, the system calls: a panel made without strace has none (the test
    skips, or fails in CI)."""
    if out.run.calls_from != "strace":
        requires("strace")


def rows_of(rows: list[dict], call: str, process: str | None = None) -> list[dict]:
    return [r for r in rows if r["call"].startswith(call + "(")
            and (process is None or r["process"] == process)]


def test_eof_panel_shows_the_read_that_returned_zero_bytes(snippet):
    out = snippet("pipes/read_returns_eof.py")
    rows = panel(out)
    read_end = out.events.calls("os.pipe")[0].result[0]
    eof = [r for r in rows_of(rows, "os.read", "main") if " = 0 b''" in r["call"]]
    assert eof, rows
    system_calls(out)
    assert any(re.fullmatch(rf'read\({read_end}, "", \d+\) = 0', s)
               for r in eof for s in r["syscalls"]), eof


def test_kill_panel_targets_the_child_the_page_names(snippet):
    out = snippet("signals/kill_process_group.py")
    rows = panel(out)
    leader = out.events.children(out.events.main)[0]
    kills = [r for r in rows_of(rows, "os.kill", "main") if f"pid={leader}," in r["call"]]
    assert kills, rows
    system_calls(out)
    assert any(s == f"kill({leader}, SIGUSR1) = 0" for r in kills for s in r["syscalls"])
    group = [s for r in rows_of(rows, "os.kill", "main") for s in r["syscalls"]]
    assert f"kill(-{leader}, SIGTERM) = 0" in group  # a negative pid: the whole group


def test_sigpipe_panel_shows_the_wait_that_saw_the_signal(snippet):
    out = snippet("pipes/sigpipe_kills_writer.py")
    rows = panel(out)
    child = out.events.children(out.events.main)[0]
    waits = [r for r in rows_of(rows, "os.waitpid", "main") if "SIGPIPE" in r["call"]]
    assert waits, rows
    system_calls(out)
    assert any(s.startswith(f"wait4({child}, [{{WIFSIGNALED(s) && WTERMSIG(s) == SIGPIPE}}]")
               for r in waits for s in r["syscalls"]), waits


def test_panels_leave_out_interpreter_start_up(snippet):
    rows = panel(snippet("pipes/read_returns_eof.py"))
    assert rows[0]["call"].startswith("os.pipe(")  # the snippet's first IPC call comes first
    assert not [r for r in rows if r["call"].startswith(("start(", "forked("))]
    assert not [s for r in rows for s in r["syscalls"] if s.startswith(("openat(", "mmap("))]


# --- matching the two runs (synthetic events and strace logs) -----------------------------------

def event(who, call, result=None, **args):
    return {"pid": who, "ppid": 1, "call": call, "args": args, "result": result}


def mark(pid):
    return ("mark", f'write(1023, "{{\\"pid\\":{pid},\\"ppid\\":1,"..., 80) = 80')


def test_a_call_gets_the_system_calls_logged_since_the_previous_event_of_its_process():
    traced = [event(2, "start"), event(2, "os.pipe", [3, 4]), event(2, "os.read", 0, fd=3, n=9)]
    logs = {2: [("call", "openat(AT_FDCWD, \"x\", O_RDONLY) = 3"), mark(2),
                ("call", "pipe2([3, 4], O_CLOEXEC)   = 0"), mark(2),
                ("call", "read(3, \"\", 9)   = 0"), ("call", "write(1, \"x\", 1) = 1"), mark(2)]}
    rows = calls.rows(traced, traced, logs)
    assert [(r.call.split("(")[0], r.syscalls) for r in rows] == [
        ("os.pipe", ["pipe2([3, 4], O_CLOEXEC) = 0"]),
        ("os.read", ['read(3, "", 9) = 0'])]  # the unrelated write is not shown


def test_calls_that_differ_between_the_runs_get_no_system_calls():
    shown = [event(2, "start"), event(2, "os.read", 5, fd=3, n=9),
             event(2, "os.kill", None, pid=3, signal="SIGUSR1")]
    traced = [event(2, "start"), event(2, "os.read", 2, fd=3, n=9),
              event(2, "os.read", 3, fd=3, n=7), event(2, "os.kill", None, pid=3, signal="SIGUSR1")]
    logs = {2: [mark(2), ("call", 'read(3, "ab", 9) = 2'), mark(2),
                ("call", 'read(3, "cde", 7) = 3'), mark(2), ("call", "kill(3, SIGUSR1) = 0"),
                mark(2)]}
    rows = calls.rows(shown, traced, logs)
    assert [r.syscalls for r in rows] == [[], ["kill(3, SIGUSR1) = 0"]]


def test_without_a_traced_run_the_panel_has_the_python_calls_alone():
    rows = calls.rows([event(2, "start"), event(2, "os.pipe", [3, 4])])
    assert [(r.process, r.call, r.syscalls) for r in rows] == [("main", "os.pipe() = [3, 4]", [])]


def test_exec_is_followed_by_its_execve():
    traced = [event(3, "forked"), event(3, "os.exec", None, path="/bin/true", argv=["true"])]
    logs = {3: [mark(3), mark(3), ("call", 'execve("/bin/true", ["true"], 0x7ffd) = 0')]}
    rows = calls.rows(traced, traced, logs)
    assert rows[0].syscalls == ['execve("/bin/true", ["true"], 0x7ffd) = 0']


def named_mark(pid, call):
    """A marker as strace logs it with -s 48: the event's JSON cut at 48 bytes."""
    text = f'{{"pid":{pid},"ppid":1,"call":"{call}","args":{{}}}}'[:48]
    return ("mark", "write(1023, \"" + text.replace('"', '\\"') + '"..., 80) = 80')


def test_an_aborting_child_whose_log_stops_short_of_its_events_gets_no_wrong_calls():
    # Seen as a non-root user without containment: the log of a child that ignores SIGABRT and
    # aborts holds its first event's marker only (3 events, 1 marker).
    traced = [event(3, "forked"), event(3, "signal.signal", "SIG_DFL", signal="SIGABRT",
                                        handler="SIG_IGN"), event(3, "os.abort")]
    logs = {3: [named_mark(3, "forked"), ("call", "tgkill(3, 3, SIGABRT) = 0"),
                ("call", "tgkill(3, 3, SIGABRT) = 0")]}
    assert calls.syscalls_by_event(traced, logs) == [[], [], []]
    rows = calls.rows(traced, traced, logs)
    assert [(r.call.split("(")[0], r.syscalls) for r in rows] == [("signal.signal", []),
                                                                 ("os.abort", [])]
    # Only a recorded-before call (abort, exec, _exit) past the last marker: nothing either.
    assert calls.syscalls_by_event([event(3, "forked"), event(3, "os.abort")],
                                   {3: [named_mark(3, "forked")]}) == [[], []]


def test_the_calls_up_to_the_first_missing_marker_keep_their_system_calls():
    traced = [event(2, "start"), event(2, "os.pipe", [3, 4]), event(2, "os.kill", None, pid=5,
                                                                  signal="SIGUSR1"),
              event(2, "os.read", 0, fd=3, n=9)]
    logs = {2: [named_mark(2, "start"), ("call", "pipe2([3, 4], 0) = 0"),
                named_mark(2, "os.pipe"), ("call", "kill(5, SIGUSR1) = 0"),
                named_mark(2, "os.read"), ("call", 'read(3, "", 9) = 0')]}
    assert calls.syscalls_by_event(traced, logs) == [[], ["pipe2([3, 4], 0) = 0"], [], []]
    # Names cut short by strace still match the call they begin.
    cut = named_mark(12345, "signal.pthread_sigmask")[1]
    assert "pthread_sigmask" not in cut and calls._marks(event(2, "signal.pthread_sigmask"), cut)
    assert not calls._marks(event(2, "os.read"), named_mark(2, "os.readv")[1])


def test_runs_with_other_pids_are_matched_by_place_in_the_tree_and_shown_with_the_page_s_pids():
    # Without containment each run has pids of its own: the same fork, kill and wait must match.
    def run(main, child):
        return [event(main, "start"), event(main, "os.fork", child), event(child, "forked"),
                event(main, "os.kill", None, pid=child, signal="SIGTERM"),
                event(main, "os.waitpid", {"pid": child, "signal": "SIGTERM", "core": False},
                      pid=child, options="0")]
    shown, traced = run(100, 101), run(200, 201)
    logs = {200: [mark(200), ("call", "clone(child_stack=NULL) = 201"), mark(200),
                  ("call", "kill(201, SIGTERM) = 0"), mark(200),
                  ("call", "wait4(201, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGTERM}], 0, NULL)"
                           " = 201"), mark(200)],
            201: [mark(201)]}
    rows = calls.rows(shown, traced, logs)
    assert [r.syscalls for r in rows] == [
        ["clone(child_stack=NULL) = 101"], ["kill(101, SIGTERM) = 0"],
        ["wait4(101, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGTERM}], 0, NULL) = 101"]]
    assert calls._own_pids("kill(-201, SIGTERM) = 0", {201: 101}) == "kill(-101, SIGTERM) = 0"
    assert calls._own_pids("read(201, \"\", 9) = 201", {201: 101}) == "read(201, \"\", 9) = 201"


def test_process_labels_follow_the_fork_tree():
    events = [event(2, "start"), event(2, "os.fork", 3), event(3, "forked"), event(3, "os.fork", 4),
              event(4, "forked"), event(2, "os.fork", 5)]
    assert calls._paths(events) == {2: "main", 3: "child 1", 4: "child 1.1", 5: "child 2"}


# --- on the pages -------------------------------------------------------------------------------

@pytest.mark.parametrize("edition, summary", [("en", "Calls made"), ("zh", "调用记录")])
def test_every_page_with_snippets_carries_their_panels_collapsed(edition, summary):
    html = (BUILD / "html" / edition / "pipes.html").read_text(encoding="utf-8")
    assert html.count('<details class="snippet-calls"') >= 10
    assert f"<summary>{summary}</summary>" in html
    assert "<details class=\"snippet-calls\" open" not in html  # collapsed until asked for



# --- without strace ----------------------------------------------------------------------------

def test_without_strace_the_system_calls_are_skipped_and_in_ci_they_fail(monkeypatch):
    monkeypatch.setitem(conftest.FEATURES, "strace", ("system-call panels (strace)",
                                                      lambda: (None, "strace is not installed")))
    conftest.feature.cache_clear()
    try:
        for name, value in (("CI", ""), (contain.ENV_SWITCH, "")):
            monkeypatch.setenv(name, value)
        with pytest.raises(pytest.skip.Exception, match=r"^system-call panels \(strace\): strace"):
            requires("strace")
        monkeypatch.setenv("CI", "true")
        with pytest.raises(pytest.fail.Exception, match="required here"):
            requires("strace")
    finally:
        monkeypatch.undo()
        conftest.feature.cache_clear()


def test_the_closing_summary_names_every_feature_just_above_pytest_s_last_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
         f"--basetemp={tmp_path / 'tmp'}",  # not the shared folder, whose old sessions it prunes
         "tests/test_calls.py", "-k", "without_a_traced_run"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_XDIST_WORKER")})
    lines = done.stdout.rstrip("\n").splitlines()
    assert done.returncode == 0, done.stdout
    assert re.fullmatch(r"=+ 1 passed, \d+ deselected in .* =+", lines[-1]), lines[-1]
    start = next(i for i, line in enumerate(lines) if "features this run could test" in line)
    block = lines[start:-1]  # the header, a line per feature, Python; then pytest's own line
    labels = [label for label, _ in conftest.FEATURES.values()]
    assert [line.split("  ")[1].strip() for line in block[1:6]] == labels
    assert block[6].split()[0] == "Python"
    assert all(" tested: " in line or " SKIPPED: " in line for line in block[1:6]), block


def test_a_snippet_whose_output_timing_cannot_change_runs_once_traced(tmp_path, monkeypatch):
    """``# snippet: runs = one``: the build makes one run, under strace, and it is both the run the
    page shows and its panel's source (read_returns_eof.py is such a snippet)."""
    requires("strace")
    from snippetexec import runner

    assert calls.one_run(runner.Snippet.load("pipes/read_returns_eof.py"))
    assert not calls.one_run(runner.Snippet.load("signals/graceful_shutdown.py"))
    script = tmp_path / "once.py"
    script.write_text('"""A pipe."""\n# snippet: runs = one\n\nimport os\n\nr, w = os.pipe()\n'
                      'os.write(w, b"hi")\nprint(os.read(r, 2))\n', encoding="utf-8")
    made, real = [], runner.run
    monkeypatch.setattr(runner, "run", lambda *a, **k: made.append(k.get("trace")) or real(*a, **k))
    run = calls.run_once(runner.Snippet.from_path(script))
    assert made == [True] and run.ok and run.output == "b'hi'\n"
    assert run.calls_from == "strace" and run.strace_logs is None
    (write,) = [row for row in run.calls if row["call"].startswith("os.write(")]
    assert [line.split("(")[0] for line in write["syscalls"]] == ["write"]



def test_a_traced_run_stops_only_on_the_calls_its_snippet_can_make():
    """The interpreter's start-up makes some 200 traced calls (openat, read, mmap, rt_sigaction):
    a snippet is traced for the calls its code names, and for all of them when it imports a
    module that makes calls of its own."""
    from snippetexec import tracing

    plain = set(tracing.wanted(["import os\nr, w = os.pipe()\nos.write(w, b'x')\nos.read(r, 1)\n"]))
    assert {"pipe2", "write", "read", "close", "exit_group"} <= plain
    assert not plain & {"rt_sigaction", "mmap", "openat", "socket", "execve"}
    handled = set(tracing.wanted(["import signal\nsignal.signal(signal.SIGUSR1, print)\n"]))
    assert "rt_sigaction" in handled and "mmap" not in handled
    assert {"sendmsg", "recvmsg"} <= set(tracing.wanted(["import socket\nsocket.send_fds\n"]))
    assert "execve" in tracing.wanted(["import os\nos.execvp('true', ['true'])\n"])
    everything = tracing.TRACED
    assert "write" in everything  # the markers
    assert tracing.wanted(["import subprocess\nsubprocess.run(['true'])\n"]) == everything
    assert tracing.command(Path("/tmp/log"))[-3] == "trace=" + ",".join(everything)
