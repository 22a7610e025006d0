"""The claims of the Signals chapter (docs/*/signals/), checked on the runs the pages publish.

Each test checks what the page says about the output AND what the snippet did (``out.events``):
the processes it forked, the signals it sent and to whom, how each child ended. A program that
only printed the published output would fail every test here.
"""

from __future__ import annotations

import ctypes
import os
import re
import signal

import pytest

STANDARD = [s for s in sorted(signal.valid_signals()) if s < signal.SIGRTMIN]


def ended(ev, pid):
    """How a child ended, as its parent's wait saw it: "exited 0", "SIGTERM", "SIGQUIT+core"."""
    how = ev.exit_of(pid)
    assert how is not None, f"child {pid} was never waited for\n{ev.text()}"
    if "exited" in how:
        return f"exited {how['exited']}"
    return how["signal"] + ("+core" if how.get("core") else "")


def sent(ev, **match):
    """Signals sent that succeeded, as (sender, target, name) tuples."""
    return [(s.sender, s.target, s.signal) for s in ev.signals_sent(**match) if not s.error]


def of(ev, pid, ppid):
    """The events of the process ``pid`` whose parent is ``ppid``: a pid alone is ambiguous when
    a snippet makes a PID namespace (pids start again at 1 inside it)."""
    return type(ev)(e for e in ev if e.pid == pid and e.ppid == ppid)


def stops(ev, pid):
    return [w.result["stopped"] for w in ev.waits(pid) if "stopped" in w.result]


# --- signals/index: the graceful shutdown ------------------------------------------------------

def test_graceful_shutdown_sigterm_sets_a_flag_sigint_raises_and_finally_cleans_up(snippet):
    out = snippet("signals/graceful_shutdown.py")
    ev = out.events
    assert out.line("SIGTERM:") == (
        "the loop saw the flag and ended; finally: cleanup ran; exit status 0")
    assert out.line("SIGINT:") == (
        "KeyboardInterrupt ended the loop; finally: cleanup ran; exit status 0")
    servers = [e.result for e in ev.calls("subprocess.Popen", pid=ev.main)]
    assert len(servers) == 2 and all(ev.argv_of(p)[-1] == "serve" for p in servers)
    for server, name in zip(servers, ("SIGTERM", "SIGINT"), strict=True):
        # The program installed its handlers itself, then got the signal from the parent...
        handlers = ev.calls("signal.signal", pid=server)
        assert [(e.args["signal"], e.args["handler"]) for e in handlers] == [
            ("SIGTERM", "request_stop"), ("SIGINT", "default_int_handler")]
        (kill,) = ev.calls("os.kill", pid=ev.main).where(pid=server)
        assert kill.args["signal"] == name and ev.index(handlers[-1]) < ev.index(kill)
        # ...and was not killed by it: it ended by itself, after writing how its loop ended
        # and its cleanup line (the record previews only the first 48 bytes of a read).
        assert ended(ev, server) == "exited 0"
        first = next(r for r in ev.reads(pid=ev.main) if ev.index(r) > ev.index(kill))
        reads = ev.reads(pid=ev.main, obj=first.obj)  # the server's stdout pipe
        assert "\\nfinally: clean" in "".join(r.data for r in reads)
        said = out.line(f"{name}:").split("; exit")[0].replace("; ", "\n") + "\n"
        assert sum(r.result for r in reads) == len(said.encode())


# --- signals/index: the table, when signals occur, default actions ---------------------------

def test_the_table_finds_each_default_action_from_a_real_child(snippet):
    out = snippet("signals/signal_table.py")
    ev = out.events
    core_files = out.line("core files written into the child's own directory:") == "True"
    pattern = out.line("core_pattern:")
    assert core_files == (not pattern.startswith("'|") and "/" not in pattern)
    core = "Core" if core_files else "Term|Core"
    term = "Term" if core_files else "Term|Core"
    expected = {"SIGQUIT": core, "SIGILL": core, "SIGABRT": core, "SIGFPE": core,
                "SIGSEGV": core, "SIGXCPU": core, "SIGXFSZ": core, "SIGSYS": core,
                "SIGTERM": term, "SIGIO": term, "SIGPWR": term,
                "SIGCHLD": "Ign", "SIGURG": "Ign", "SIGWINCH": "Ign", "SIGCONT": "Cont",
                "SIGSTOP": "Stop", "SIGTSTP": "Stop", "SIGTTIN": "Stop", "SIGTTOU": "Stop"}
    rows = {}
    for sig in STANDARD:
        found = re.search(rf"^\s*{int(sig)}\s+{sig.name}\s+(\S+)\s", out.text, re.M)
        assert found, f"no row for {sig.name}"
        rows[sig.name] = found.group(1)
    for name, action in expected.items():
        assert rows[name] == action, name
    # SIGPWR means a power failure (the original says "shutdown"), in the C library's own words.
    assert re.search(rf"^\s*{int(signal.SIGPWR)}\s+SIGPWR\s+\S+\s+Power failure$", out.text, re.M)
    assert out.line("real-time:").startswith(f"SIGRTMIN = {int(signal.SIGRTMIN)} to SIGRTMAX")
    assert out.line("numbers not usable here:").endswith(
        f"{len(signal.valid_signals())} valid signals in all")
    # The mechanism: every row comes from a child that was sent that signal and then waited for.
    main = ev.main
    for sig in STANDARD:
        targets = [t for _, t, name in sent(ev, sender=main, signal=sig.name)]
        assert targets, f"{sig.name} was never sent"
        child = targets[0]
        assert ev.processes().get(child) == main, f"{sig.name} went to a process not forked here"
        outcome = ended(ev, child) if ev.exit_of(child) else None
        action = rows[sig.name]
        if action in ("Term", "Term|Core"):
            assert outcome == sig.name
        elif action == "Core":
            assert outcome == sig.name + "+core"
        elif action == "Stop":
            assert stops(ev, child) == [sig.name]
        else:  # Ign and Cont: the first child survived it and exited normally
            assert outcome == "exited 0"
            second = targets[1]
            continued = [w for w in ev.waits(second) if w.result.get("continued")]
            assert bool(continued) == (action == "Cont")


def test_when_signals_occur_each_cause_produces_its_signal(snippet):
    out = snippet("signals/when_signals_occur.py")
    ev = out.events
    assert out.line("SIGWINCH, terminal resized:") == "SIGWINCH, the terminal is now 40 x 100"
    assert out.line("SIGTTIN, background job reads the terminal:") == "stopped by SIGTTIN"
    # Writing from the background: allowed without tostop, stopped with it (set beforehand by
    # the session leader), and the stopped job's output never reached the terminal.
    assert out.line("no signal, background job writes, tostop unset:") == (
        "exited with status 0, its output reached the terminal: True")
    assert out.line("SIGTTOU, background job writes, tostop set:") == (
        "stopped by SIGTTOU, its output reached the terminal: False")
    # Changing the terminal's settings from the background stops the job, tostop or not.
    assert out.line("SIGTTOU, background job changes the settings, tostop unset:") == (
        "stopped by SIGTTOU")
    assert out.line("SIGURG, out-of-band byte on a socket:") == "SIGURG"
    assert out.line("SIGXFSZ, writing past RLIMIT_FSIZE:") == "killed by SIGXFSZ"
    assert out.line("  the same, SIGXFSZ left ignored as CPython starts:") == (
        "OSError File too large, exited with status 0")
    assert out.line("SIGXCPU, 1 s of CPU with RLIMIT_CPU 1 s:") == "killed by SIGXCPU"
    # Nobody sent these signals with kill(): the kernel did (terminal, socket, limits).
    assert not sent(ev, signal="SIGWINCH") and not sent(ev, signal="SIGTTIN")
    assert not sent(ev, signal="SIGURG") and not sent(ev, signal="SIGXCPU")
    waits = [w.result for w in ev.waits()]
    assert {"stopped": "SIGTTIN"} in [{k: v for k, v in r.items() if k != "pid"} for r in waits]
    stopped = [{k: v for k, v in r.items() if k != "pid"} for r in waits]
    assert stopped.count({"stopped": "SIGTTOU"}) == 2 and not sent(ev, signal="SIGTTOU")
    assert {"exited": 0} in stopped
    killed = [r.get("signal") for r in waits]
    assert "SIGXFSZ" in killed and "SIGXCPU" in killed
    assert ev.calls("signal.sigwait") and ev.calls("signal.sigwait")[0].result == "SIGWINCH"
    assert ev.calls("socket.send")
    assert ev.calls("signal.sigtimedwait")[0].result["signal"] == "SIGURG"


def test_a_seccomp_trap_kills_the_child_with_sigsys(snippet):
    out = snippet("signals/sigsys_from_seccomp.py")
    ev = out.events
    assert out.line("parent: getppid() works (no filter in this process):") == "True"
    assert out.line("child: filter installed; getpid() still works:") == "True"
    assert out.line("child: killed by") == "SIGSYS, core dumped: False"
    # On x86-64 the filter also refuses x32 numbers (same arch value, bit 30 set): EPERM, the
    # errno of its own rule, not the ENOSYS of a kernel without x32.
    assert out.line("child: x32 getppid() refused:") == "-1, EPERM"
    (child,) = ev.children(ev.main)
    # The page: SIGSYS ended the child, no core file (the child made itself non-dumpable).
    assert ended(ev, child) == "SIGSYS"
    assert not sent(ev)  # nobody called kill(): the kernel sent it
    # The child got past installing its filter (its message went through the pipe to the
    # parent) and never reached the code after getppid().
    (pipe,) = ev.calls("os.pipe", pid=ev.main)
    said = ["b'filter installed; getpid() still works: True\\n'",
            "b'x32 getppid() refused: -1, EPERM\\n'"]
    assert [w.data for w in ev.writes(pid=child, obj=pipe.obj)] == said
    written = sum(w.result for w in ev.writes(pid=child, obj=pipe.obj))
    assert sum(r.result for r in ev.reads(pid=ev.main, obj=pipe.obj)) == written
    assert not ev.calls("os._exit", pid=child) and not ev.execs()


def test_each_default_action_happens_to_a_real_child(snippet):
    out = snippet("signals/default_actions.py")
    ev = out.events
    core_files = out.line("core files written into the child's own directory:") == "True"
    assert out.line("Term (SIGTERM):") == (
        "child killed by SIGTERM, core dumped: False; files in its directory: []")
    core_line = out.line("Core (SIGQUIT):")
    if core_files:
        assert re.fullmatch(r"child killed by SIGQUIT, core dumped: True; "
                            r"files in its directory: \['core(\.\d+)?'\]", core_line)
    else:
        assert core_line == (
            "child killed by SIGQUIT, core dumped: False; files in its directory: []")
    assert out.line("Ign (SIGURG):") == "child answers 'alive'"
    assert out.line("Stop (SIGSTOP):") == "child stopped by SIGSTOP"
    assert out.line("Cont (SIGCONT):") == "child continued, and answers 'alive'"
    assert out.line("finally:") == "child exited with status 0"
    term, quit_, last = ev.children()
    assert sent(ev, target=term) == [(ev.main, term, "SIGTERM")] and ended(ev, term) == "SIGTERM"
    assert ended(ev, quit_) == ("SIGQUIT+core" if core_files else "SIGQUIT")
    assert [s for *_, s in sent(ev, target=last)] == ["SIGURG", "SIGSTOP", "SIGCONT"]
    assert stops(ev, last) == ["SIGSTOP"] and ended(ev, last) == "exited 0"
    assert [w for w in ev.waits(last) if w.result.get("continued")]


def test_sigkill_and_sigstop_cannot_be_caught_ignored_or_blocked(snippet):
    out = snippet("signals/uncatchable.py")
    ev = out.events
    for line in ("catch SIGKILL", "ignore SIGKILL", "catch SIGSTOP", "ignore SIGSTOP"):
        assert out.line(f"{line}:") == "OSError EINVAL"
    assert out.line("actually blocked:") == "['SIGUSR1']"
    refused = ev.calls("signal.signal").failed("EINVAL")
    assert sorted(e.args["signal"] for e in refused) == ["SIGKILL", "SIGKILL", "SIGSTOP", "SIGSTOP"]
    readback = ev.calls("signal.pthread_sigmask").where(how="SIG_BLOCK", signals=[])
    assert readback and readback[0].result == ["SIGUSR1"]


# --- signals/sending ---------------------------------------------------------------------------

def test_terminal_keys_signal_the_foreground_job(snippet):
    out = snippet("signals/terminal_keys.py")
    ev = out.events
    assert out.line("Ctrl+C  -> foreground job") == "killed by SIGINT"
    assert out.line("Ctrl+\\  -> foreground job") == "killed by SIGQUIT"
    assert out.line("Ctrl+Z  -> foreground job") == "stopped by SIGTSTP"
    assert len(ev.calls("os.forkpty", pid=ev.main)) == 3
    assert not [s for s in sent(ev) if s[2] in ("SIGINT", "SIGQUIT", "SIGTSTP")]  # the tty did
    results = [w.result for w in ev.waits() if w.pid != ev.main]  # the session leaders' waits
    assert [r.get("signal") or r.get("stopped") for r in results][:3] == [
        "SIGINT", "SIGQUIT", "SIGTSTP"]


def test_ctrl_c_in_python_three_ways(snippet):
    out = snippet("signals/ctrl_c_in_python.py")
    ev = out.events
    assert out.line("Python's default:") == (
        "KeyboardInterrupt raised in pause(); exited with status 0")
    assert out.line("a handler:") == (
        "handler ran; pause() returned, the program goes on; exited with status 0")
    assert out.line("SIG_DFL:") == "said nothing; killed by SIGINT"
    children = ev.calls("os.forkpty", pid=ev.main)
    assert len(children) == 3 and not sent(ev, signal="SIGINT")  # the terminal sent them
    outcomes = [ended(ev, c.result) for c in children]
    assert outcomes == ["exited 0", "exited 0", "SIGINT"]
    handlers = [e.args["handler"] for e in ev.calls("signal.signal") if e.pid != ev.main]
    assert handlers[0] == "default_int_handler" and handlers[1].endswith("<lambda>")
    assert handlers[2] == "SIG_DFL"


def test_shell_commands_run_for_real(snippet):
    out = snippet("signals/shell_commands.py")
    ev = out.events
    for sig in (signal.SIGHUP, signal.SIGUSR1, signal.SIGTSTP, signal.SIGSYS):
        assert re.search(rf"\b{int(sig)}\) {sig.name}\b", out.text)
    assert "32) " not in out.text and "33) " not in out.text
    assert out.line("sleep's wait status:") == "returncode -9 (killed by signal 9)"
    assert re.search(r"intr = \^C; quit = \^\\;", out.text) and "susp = ^Z" in out.text
    argvs = [e.args.get("argv") for e in ev.execs()]
    assert ["bash", "-c", "kill -l"] in argvs and ["sleep", "60"] in argvs
    kill = [a for a in argvs if a and a[:2] == ["kill", "-SIGKILL"]]
    sleeper = next(e.result for e in ev.calls("subprocess.Popen")
                   if e.args["argv"] == ["sleep", "60"])
    assert kill == [["kill", "-SIGKILL", str(sleeper)]]
    assert ["stty", "-a"] in argvs


def test_orphaned_groups_discard_terminal_stop_signals(snippet):
    out = snippet("signals/orphaned_group_stop.py")
    ev = out.events
    for name in ("SIGTSTP", "SIGTTIN", "SIGTTOU"):
        assert out.line(f"{name:8} by kill():") == (
            "group with a parent in the session: stopped; "
            "orphaned group: not stopped, exited with status 0")
    assert out.line("SIGSTOP  by kill():") == (
        "group with a parent in the session: stopped; orphaned group: stopped")
    children = ev.children()
    assert len(children) == 8
    for child in children:
        (signal_sent,) = [s for *_, s in sent(ev, sender=ev.main, target=child)
                          if s != "SIGKILL"]
        made_session = bool(ev.calls("os.setsid", pid=child).succeeded())
        stopped = stops(ev, child) == [signal_sent]
        assert stopped == (not made_session or signal_sent == "SIGSTOP")


def test_sighup_on_hang_up_and_on_session_leader_exit_to_the_foreground_job_only(snippet):
    out = snippet("signals/hangup.py")
    ev = out.events
    assert out.line("terminal closed: its session leader was") == "killed by SIGHUP"
    assert out.line("under nohup, SIGHUP is ignored:") == "True"
    assert out.line("background job:") == (
        "same session True, own process group True, terminal's foreground False")
    assert out.line("session leader") == "exited with status 0"
    assert out.line("the job's nohup process answers:") == "'alive nohup'"
    assert out.line("the background job answers:") == "'alive background'"
    assert out.line("the job's plain process:") == "killed by SIGHUP"
    assert out.line("the job's nohup process:") == "exited with status 0"
    assert out.line("the background job:") == "exited with status 0"
    first, leader = [e.result for e in ev.calls("os.forkpty", pid=ev.main)]
    assert ended(ev, first) == "SIGHUP" and ended(ev, leader) == "exited 0"
    assert not sent(ev, signal="SIGHUP")  # the kernel sent every SIGHUP
    jobs = [p for p, parent in ev.processes().items() if parent == leader]
    assert len(jobs) == 3
    assert any(e.args["argv"][0] == "nohup" for j in jobs for e in ev.execs(j))
    # The orphaned jobs became our children (subreaper): we waited for all three processes.
    assert sorted(ended(ev, p) for p in jobs) == ["SIGHUP", "exited 0", "exited 0"]
    # The background job: its own process group, SIGHUP at its default action, still alive
    # (it wrote its answer) after the session leader had exited and been reaped, and no one
    # signalled it; it exited normally when told to.
    (background,) = [j for j in jobs
                     if any(w.data == "b'alive background\\n'" for w in ev.writes(pid=j))]
    assert ev.calls("os.setpgid", pid=background).where(pid=0, pgid=0).succeeded()
    assert ev.calls("os.setpgid", pid=leader).where(pid=background, pgid=background).succeeded()
    (killed,) = [j for j in jobs if ended(ev, j) == "SIGHUP"]  # the foreground job's group
    assert ev.calls("os.setpgid", pid=leader).where(pid=killed, pgid=killed).succeeded()
    assert any(e.args["signal"] == "SIGHUP" and e.args["handler"] == "SIG_DFL"
               for e in ev.calls("signal.signal", pid=background))
    leader_reaped = ev.index(ev.waits(leader)[-1])
    answer = [w for w in ev.writes(pid=background) if "alive" in w.data]
    assert len(answer) == 1 and ev.index(answer[0]) > leader_reaped
    assert ev.index(ev.waits(background)[-1]) > ev.index(answer[0])
    assert not sent(ev, target=background) and not sent(ev, target=-background)


def test_cpu_faults_become_signals_but_float_division_does_not(snippet):
    out = snippet("signals/hardware_faults.py")
    ev = out.events
    assert out.line("machine:") == "x86_64"  # the page's SIGFPE sentence is about x86-64
    assert out.line("reading address 0 through ctypes:") == "killed by SIGSEGV"
    assert out.line("touching a mapped page past the end of its file:") == "killed by SIGBUS"
    assert out.line("integer division 1 / 0 in C (glibc div()):") == "killed by SIGFPE"
    assert out.line("float division by zero in C (pow(0.0, -1.0)):") == (
        "returned inf, FE_DIVBYZERO flag set: True, no signal")
    assert out.line("the same after feenableexcept(FE_DIVBYZERO):") == "killed by SIGFPE"
    assert out.line("integer division by zero in Python:").startswith("ZeroDivisionError")
    # x86-64 allows a misaligned load: bytes 1..8 of the buffer come back, little-endian, no SIGBUS.
    assert out.line("reading 8 bytes at an odd address through ctypes:") == (
        "returned 0x807060504030201 (address % 8 = 1), exited with status 0")
    # Of the overflows, only INT_MIN / -1 traps; -INT_MIN wraps around to INT_MIN.
    assert out.line("integer overflow INT_MIN / -1 in C (glibc div()):") == "killed by SIGFPE"
    assert out.line("integer overflow -INT_MIN in C (glibc abs()):") == (
        "returned -2147483648, exited with status 0")
    children = ev.children()
    assert [ended(ev, c) for c in children] == [
        "SIGSEGV", "SIGBUS", "exited 0", "SIGFPE", "SIGFPE", "exited 0", "SIGFPE"]
    # The children that survived reported their result through a pipe; the others wrote nothing.
    reported = {c: [w.data for w in ev.writes(pid=c)] for c in children}
    assert reported[children[2]] == ["b'0x807060504030201 (address % 8 = 1)'"]
    assert reported[children[5]] == ["b'-2147483648'"]
    assert all(not reported[c] for i, c in enumerate(children) if i not in (2, 5))
    assert not sent(ev)  # the CPU raised them, nobody called kill()


def test_kill_reaches_one_process_the_own_group_or_a_named_group(snippet):
    out = snippet("signals/kill_process_group.py")
    ev = out.events
    assert out.line("the demonstration group is not ours:") == "True"
    assert out.line("leader  :") == "SIGUSR1 SIGUSR2 SIGTERM"
    assert out.line("member 1:") == "SIGUSR2 SIGTERM"
    assert out.line("member 2:") == "SIGUSR2 SIGTERM"
    (leader,) = ev.children()
    members = ev.children(leader)
    assert len(members) == 2
    assert (ev.main, leader, "SIGUSR1") in sent(ev)
    assert (leader, 0, "SIGUSR2") in sent(ev)  # pid == 0: its own group
    assert (ev.main, -leader, "SIGTERM") in sent(ev)  # pid < -1: the group it leads
    for pid in (leader, *members):
        got = [e.result["signal"] for e in ev.calls("signal.sigtimedwait", pid=pid) if e.result]
        assert got == (["SIGUSR1", "SIGUSR2", "SIGTERM"] if pid == leader
                       else ["SIGUSR2", "SIGTERM"])


def test_kill_minus_one_in_a_pid_namespace_spares_only_init_and_the_sender(snippet):
    out = snippet("signals/kill_minus_one_in_a_namespace.py")
    ev = out.events
    main = ev.main
    # Inside the new namespace pids start again at 1 and may equal pids outside (in the build's
    # sandbox the snippet's main is pid 2, like the first waiting process): select by (pid, ppid).
    main_ppid = ev.one("start").ppid
    by_main = of(ev, main, main_ppid)
    bystander, *rest = [e.result for e in ev.calls("os.fork", pid=main)]
    minus_one = ev.calls("os.kill").where(pid=-1)
    if out.lines[1].startswith("main: cannot make a PID namespace here,"):
        # No namespace: nothing was sent to -1, no init was made, and the page shows no result.
        assert not os.environ.get("CI"), "the CI build must show kill(-1) for real\n" + out.text
        assert not minus_one and not rest and not ev.calls("forked").where(parent=0)
        assert out.line("This example needs a user namespace an ordinary user may make:") == (
            "kill(-1) not shown")
        assert not [line for line in out.lines if line.startswith(("A:", "sender:"))]
    else:
        assert out.line("main: unshare(CLONE_NEWUSER | CLONE_NEWPID) done;") == (
            "the next child is pid 1 of a new PID namespace")
        (a_outer,) = rest
        # A: pid 1 of the new namespace, its parent (main) outside it, so getppid() is 0.
        a = of(ev, 1, 0)
        assert a.one("forked").args == {"parent": 0}
        waiting = [e.result for e in a.calls("os.fork")]
        assert waiting == [2, 3, 4, 5]
        *waiting, sender = waiting
        # The one kill(-1): made by the fourth child of A, in the namespace (its ppid is 1).
        (kill,) = minus_one
        assert (kill.pid, kill.ppid, kill.args["signal"]) == (sender, 1, "SIGTERM")
        assert kill.ok
        assert len(ev.calls("os.kill", "os.killpg")) == 1  # no other signal sent by anybody
        at = ev.index(kill)
        # Each waiting process unblocked SIGTERM (A's mask, inherited from main, blocked it)
        # and said it was ready before the kill; none of them got past its read() (main may
        # have the same (pid, ppid) as the first of them: its own calls are told apart by args).
        ready_pipe, hold_pipe, _ = [e.obj for e in a.calls("os.pipe")]
        for pid in waiting:
            mine = of(ev, pid, 1)
            (unblock,) = mine.calls("signal.pthread_sigmask").where(how="SIG_UNBLOCK")
            assert unblock.result == ["SIGTERM"]
            # Its write is recorded once it has returned: the kill may land before the record
            # (A's reads below show the byte arrived), so the event may be missing, never late.
            readies = [e for e in mine.calls("os.write") if e.obj == ready_pipe]
            assert len(readies) <= 1 and all(ev.index(e) < at for e in readies)
            assert not mine.calls("os._exit")
        # A read one byte from each of them before it started the sender.
        got = [e for e in a.calls("os.read") if e.obj == ready_pipe]
        assert [e.result for e in got] == [1] * len(waiting)
        assert ev.index(got[-1]) < ev.index(a.calls("os.fork")[-1])  # both in A: in order
        assert not [e for e in ev.calls("os.read") if e.obj == hold_pipe]
        # A reaped them: the three waiting processes killed by SIGTERM, the sender exited 0.
        how = {e.result["pid"]: {k: v for k, v in e.result.items() if k != "pid"}
               for e in a.calls("os.waitpid")}
        assert how == {**{pid: {"signal": "SIGTERM", "core": False} for pid in waiting},
                       sender: {"exited": 0}}
        # Spared: SIGTERM was blocked in A and in the sender, yet pending in neither afterwards.
        mine = of(ev, sender, 1)
        assert not mine.calls("signal.pthread_sigmask")  # still A's mask, SIGTERM blocked
        assert [e.result for e in mine.calls("signal.sigpending")] == [[]]
        assert [e.result for e in a.calls("signal.sigpending")] == [[]]
        assert ev.index(a.one("signal.sigpending")) > at
        # A's report went through a pipe to main, which printed it.
        (report,) = a.calls("os.write")
        got = [e for e in by_main.calls("os.read") if e.obj == report.obj and e.result]
        assert sum(e.result for e in got) == report.result
        for pid in waiting:
            assert out.line(f"A: waiting process {pid}:") == "killed by SIGTERM"
        assert out.line(f"A: sender {sender}:") == "exited 0"
        assert out.line("sender: pid 5, parent 1; after kill(-1, SIGTERM), pending here:") == "[]"
        assert out.line("A: init, pending here after kill(-1):") == "[]"
        assert [e.result for e in by_main.calls("os.waitpid").where(pid=a_outer)] == [
            {"pid": a_outer, "exited": 0}]
        assert out.line("main: A (init of the namespace):") == "exited 0"
        # Main blocked SIGTERM before it made the namespace: the kill(-1) did not reach it.
        block = by_main.calls("signal.pthread_sigmask").where(how="SIG_BLOCK")
        assert block and ev.index(block[0]) < at
        assert [e.result for e in by_main.calls("signal.sigpending")] == [[]]
        asked = [e for e in by_main.calls("os.write") if e.data == "b'are you there?'"]
        assert asked and ev.index(asked[0]) > at
    # The bystander, forked before any namespace, answered after it all and exited 0.
    theirs = of(ev, bystander, main)
    assert [e.data for e in theirs.calls("os.read")] == ["b'are you there?'"]
    assert [e.data for e in theirs.calls("os.write")] == ["b'still here'"]
    assert [e.result for e in by_main.calls("os.waitpid").where(pid=bystander)] == [
        {"pid": bystander, "exited": 0}]
    assert out.line("main: the bystander outside answers") == "'still here', then exited 0"
    assert out.line("main: pending here:") == "[]"


def test_signal_zero_probes_and_another_user_is_refused_except_sigcont(snippet):
    out = snippet("signals/kill_permissions.py")
    ev = out.events
    assert "kill(child, 0) while it runs: no error" in out.lines
    assert out.line("kill(child, 0) after it was reaped:") == "ProcessLookupError ESRCH"
    probe = ev.calls("os.kill", pid=ev.main).where(signal="0")
    assert [e.error for e in probe] == [None, "ESRCH"]
    uid = int(out.line("this run's user ID:"))
    switcher = ev.children()[1]
    switched = bool(ev.calls("os.kill", pid=switcher))
    if switched:  # the child could become uid 65534: the page's three EPERM/allowed claims
        assert out.line("another user's process:") == (
            "a child switched to uid 65534, its parent stayed root")
        prefix = "  uid 65534 -> root parent, kill(parent, "
        assert out.line(prefix + "0):") == "PermissionError EPERM"
        assert out.line(prefix + "SIGCONT), same session:") == "allowed"
        assert out.line(prefix + "SIGCONT), after setsid():") == "PermissionError EPERM"
        calls = ev.calls("os.kill", pid=switcher)
        assert [(e.args["pid"], e.args["signal"], e.error) for e in calls] == [
            (ev.main, "0", "EPERM"), (ev.main, "SIGCONT", None), (ev.main, "SIGCONT", "EPERM")]
        setsid = ev.calls("os.setsid", pid=switcher)
        assert setsid and calls[1] is not None and ev.index(setsid[0]) < ev.index(calls[2])
        assert uid == 0
    else:  # no root: the page says the experiment is skipped, and it was
        assert out.line("another user's process:") == "not shown"
        assert out.line("This example needs root for its last part:").endswith(
            "can make a child of another user")
        assert "uid 65534 ->" not in out.text


def test_raise_runs_the_handler_and_abort_kills_even_when_ignored(snippet):
    out = snippet("signals/raise_and_abort.py")
    ev = out.events
    assert out.line("after raise_signal(SIGUSR1), the handler saw:") == "['SIGUSR1']"
    assert out.line("child that ignored SIGABRT and called abort():") == (
        "killed by SIGABRT, core dumped: False")
    assert ev.calls("signal.raise_signal", pid=ev.main)[0].args["signal"] == "SIGUSR1"
    (child,) = ev.children()
    assert ev.calls("signal.signal", pid=child).where(signal="SIGABRT", handler="SIG_IGN")
    assert ev.calls("os.abort", pid=child) and ended(ev, child) == "SIGABRT"


def test_raise_goes_to_the_calling_thread_kill_to_the_process(snippet):
    out = snippet("signals/raise_is_thread_directed.py")
    ev = out.events
    assert out.line("raise: pending for the worker thread:") == "True"
    assert out.line("raise: pending for the process:") == "False"
    assert out.line("raise: handler ran:") == "False"
    assert out.line("kill(getpid()) from the worker: handler ran in") == "['MainThread']"
    calls = [e.call for e in ev.calls("signal.pthread_sigmask", "signal.raise_signal",
                                      "signal.sigtimedwait", "os.kill")]
    assert calls == ["signal.pthread_sigmask", "signal.raise_signal", "signal.sigtimedwait",
                     "os.kill"]
    assert ev.one("signal.sigtimedwait").result["signal"] == "SIGUSR1"
    assert sent(ev, signal="SIGUSR1")[-1] == (ev.main, ev.main, "SIGUSR1")


def test_alarm_returns_the_seconds_left_and_shares_itimer_real(snippet):
    out = snippet("signals/alarm_clock.py")
    ev = out.events
    assert out.line("alarm(5) returns") == "0 (no alarm was set)"
    assert out.line("alarm(2) returns") == "5 (the 5 s alarm is replaced)"
    assert out.line("getitimer(ITIMER_REAL) sees it too: about") == "2 s left (the same timer)"
    assert out.line("alarm(0) returns") == "2 and cancels it"
    assert out.line("now the timer is off:") == "True"
    assert out.line("child waiting with an alarm set: killed by") == "SIGALRM"
    # alarm() takes whole seconds; of a 0.4 s setitimer it reports 1, not 0.
    assert out.line("alarm(0.4):").startswith("TypeError")
    assert out.line("alarm(0) after setitimer(ITIMER_REAL, 0.4) returns") == "1 (rounded up, not 0)"
    alarms = ev.calls("signal.alarm", pid=ev.main)
    assert [e.result for e in alarms if e.ok] == [0, 5, 2, 1]
    assert alarms.failed("TypeError").where(seconds=0.4)
    assert ev.calls("signal.setitimer", pid=ev.main).where(which="ITIMER_REAL", seconds=0.4)
    # A zombie: its timer was due long before, yet it had nothing pending and had simply exited 0.
    assert out.line("a child that set a 0.5 s timer and exited, 1 s later:") == (
        "Z (zombie), SIGALRM pending: False")
    assert out.line("the zombie reaped: exit status") == "0"
    killed, zombie = ev.children()
    assert ev.calls("signal.setitimer", pid=killed) and ended(ev, killed) == "SIGALRM"
    assert ev.calls("signal.setitimer", pid=zombie).where(which="ITIMER_REAL", seconds=0.5)
    peeked = ev.calls("os.waitid", pid=ev.main).one()
    assert "WNOWAIT" in peeked.args["options"] and peeked.result["pid"] == zombie
    assert ev.index(peeked) < ev.index(ev.calls("os.waitpid").where(pid=zombie).one())
    assert ended(ev, zombie) == "exited 0"
    assert not sent(ev)


def test_sigalrm_default_action_loses_buffered_output(snippet):
    out = snippet("signals/alarm_loses_buffered_output.py")
    ev = out.events
    assert out.line("the child printed 1000 lines and was killed by") == "SIGALRM"
    received = int(out.line("bytes the pipe received:"))
    lost = int(out.line("lines lost with the buffer:"))
    assert 0 < received < len("".join(f"line {n}\n" for n in range(1, 1001)))
    assert lost > 0
    (child,) = ev.children()
    assert ended(ev, child) == "SIGALRM"
    assert "PYTHONUNBUFFERED" not in str(ev.calls("subprocess.Popen")[0].args.get("env", ""))
    assert not sent(ev)


def test_periodic_timer_ticks_and_cpu_timers_stand_still_while_waiting(snippet):
    out = snippet("signals/interval_timers.py")
    ev = out.events
    assert out.line("ITIMER_REAL, every 0.05 s:") == "5 ticks, taking at least 0.25 s: True"
    for name, sig in (("ITIMER_VIRTUAL", "SIGVTALRM"), ("ITIMER_PROF", "SIGPROF")):
        assert out.line(f"{name}:") == ("after 0.3 s of waiting, still more than 0.1 s left: "
                                        f"True; expired after CPU work: {sig}")
    waited = [e.result for e in ev.calls("signal.sigwait")]
    assert waited == ["SIGALRM"] * 5 + ["SIGVTALRM", "SIGPROF"]
    # A stopped child: ITIMER_REAL expired during the stop and acted at SIGCONT; ITIMER_VIRTUAL
    # did not move.
    assert out.line("a child stopped with ITIMER_REAL 0.5 s, ITIMER_VIRTUAL 5 s:") == (
        "T (stopped), pending ['SIGALRM']")
    assert out.line("  after SIGCONT, the child's handler ran for:") == (
        "['SIGALRM']; its ITIMER_VIRTUAL moved less than 0.05 s: True")
    (child,) = ev.children()
    timers = ev.calls("signal.setitimer", pid=child)
    assert [(e.args["which"], e.args["seconds"]) for e in timers] == [
        ("ITIMER_VIRTUAL", 5), ("ITIMER_REAL", 0.5)]
    assert sent(ev, sender=child) == [(child, child, "SIGSTOP")]
    assert stops(ev, child) == ["SIGSTOP"]
    assert sent(ev, sender=ev.main) == [(ev.main, child, "SIGCONT")]
    (report,) = ev.writes(pid=child)
    handled, moved = report.data[2:-1].split(";")  # b'...': what the child found after SIGCONT
    assert handled == "['SIGALRM']" and float(moved) < 0.05
    assert ended(ev, child) == "exited 0"
    assert not sent(ev, signal="SIGALRM")  # the timers sent them, not kill()


def test_printing_costs_more_than_counting(snippet):
    """A fixed amount of work, so that CPU times compare on a loaded machine as on an idle one
    (a loop that counted for half a second got almost no CPU there, and showed sys 0.00)."""
    out = snippet("signals/count_one_second.py")
    figures = {}
    for label in ("counting only", "printing each number"):
        found = re.fullmatch(r"(\d+) numbers; real ([\d.]+) s, user ([\d.]+) s, sys ([\d.]+) s",
                             out.line(f"{label}:"))
        figures[label] = [float(x) for x in found.groups()]
        assert figures[label][0] == 1_000_000
    # The system time is the writes': counting alone made no system call in its loop.
    assert figures["printing each number"][3] > figures["counting only"][3]
    # Each write also costs user time (the call of os.write), on top of the same formatting.
    assert figures["printing each number"][2] > figures["counting only"][2]
    ratio = float(out.line("CPU time, printing each number / counting only:"))
    assert ratio > 1  # the page binds the figure; it claims only that printing cost more
    cpu = {label: f[2] + f[3] for label, f in figures.items()}
    # The line's figures, from the same os.times() readings (each rounded to 0.01 s here)
    low = (cpu["printing each number"] - 0.01) / (cpu["counting only"] + 0.01)
    high = (cpu["printing each number"] + 0.01) / max(cpu["counting only"] - 0.01, 0.005)
    assert low - 0.05 <= ratio <= high + 0.05
    for _count, real, user, system in figures.values():
        assert real + 0.05 >= user + system  # one thread: real time includes user and system
    # It really counted: the run lasted at least as long as the two loops it timed.
    assert out.run.duration >= sum(f[1] for f in figures.values()) - 0.02


# --- signals/masks -----------------------------------------------------------------------------

def test_glibc_sigset_t_is_1024_bits_the_kernel_mask_64(snippet):
    out = snippet("signals/sigset_width.py")
    ev = out.events
    assert out.line("bytes of one sigset_t, as posix_spawnattr_getsigmask() copies it:") == "128"
    assert out.line("bytes sigemptyset() zeroed in a buffer of 0xFF bytes:") == "8"
    assert out.line("signals sigfillset() set in a zeroed buffer:") == "1 to 64 except 32, 33"
    assert out.line("sigaddset(set, 65):") == "-1, errno EINVAL"
    # The same measurement of sizeof(sigset_t), made here with the same C library.
    libc = ctypes.CDLL(None)
    attr = ctypes.create_string_buffer(1024)
    copied = ctypes.create_string_buffer(b"\xff" * 256, 256)
    libc.posix_spawnattr_init(attr)
    libc.posix_spawnattr_setsigmask(attr, ctypes.create_string_buffer(256))
    libc.posix_spawnattr_getsigmask(attr, copied)
    assert copied.raw.count(0) == 128
    # The kernel's mask: the bits of exactly the signals the snippet blocked, 64 of them in all.
    assert int(signal.SIGRTMAX) == 64
    blocked = out.line("SigBlk with SIGUSR1 (10) and SIGRTMAX (64) blocked:")
    assert out.line("SigBlk's width:") == "16 hex digits, 64 bits" and len(blocked) == 16
    setmask = ev.calls("signal.pthread_sigmask").where(how="SIG_SETMASK")
    assert len(setmask) == 2, ev  # the snippet set the mask, then restored it
    assert setmask[0].args["signals"] == ["SIGRTMAX", "SIGUSR1"]
    assert setmask[1].args["signals"] == setmask[0].result
    assert int(blocked, 16) == sum(1 << (int(getattr(signal, name)) - 1)
                                   for name in setmask[0].args["signals"])
    assert out.line("blocking signal 65 from Python:").startswith("ValueError:")
    refused = ev.calls("signal.pthread_sigmask").failed("ValueError")
    assert [e.args["signals"] for e in refused] == [["65"]]


def test_pending_set_is_a_set_and_ignoring_discards_pending_signals(snippet):
    out = snippet("signals/pending_set.py")
    ev = out.events

    def bits(*numbers):
        return "".join("1" if n in numbers else "0" for n in range(1, 32))

    assert out.line("blocked, nothing sent:") == bits()
    assert out.line("after SIGINT:") == bits(2)
    assert out.line("after SIGQUIT:") == bits(2, 3)
    assert out.line("after SIGUSR1:") == bits(2, 3, 10)
    assert out.line("SIGUSR1 again:") == bits(2, 3, 10)
    assert out.line("ignored, still blocked:") == bits()
    assert out.line("still blocked:") == "True"
    assert out.line("SIGRTMIN sent twice, sigpending():") == "['SIGRTMIN']"
    assert out.line("yet sigtimedwait() took it") == "2 times"
    assert [s for *_, s in sent(ev, sender=ev.main, target=ev.main)] == [
        "SIGINT", "SIGQUIT", "SIGUSR1", "SIGUSR1", "SIGRTMIN", "SIGRTMIN"]
    pendings = [e.result for e in ev.calls("signal.sigpending")]
    assert ["SIGINT", "SIGQUIT", "SIGUSR1"] in pendings and [] in pendings[4:]
    ignored = [e for e in ev.calls("signal.signal") if e.args["handler"] == "SIG_IGN"]
    first_unblock = ev.calls("signal.pthread_sigmask").where(how="SIG_UNBLOCK")[0]
    assert len(ignored) == 3 and ev.index(ignored[-1]) < ev.index(first_unblock)
    assert len([e for e in ev.calls("signal.sigtimedwait") if e.result]) == 2


def test_blocking_delays_and_ignoring_discards(snippet):
    out = snippet("signals/block_versus_ignore.py")
    ev = out.events
    assert out.line("blocked:") == "pending ['SIGUSR1'], delivered []"
    assert out.line("unblocked:") == "pending [], delivered ['SIGUSR1']"
    assert out.line("ignored:") == "pending [], delivered []"
    assert out.line("caught again afterwards: delivered") == "[]"
    assert len(sent(ev, target=ev.main, signal="SIGUSR1")) == 2
    # SIG_DFL on a signal whose default is to ignore it discarded it too, blocked as it was.
    assert out.line("SIGWINCH blocked and caught: pending") == "['SIGWINCH']"
    assert out.line("after SIG_DFL, still blocked: pending") == "[]"
    assert sent(ev, target=ev.main, signal="SIGWINCH")
    assert ev.calls("signal.signal").where(signal="SIGWINCH", handler="SIG_DFL")
    assert [e.result for e in ev.calls("signal.sigpending")] == [
        ["SIGUSR1"], [], [], ["SIGWINCH"], []]


def test_standard_signals_merge_realtime_signals_queue_python_handlers_coalesce(snippet):
    out = snippet("signals/queueing.py")
    ev = out.events
    assert out.line("sent 5 x SIGUSR1, delivered") == "1"
    assert out.line("sent 5 x SIGRTMIN, delivered") == "5"
    assert out.line("delivery order:") == str(["SIGUSR1"] + ["SIGRTMIN"] * 5)
    assert out.line("5 x SIGRTMIN to a Python handler:") == "1 call(s)"
    assert len(sent(ev, signal="SIGUSR1")) == 5 and len(sent(ev, signal="SIGRTMIN")) == 10
    taken = [e.result["signal"] for e in ev.calls("signal.sigtimedwait", pid=ev.main) if e.result]
    assert taken == ["SIGUSR1"] + ["SIGRTMIN"] * 5
    # sigqueue(): each SIGRTMIN kept its own value and came with si_code SI_QUEUE (-1);
    # Python's struct_siginfo shows the code but has no si_value.
    assert out.line("sigqueue() of SIGRTMIN to a child, 3 times, with the values") == (
        "100, 200, 300:")
    assert out.line("  the first two, taken in C, (si_code, si_value):") == (
        "[(-1, 100), (-1, 200)]; SI_QUEUE is -1")
    assert out.line("  the third, taken by signal.sigtimedwait:") == (
        "si_code -1, si_pid is ours: True, has si_value: False, si_status: 300")
    (child,) = ev.children()
    assert not sent(ev, target=child)  # no kill(): they came by sigqueue(), outside os.kill
    third = ev.calls("signal.sigtimedwait", pid=child).one()
    assert third.result == {"signal": "SIGRTMIN", "pid": ev.main, "uid": third.result["uid"],
                            "code": -1}
    (report,) = ev.writes(pid=child)
    assert report.data == f"b'[(-1, 100), (-1, 200)];-1;{ev.main};False;300'"
    assert ended(ev, child) == "exited 0"


def test_mask_and_ignored_signals_survive_fork_and_exec_handlers_and_timers_do_not(snippet):
    out = snippet("signals/inherited_across_fork_and_exec.py")
    ev = out.events
    assert out.line("after fork, the child (Python's view):") == (
        "blocked ['SIGUSR1'], SIGUSR2 SIG_IGN, SIGTERM our handler, timer (0.0, 0.0)")
    assert out.line("after fork + exec of cat (the kernel's view):") == (
        "blocked ['SIGUSR1'], ignored ['SIGUSR2', 'SIGPIPE', 'SIGXFSZ'], caught []")
    assert out.line("a child that sets ITIMER_REAL, then execs python: "
                    "still running after exec:") == "True"
    assert out.line("subprocess.run(cat), restore_signals=True:") == (
        "blocked ['SIGUSR1'], ignored ['SIGUSR2'], caught []")
    children = ev.children()
    assert len(children) == 4
    assert [e.args["argv"][0] for e in ev.execs(children[1])] == ["cat"] or any(
        e.args["argv"][:2] == ["cat", "/proc/self/status"] for e in ev.execs(children[1]))
    assert ev.calls("signal.setitimer", pid=children[2])
    assert ev.calls("subprocess.Popen")[0].args["argv"] == ["cat", "/proc/self/status"]


# --- signals/handling --------------------------------------------------------------------------

def test_handlers_run_in_the_main_thread_only(snippet):
    out = snippet("signals/handler_in_main_thread.py")
    ev = out.events
    assert out.line("the handler ran in:") == "['MainThread']"
    assert out.line("signal.signal() in a worker thread:").startswith("ValueError")
    assert sent(ev, target=ev.main, signal="SIGUSR1")
    assert ev.calls("signal.signal").where(signal="SIGUSR2").failed()


def test_a_long_c_call_delays_the_python_handler(snippet):
    out = snippet("signals/handler_waits_for_bytecode.py")
    ev = out.events
    assert out.line("the C call took more than 0.1 s:") == "True"
    assert out.line("the handler ran").endswith(
        "after the signal came, when the call returned: True")
    assert ev.one("signal.setitimer").args.get("seconds") == 0.1


def test_a_handler_that_prints_or_locks_trips_over_the_interrupted_code(snippet):
    out = snippet("signals/handler_reentrancy.py")
    ev = out.events
    assert re.fullmatch(r"print\(\) in the handler raised RuntimeError: "
                        r"reentrant call inside <_io\.BufferedWriter name=\d+>",
                        out.lines[0])
    assert out.line("handler: lock.acquire(timeout=0.5) returned") == (
        "False: the interrupted code holds it")
    kills = ev.calls("signal.pthread_kill")
    assert [e.args["signal"] for e in kills] == ["SIGUSR1"]
    filled = ev.writes(pid=ev.main)
    assert filled and filled[-1].error == "EAGAIN"  # the pipe was full before the print
    assert ev.one("signal.raise_signal").args["signal"] == "SIGUSR1"


def test_interrupted_read_resumes_unless_the_handler_raises(snippet):
    out = snippet("signals/interrupted_read_resumes.py")
    ev = out.events
    assert out.line("blocked in read() before the signal:") == "True"
    assert out.line("handler ran, then read() was waiting again:") == "True"
    assert out.line("read returned") == "b'data after the signal'; handler ran: ['SIGUSR1']"
    assert out.line("read was abandoned:") == "TimeoutError: the handler raised"
    kill1, kill2 = ev.calls("signal.pthread_kill")
    assert ev.one("os.write").data == "b'data after the signal'"
    reads = ev.reads(pid=ev.main)
    assert ev.index(kill1) < ev.index(reads[0])  # the data is written only after the signal
    assert reads[0].result == len(b"data after the signal")
    assert reads[1].error == "TimeoutError"


def test_sa_restart_restarts_read_but_never_poll_or_nanosleep(snippet):
    out = snippet("signals/restart_in_c.py")
    ev = out.events
    assert out.line("read()       without SA_RESTART:") == "returned -1, errno EINTR"
    assert out.line("read()       with SA_RESTART:") == "returned 5 (restarted)"
    assert out.line("poll()       with SA_RESTART:") == "returned -1, errno EINTR"
    assert out.line("nanosleep()  with SA_RESTART:") == "returned -1, errno EINTR"
    assert [e.args["flag"] for e in ev.calls("signal.siginterrupt")] == [True, False, False, False]
    assert len(ev.calls("signal.pthread_kill")) == 4
    assert [e.result for e in ev.calls("socket.recv")] == [1, 1, 1, 1]  # the C handler ran


def test_an_interrupted_blocking_write_returns_the_bytes_already_written(snippet):
    out = snippet("signals/interrupted_write_returns_short.py")
    ev = out.events
    capacity = int(out.line("parent: pipe capacity (F_GETPIPE_SZ):"))
    size = int(out.line("parent: bytes the child asks os.write to write (nobody reads):"))
    assert size == 16 * capacity
    assert out.line("parent: bytes in the pipe before the signal (FIONREAD):") == str(capacity)
    asleep = rf"in write\(\) on the pipe, {size} bytes asked|waiting in (?!0$)\S+"  # syscall, wchan
    assert re.fullmatch(rf"state S, ({asleep})", out.line("parent: the child before the signal:"))
    assert out.line("child: os.write returned:") == str(capacity)
    assert out.line("child: handler ran:") == "['SIGUSR1']"
    assert out.line("parent: child exited with status") == "0"
    assert out.line("parent: bytes the pipe held after the child ended:") == str(capacity)
    main = ev.main
    (child,) = ev.children(main)
    (pipe,) = ev.calls("os.pipe", pid=main)
    looks = [e for e in ev.calls("fcntl.fcntl", pid=main) if e.obj == pipe.obj]
    assert looks and {e.args["cmd"] for e in looks} == {"F_GETPIPE_SZ"}
    assert {e.result for e in looks} == {capacity}
    handlers = ev.calls("signal.signal", pid=child)
    assert [(e.args["signal"], e.args["handler"]) for e in handlers] == [("SIGUSR1", "<lambda>")]
    (write,) = ev.writes(pid=child, obj=pipe.obj)
    assert write.ok and write.result == capacity  # a count, not EINTR, and not retried
    assert write.asked == size  # one call, given all of it: the short count is the kernel's
    assert sent(ev) == [(main, child, "SIGUSR1")]
    (kill,) = ev.calls("os.kill", pid=main)
    at = {id(e): i for i, e in enumerate(ev)}  # positions (the parent's looks are equal dicts)
    # The parent's last look at the full pipe (after reading the child's state) came before its
    # kill(); the write returned after that look, so only the signal can have ended it.
    assert at[id(looks[-1])] < at[id(kill)] and at[id(looks[-1])] < at[id(write)]
    # Nobody read the pipe before the signal; afterwards it held exactly what the write moved.
    reads = ev.reads(obj=pipe.obj)
    assert {e.pid for e in reads} == {main} and at[id(kill)] < at[id(reads[0])]
    assert sum(e.result for e in reads) == capacity and reads[-1].result == 0
    assert ended(ev, child) == "exited 0"


def test_the_kernel_holds_bsd_flags_for_glibc_signal_and_sa_onstack_for_python(snippet):
    out = snippet("signals/sigaction_flags.py")
    ev = out.events
    assert out.line("Python signal.signal(SIGUSR1, f):") == "sa_flags SA_ONSTACK; sa_mask []"
    assert out.line("after siginterrupt(SIGUSR1, False):") == (
        "sa_flags SA_ONSTACK SA_RESTART; sa_mask []")
    assert out.line("glibc signal(SIGUSR2, f), BSD semantics:") == (
        "sa_flags SA_RESTART; sa_mask ['SIGUSR2']")
    assert out.line("glibc sysv_signal(SIGUSR2, f), System V semantics:") == (
        "sa_flags SA_NODEFER SA_RESETHAND; sa_mask []")
    assert ev.calls("signal.signal").where(signal="SIGUSR1", handler="handler")
    assert ev.one("signal.siginterrupt").args["flag"] is False


def test_blocking_inside_a_handler_defers_the_other_signal(snippet):
    out = snippet("signals/defer_with_mask.py")
    ev = out.events
    unmasked = out.lines[1:6]
    masked = out.lines[7:12]
    assert [line.strip() for line in unmasked] == [
        "SIGUSR1 handler starts, sends SIGUSR2",
        "SIGUSR2 handler, in the middle of the SIGUSR1 handler",
        "SIGUSR1 handler does 0.2 s of work", "SIGUSR1 handler ends", "back in the main program"]
    assert [line.strip() for line in masked] == [
        "SIGUSR1 handler starts, sends SIGUSR2", "SIGUSR1 handler does 0.2 s of work",
        "SIGUSR2 handler, after the work, once the mask is restored", "SIGUSR1 handler ends",
        "back in the main program"]
    assert sorted(s for *_, s in sent(ev, target=ev.main)) == ["SIGUSR1"] * 2 + ["SIGUSR2"] * 2
    blocks = ev.calls("signal.pthread_sigmask").where(how="SIG_BLOCK", signals=["SIGUSR2"])
    assert len(blocks) == 1  # only in the second round, inside the handler


def test_the_mask_emulation_fails_when_another_thread_leaves_the_signal_unblocked(snippet):
    out = snippet("signals/mask_emulation_and_threads.py")
    ev = out.events
    assert out.line("one thread:") == "SIGUSR2 handler ran after the masked section"
    assert out.line("an idle thread that does not block it:") == (
        "SIGUSR2 handler ran INSIDE the masked section")
    assert out.line("an idle thread that blocks it too:") == (
        "SIGUSR2 handler ran after the masked section")
    assert len(sent(ev, target=ev.main, signal="SIGUSR2")) == 3
    assert len(ev.calls("signal.raise_signal")) == 3
    unblocks = ev.calls("signal.pthread_sigmask").where(how="SIG_UNBLOCK", signals=["SIGUSR2"])
    assert len(unblocks) == 2  # a worker was started in two of the three runs


def test_sigwait_family_takes_signals_synchronously_with_sender_details(snippet):
    out = snippet("signals/synchronous_wait.py")
    ev = out.events
    assert out.line("sigwait:") == "SIGUSR1"
    assert out.line("sigwaitinfo:") == ("SIGTERM, sent by our child: True, "
                                        "si_code is SI_USER (sent by kill): True")
    assert out.line("sigtimedwait with nothing pending:") == "None"
    (child,) = ev.children()
    assert sent(ev, sender=child) == [(child, ev.main, "SIGUSR1"), (child, ev.main, "SIGTERM")]
    assert ev.one("signal.sigwaitinfo").result["pid"] == child
    assert ev.one("signal.sigtimedwait").result is None


def test_wakeup_fd_receives_the_signal_numbers(snippet):
    out = snippet("signals/wakeup_fd.py")
    ev = out.events
    assert out.line("socket readable:") == (
        f"True; bytes [{int(signal.SIGUSR1)}, {int(signal.SIGUSR2)}] = ['SIGUSR1', 'SIGUSR2']")
    pair = ev.one("socket.socketpair").result
    assert ev.calls("signal.set_wakeup_fd", pid=ev.main)[0].args["fd"] == pair[1]
    recv = ev.calls("socket.recv")[0]
    assert recv.result == 2 and recv.args["fd"] == pair[0]
    assert [s for *_, s in sent(ev, target=ev.main)] == ["SIGUSR1", "SIGUSR2"]



def test_a_wnohang_loop_asks_over_and_over_where_one_blocking_wait_asks_once(snippet):
    out = snippet("signals/wnohang_loop_spins.py")
    ev = out.events
    main = ev.main
    first, second = ev.children(main)
    assert out.line("blocking waitpid: child exit status") == "7, 1 call"
    assert out.line("WNOHANG loop: more than 1000 calls:") == "True"
    waits = ev.calls("os.waitpid", pid=main)
    # The blocking wait: one call, without WNOHANG, answered with the first child.
    assert waits[0].args["options"] == "0" and waits[0].result == {"pid": first, "exited": 7}
    # The loop: the recorded calls (the first thousand) all came back empty-handed, and the
    # wrapper took itself off past its limit, so the loop went on asking.
    loop = waits[1:]
    assert len(loop) >= 999 and all(w.args["options"] == "WNOHANG" for w in loop)
    assert all(w.result == {"pid": 0} for w in loop)
    assert any(e.call == "observe.limit" and e.args.get("call") == "os.waitpid" for e in ev)
    assert ended(ev, first) == "exited 7"  # the wait that reaped the second was not recorded:
    assert ev.calls("os._exit", pid=second).one().args == {"status": 7}  # it came past the limit
    assert out.line("WNOHANG loop: child exit status") == "7"
    assert int(out.line("WNOHANG loop: calls to waitpid:")) > 1000

def test_sigchld_wakes_the_parent_to_reap_and_reports_stop_and_continue(snippet):
    out = snippet("signals/reap_children.py")
    ev = out.events
    assert out.line("reaped exit statuses") == "[1, 2, 3]; SIGCHLD wake-ups between 1 and 3: True"
    assert out.line("exited, not yet waited for: state") == "Z (zombie)"
    assert out.line("after waitpid: /proc entry exists:") == "False"
    assert out.line("SIGCHLD for one child:") == (
        "SIGSTOP -> CLD_STOPPED, SIGCONT -> CLD_CONTINUED, SIGKILL -> CLD_KILLED")
    assert out.line("with SIGCHLD ignored: waitpid raised") == (
        "ChildProcessError (No child processes)")
    children = ev.children()
    assert sorted(ended(ev, c) for c in children[:3]) == ["exited 1", "exited 2", "exited 3"]
    watched = children[4]
    assert [s for *_, s in sent(ev, target=watched)] == ["SIGSTOP", "SIGCONT", "SIGKILL"]
    infos = [e.result for e in ev.calls("signal.sigwaitinfo")]
    assert [i["signal"] for i in infos] == ["SIGCHLD"] * 3
    assert {i["pid"] for i in infos} == {watched}
    assert ev.calls("os.waitpid").where(pid=children[5]).failed("ECHILD")


# --- the practical additions: pidfds, timeouts, faulthandler ---------------------------------

def test_a_pidfd_signals_its_process_and_refuses_once_it_is_reaped(snippet):
    out = snippet("signals/signal_by_pidfd.py")
    ev = out.events
    assert out.line("pidfd readable once the child ended:") == "True"
    assert out.line("child: exit status") == "-15"
    assert out.line("pidfd_send_signal after the reap:") == (
        "ProcessLookupError, never another process")
    assert int(out.line("pids are handed out in turn up to pid_max, then again from the "
                        "bottom; pid_max:")) > 0
    (child,) = [e.result for e in ev.calls("subprocess.Popen", pid=ev.main)]
    # The pidfd was opened on the child; both sends went through it, never through kill().
    (opened,) = ev.calls("os.pidfd_open", pid=ev.main)
    assert opened.args == {"pid": child} and opened.obj == "anon_inode:[pidfd]"
    first, second = ev.calls("signal.pidfd_send_signal", pid=ev.main)
    for send in (first, second):
        assert send.args == {"fd": opened.result, "signal": "SIGTERM"}
    # The first SIGTERM killed the child; once it was reaped the second send was refused.
    assert first.error is None and ended(ev, child) == "SIGTERM"
    assert second.error == "ESRCH"
    seq = list(ev)
    (reap,) = ev.waits(child)
    assert seq.index(first) < seq.index(reap) < seq.index(second)
    assert not ev.calls("os.kill", "os.killpg")


def test_timeouts_come_from_the_calls_themselves_not_from_sigalrm(snippet):
    out = snippet("signals/timeouts_without_alarm.py")
    ev = out.events
    assert out.line("subprocess.run(timeout=0.5):").startswith(
        "TimeoutExpired, the child was killed after")
    assert out.line("selector.select(timeout=0.5):").startswith("select() returned [] after")
    assert out.line("Event.wait(timeout=0.5), then Queue.get(timeout=0.5):").startswith(
        "[False, 'queue.Empty'] in a worker thread after")
    for line in out.lines:  # each wait lasted at least its timeout
        assert float(re.search(r"after ([\d.]+) s$", line).group(1)) >= 0.5
    (child,) = [e.result for e in ev.calls("subprocess.Popen", pid=ev.main)]
    # subprocess killed its child itself when the time was up; no timer, no SIGALRM.
    assert sent(ev) == [(ev.main, child, "SIGKILL")] and ended(ev, child) == "SIGKILL"
    assert not ev.calls("signal.alarm", "signal.setitimer", "signal.signal")


def test_faulthandler_prints_the_python_stack_on_a_crash_a_signal_and_a_hang(snippet):
    out = snippet("signals/faulthandler_traceback.py")
    ev = out.events
    assert out.line("crash:") == "exit status -11; its stdout: nothing; its stderr:"
    assert out.line("SIGUSR1:") == (
        "exit status 0; its stdout: ready; still running after the dump; its stderr:")
    assert out.line("watchdog:") == "exit status 1; its stdout: nothing; its stderr:"
    assert "  Fatal Python error: Segmentation fault" in out.lines
    assert any(line.endswith(" in crash") for line in out.lines)
    assert any(line.endswith(" in wait_for_input") for line in out.lines)
    assert any(line.endswith(" in stuck") for line in out.lines)
    assert any(line.startswith("  Timeout (0:00:00.2") for line in out.lines)
    crash, dump, watchdog = [e.result for e in ev.calls("subprocess.Popen", pid=ev.main)]
    # The crash was the CPU's (nobody sent SIGSEGV); the dump came from SIGUSR1 sent by the
    # parent, and the program lived on; the watchdog ended its program with status 1.
    assert ended(ev, crash) == "SIGSEGV" and ended(ev, watchdog) == "exited 1"
    assert sent(ev) == [(ev.main, dump, "SIGUSR1")] and ended(ev, dump) == "exited 0"
    heard = "".join(r.data for r in ev.reads(pid=ev.main))
    assert "Fatal Python error: " in heard and "Timeout (0:00:00.2" in heard
    assert "Current thread 0x" in heard  # the addresses the snippet leaves out of its output


PORTABLE = ["restart_in_c", "handler_reentrancy", "interrupted_read_resumes",
            "sigsys_from_seccomp"]


@pytest.mark.parametrize("name", [*PORTABLE, "hardware_faults"])
def test_on_a_machine_it_has_no_numbers_for_a_snippet_says_what_it_needs_and_exits(name):
    """Run by hand where platform.machine() is one the snippet knows no system call numbers
    (or <fenv.h> values) for: one line saying what it needs, exit status 0, no traceback."""
    import subprocess
    import sys

    from conftest import SNIPPETS

    as_s390x = ("import platform, runpy, sys; platform.machine = lambda: 's390x'; "
                "runpy.run_path(sys.argv[1], run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", as_s390x, str(SNIPPETS / f"signals/{name}.py")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Traceback" not in done.stdout + done.stderr
    needs = [line for line in done.stdout.splitlines() if line.startswith("This example needs")]
    assert len(needs) == 1 and "s390x" in needs[0]
    if name in PORTABLE:  # nothing else: what it shows needs those numbers
        assert done.stdout.splitlines() == needs
    else:  # the float part only; the integer cases, which need no table, still run
        assert "integer division by zero in Python: ZeroDivisionError" in done.stdout
