"""The claims of the Signals chapter (docs/*/signals/), checked by running its snippets."""

from __future__ import annotations

import re
import signal

# --- signals/index: concepts, the table, default actions -------------------------------------

def test_the_table_lists_every_standard_signal_by_this_machines_numbers(snippet):
    out = snippet("signals/signal_table.py")
    for sig in (signal.SIGUSR1, signal.SIGCHLD, signal.SIGSTOP, signal.SIGTSTP):
        assert re.search(rf"^\s*{int(sig)}\s+{sig.name}\s", out.text, re.M)
    assert re.search(r"^\s*3\s+SIGQUIT\s+Core\s+Quit$", out.text, re.M)  # not "Term"
    assert re.search(r"^\s*29\s+SIGIO\s+Term\s", out.text, re.M)  # not "Ign"
    assert out.line("real-time:").startswith(f"SIGRTMIN = {int(signal.SIGRTMIN)} to SIGRTMAX")
    assert out.line("numbers not usable here:").endswith(
        f"{len(signal.valid_signals())} valid signals in all")


def test_each_default_action_happens_to_a_real_child(snippet):
    out = snippet("signals/default_actions.py")
    assert out.line("Term SIGTERM  -> child") == "killed by SIGTERM (core dump flag: False)"
    assert out.line("Core SIGQUIT  -> child") == "killed by SIGQUIT (core dump flag: False)"
    assert out.line("Ign  SIGURG   -> child answers") == "'alive'"
    assert out.line("Stop SIGSTOP  -> child") == "stopped by SIGSTOP"
    assert out.line("Cont SIGCONT  -> child") == "continued"
    assert out.line("                 and answers") == "'alive'"
    assert out.line("finally") == "child exited with status 0"


def test_sigkill_and_sigstop_cannot_be_caught_ignored_or_blocked(snippet):
    out = snippet("signals/uncatchable.py")
    for line in ("catch SIGKILL", "ignore SIGKILL", "catch SIGSTOP", "ignore SIGSTOP"):
        assert out.line(f"{line}:") == "OSError EINVAL"
    assert out.line("actually blocked:") == "['SIGUSR1']"


# --- signals/sending ---------------------------------------------------------------------------

def test_terminal_keys_signal_the_foreground_job(snippet):
    out = snippet("signals/terminal_keys.py")
    assert out.line("Ctrl+C  -> foreground job") == "killed by SIGINT"
    assert out.line("Ctrl+\\  -> foreground job") == "killed by SIGQUIT"
    assert out.line("Ctrl+Z  -> foreground job") == "stopped by SIGTSTP"


def test_cpu_faults_become_sigsegv_and_sigbus_but_python_division_raises(snippet):
    out = snippet("signals/hardware_faults.py")
    assert out.line("reading address 0 through ctypes:") == "killed by SIGSEGV"
    assert out.line("touching a mapped page past the end of its file:") == "killed by SIGBUS"
    assert out.line("integer division by zero in Python:").startswith("ZeroDivisionError")


def test_kill_reaches_one_process_the_own_group_or_a_named_group(snippet):
    out = snippet("signals/kill_process_group.py")
    assert out.line("the demonstration group is not ours:") == "True"
    assert out.line("leader  :") == "SIGUSR1 SIGUSR2 SIGTERM"
    assert out.line("member 1:") == "SIGUSR2 SIGTERM"
    assert out.line("member 2:") == "SIGUSR2 SIGTERM"


def test_signal_zero_probes_and_another_user_is_refused(snippet):
    out = snippet("signals/kill_permissions.py")
    assert "kill(child, 0) while it runs: no error" in out.lines
    assert out.line("kill(child, 0) after it was reaped:") == "ProcessLookupError ESRCH"
    other = [line for line in out.lines if "uid 65534" in line]
    assert other in (["uid 65534 signalling a root process: PermissionError EPERM"],
                     ["not running as root: the uid 65534 experiment needs root to switch users"])


def test_raise_runs_the_handler_and_abort_kills_even_when_ignored(snippet):
    out = snippet("signals/raise_and_abort.py")
    assert out.line("after raise_signal(SIGUSR1), the handler saw:") == "['SIGUSR1']"
    assert out.line("child that ignored SIGABRT and called abort():") == (
        "killed by SIGABRT, core dumped: False")


def test_alarm_returns_the_seconds_left_and_shares_itimer_real(snippet):
    out = snippet("signals/alarm_clock.py")
    assert out.line("alarm(5) returns") == "0 (no alarm was set)"
    assert out.line("alarm(2) returns") == "5 (the 5 s alarm is replaced)"
    assert out.line("getitimer(ITIMER_REAL) sees it too: about") == "2 s left (the same timer)"
    assert out.line("alarm(0) returns") == "2 and cancels it"
    assert out.line("now the timer is off:") == "True"
    assert out.line("child waiting with an alarm set: killed by") == "SIGALRM"


def test_periodic_timer_ticks_and_cpu_timers_stand_still_while_waiting(snippet):
    out = snippet("signals/interval_timers.py")
    assert out.line("ITIMER_REAL, every 0.05 s:") == "5 ticks, taking at least 0.25 s: True"
    for name, sig in (("ITIMER_VIRTUAL", "SIGVTALRM"), ("ITIMER_PROF", "SIGPROF")):
        assert out.line(f"{name}:") == ("after 0.3 s of waiting, still more than 0.1 s left: "
                                        f"True; expired after CPU work: {sig}")


def test_printing_costs_more_than_counting(snippet):
    out = snippet("signals/count_one_second.py")
    figures = {}
    for label in ("counting only", "printing each number"):
        found = re.fullmatch(r"(\d+) numbers; real ([\d.]+) s, user ([\d.]+) s, sys ([\d.]+) s",
                             out.line(f"{label:21}:"))
        figures[label] = [float(x) for x in found.groups()]
    assert figures["counting only"][0] > figures["printing each number"][0]
    for count, real, user, system in figures.values():
        assert count > 0 and real >= 0.5
        assert real + 0.05 >= user + system  # real time includes user and system time


# --- signals/masks -----------------------------------------------------------------------------

def test_pending_bits_follow_blocked_signals_and_ignoring_clears_them(snippet):
    out = snippet("signals/pending_set.py")

    def bits(*numbers):
        return "".join("1" if n in numbers else "0" for n in range(1, 32))

    assert out.line("blocked, nothing sent:") == bits()
    assert out.line("after SIGINT:") == bits(2)
    assert out.line("after SIGQUIT:") == bits(2, 3)
    assert out.line("after SIGUSR1:") == bits(2, 3, 10)
    assert out.line("SIGUSR1 again:") == bits(2, 3, 10)
    assert out.line("ignored and unblocked:") == bits()


def test_blocking_delays_and_ignoring_discards(snippet):
    out = snippet("signals/block_versus_ignore.py")
    assert out.line("blocked:") == "pending ['SIGUSR1'], delivered []"
    assert out.line("unblocked:") == "pending [], delivered ['SIGUSR1']"
    assert out.line("ignored:") == "pending [], delivered []"
    assert out.line("caught again afterwards: delivered") == "[]"


def test_standard_signals_merge_realtime_signals_queue_python_handlers_coalesce(snippet):
    out = snippet("signals/queueing.py")
    assert out.line("sent 5 x SIGUSR1, delivered") == "1"
    assert out.line("sent 5 x SIGRTMIN, delivered") == "5"
    assert out.line("delivery order:") == str(["SIGUSR1"] + ["SIGRTMIN"] * 5)
    assert out.line("5 x SIGRTMIN to a Python handler:") == "1 call(s)"


# --- signals/handling --------------------------------------------------------------------------

def test_handlers_run_in_the_main_thread_only(snippet):
    out = snippet("signals/handler_in_main_thread.py")
    assert out.line("the handler ran in:") == "['MainThread']"
    assert out.line("signal.signal() in a worker thread:").startswith("ValueError")


def test_a_long_c_call_delays_the_python_handler(snippet):
    out = snippet("signals/handler_waits_for_bytecode.py")
    assert out.line("the C call took more than 0.1 s:") == "True"
    assert out.line("the handler ran").endswith(
        "after the signal came, when the call returned: True")


def test_interrupted_read_resumes_unless_the_handler_raises(snippet):
    out = snippet("signals/interrupted_read_resumes.py")
    assert out.line("read returned") == "b'data after the signal'; handler ran: ['SIGUSR1']"
    assert out.line("read was abandoned:") == "TimeoutError: the handler raised"


def test_blocking_inside_a_handler_defers_the_other_signal(snippet):
    out = snippet("signals/defer_with_mask.py")
    unmasked = out.lines[1:6]
    masked = out.lines[7:12]
    assert [line.strip() for line in unmasked] == [
        "SIGUSR1 handler starts", "SIGUSR2 handler, at once",
        "SIGUSR1 handler sent SIGUSR2, does 0.2 s of work", "SIGUSR1 handler ends",
        "back in the main program"]
    assert [line.strip() for line in masked] == [
        "SIGUSR1 handler starts", "SIGUSR1 handler sent SIGUSR2, does 0.2 s of work",
        "SIGUSR2 handler, after the work", "SIGUSR1 handler ends", "back in the main program"]


def test_sigwait_family_takes_signals_synchronously_with_sender_details(snippet):
    out = snippet("signals/synchronous_wait.py")
    assert out.line("sigwait:") == "SIGUSR1"
    assert out.line("sigwaitinfo:") == ("SIGTERM, sent by our child: True, "
                                        "si_code is SI_USER (sent by kill): True")
    assert out.line("sigtimedwait with nothing pending:") == "None"


def test_wakeup_fd_receives_the_signal_numbers(snippet):
    out = snippet("signals/wakeup_fd.py")
    assert out.line("socket readable:") == (
        f"True; bytes [{int(signal.SIGUSR1)}, {int(signal.SIGUSR2)}] = ['SIGUSR1', 'SIGUSR2']")


def test_sigchld_wakes_the_parent_to_reap_every_child(snippet):
    out = snippet("signals/reap_children.py")
    assert out.line("reaped exit statuses") == "[1, 2, 3]; SIGCHLD wake-ups between 1 and 3: True"
    assert out.line("exited, not yet waited for: state") == "Z (zombie)"
    assert out.line("after waitpid: /proc entry exists:") == "False"
    assert out.line("with SIGCHLD ignored: waitpid raised") == (
        "ChildProcessError (No child processes)")
