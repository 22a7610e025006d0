"""The runs of one build, side by side: started while Sphinx reads the pages, awaited before it
writes them.

A snippet's run starts as soon as a page that shows it has been read (``Runs.start``), so the
runs, which mostly wait on pipes, timers and children, overlap Sphinx's own work on the pages.
``Runs.finish``, once every page is read, starts what no page read by this build asked for (a
runner changed, a failed run to try again), waits for every run, then runs the snippets that
measure (header ``# snippet: alone = yes``) one at a time, with nothing beside them. Ctrl+C,
SIGTERM or SIGHUP (the terminal closed) stops every run at once (runner.CANCEL), while pages are
read as while runs are awaited: no snippet keeps running and no temporary folder stays behind.
A second signal while the runs stop (a second or two) waits for them; one STOP_GRACE seconds
later ends the build there and then.

Several builds may share one cache at once (``make html`` builds the editions side by side):
``Claims`` makes sure each snippet is run by one of them only, and that a run that measures has
no other run beside it, in any of them.

Plain Python, no Sphinx import: messages go to the functions the caller gives (``say`` for the
log, ``uncontained`` to warn, before the first run, that runs are not contained).
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.thread  # registers its exit hook now, before ours (see the end)
import contextlib
import fcntl
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from . import calls, runner

SLOW_NOTICE = 10.0  # seconds after which a running snippet is named in the log
STOP_GRACE = 5.0  # seconds a stopping build waits for its runs, whatever signals come meanwhile
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
ALL_RUNS = "all-runs"  # the claim every run shares, and a run that measures holds alone


class Stopped(Exception):
    """The build was stopped (runner.CANCEL) while a run waited for its claim."""


class Busy(Exception):
    """Claimed by another build, which runs it now (``hold`` asked not to wait)."""


class Claims:
    """Who runs what, among the builds that share a cache folder: a file per cache key in
    ``folder`` (beside the cache), locked (flock) from before a run starts until its result is
    stored, and the file ALL_RUNS, locked shared by every run and exclusively by a run that
    measures. A lock goes with the process that holds it: a killed build leaves none behind."""

    def __init__(self, folder: Path):
        self.folder = folder

    @contextlib.contextmanager
    def hold(self, name: str, exclusive: bool = True, wait: bool = True) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder / name, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW,
                     0o600)
        try:
            how = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
            while True:
                try:
                    fcntl.flock(fd, how)
                    break
                except BlockingIOError:
                    if not wait:
                        raise Busy(name) from None
                    if runner.CANCEL.wait(0.05):  # held by another build: wait, unless stopped
                        raise Stopped(f"stopped while waiting for {name}") from None
            yield
        finally:
            os.close(fd)  # and with it the lock


class Runs:
    """The runs of one build. ``results``: sphinx_ext.Results. The workers read and write only its
    files on disk (``stored``, ``store``, under the snippet's claim); what it keeps in memory is
    touched from the caller's thread only (``ok`` in ``start``, ``put`` as ``finish`` collects
    the runs)."""

    def __init__(self, results, jobs: int, say: Callable[[str], None],
                 uncontained: Callable[[], None]):
        self.results, self.jobs, self.say, self.uncontained = results, jobs, say, uncontained
        self.pool: concurrent.futures.ThreadPoolExecutor | None = None
        self.futures: dict[concurrent.futures.Future, str] = {}  # future -> cache key
        self.snippets: dict[str, runner.Snippet] = {}  # key -> snippet, every run started
        self.alone: list[str] = []  # keys of the snippets that measure, run last
        self.running: dict[str, float] = {}  # key -> when its run began, while it runs
        self.lock = threading.Lock()
        self.previous_signals: dict[int, object] = {}  # STOP_SIGNALS' actions, as they were
        # Beside the cache, not in it: the cache holds results only
        self.claims = Claims(results.cache_dir.with_name(results.cache_dir.name + "-claims"))
        self.done = self.failed = 0
        self.noticed: set[str] = set()

    def start(self, key: str, snippet: runner.Snippet) -> None:
        """Run ``snippet`` now, unless it has a good result, its run is under way or it measures
        (then it waits for ``finish``)."""
        if not key or key in self.snippets or self.results.ok(key):
            return
        self.snippets[key] = snippet
        if snippet.setting("alone", "no") == "yes":
            self.alone.append(key)
            return
        self._open()
        self.futures[self._submit(key, snippet)] = key

    def finish(self, wanted: dict[str, runner.Snippet]) -> None:
        """Start what ``wanted`` (key -> snippet) holds that has not started, the longest time
        limits first; wait for every run; then run the ones that measure, one by one."""
        for key in sorted(wanted, key=lambda k: (-wanted[k].timeout, wanted[k].name)):
            self.start(key, wanted[key])
        total = len(self.snippets)
        if not total:
            return
        begin = time.monotonic()
        try:
            self._wait(set(self.futures), total, begin)
            for key in sorted(self.alone, key=lambda k: self.snippets[k].name):
                self._open()
                future = self._submit(key, self.snippets[key])
                self.futures[future] = key
                self._wait({future}, total, begin)
        except BaseException:
            stop_runs()  # every run kills its sandbox and returns within a second
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            self.close()

    def close(self) -> None:
        """Wait for the workers to end and give STOP_SIGNALS back their previous actions (unless
        the build is stopping: then stop_runs has them)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None
        for signum, previous in self.previous_signals.items():
            if _stopping_since is None:
                signal.signal(signum, previous)
        self.previous_signals = {}

    # --- inside -------------------------------------------------------------------------------

    def _open(self) -> None:
        """The pool, made with the first run; what the log says before any snippet runs."""
        if self.pool is not None:
            return
        notice = containment_notice()
        if notice and runner.contain.required():
            raise RuntimeError(f"{runner.contain.ENV_SWITCH}=require, but {notice}")
        if notice:
            self.uncontained()
        else:
            self.say(f"contained: {runner.contain.mode().how}")
        self.say("bounds of each run: " + runner.contain.describe_limits(runner.DEFAULT_TIMEOUT))
        self.say(f"running snippets on {self.jobs} worker(s), as the pages are read")
        runner.CANCEL.clear()
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                self.previous_signals[signum] = signal.signal(signum, _interrupt)
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=self.jobs,
                                                          thread_name_prefix="snippet-run")

    def _submit(self, key: str, snippet: runner.Snippet,
                wait: bool = False) -> concurrent.futures.Future:
        return self.pool.submit(self._one, key, snippet, wait)

    def _one(self, key: str, snippet: runner.Snippet,
             wait: bool = False) -> tuple[runner.Run | None, bool]:
        """The run of ``snippet``, and whether this build made it (False: another build that
        shares the cache had run it). (None, False): another build is running it now, and this
        one was not to ``wait`` for it; ``_wait`` asks again once the rest is under way."""
        alone = snippet.setting("alone", "no") == "yes"
        try:
            with self.claims.hold(key, wait=wait or alone):
                earlier = self.results.stored(key)
                if earlier is not None:
                    return earlier, False
                with self.claims.hold(ALL_RUNS, exclusive=alone):
                    with self.lock:
                        self.running[key] = time.monotonic()
                    try:
                        run = self._run_and_trace(snippet)
                    finally:
                        with self.lock:
                            del self.running[key]
                self.results.store(key, run)  # before the claim is let go
                return run, True
        except Busy:
            return None, False

    def _run_and_trace(self, snippet: runner.Snippet) -> runner.Run:
        """The run a page shows, with its "Calls made" panel from a traced run of the snippet.

        Contained, the traced run goes beside the other (no run can meet another there: each
        has its own namespaces), and is stopped at the limit it would have had after it: a
        long snippet's two runs then end together, not one after the other at the end of the
        build, when the cores would be idle. Uncontained, two runs of one snippet could meet
        (a socket path, a System V key): the traced run follows the other."""
        if not self.results.with_calls:
            return runner.run(snippet)
        if (calls.no_trace(snippet) or calls.one_run(snippet)
                or not runner.contain.mode().contained):
            return calls.page_run(snippet)
        over = threading.Event()
        traced: list[runner.Run] = []
        tracer = threading.Thread(target=lambda: traced.append(runner.run(
            snippet, trace=True, cancel=_Either(over, runner.CANCEL))), name="snippet-trace")
        began = time.monotonic()
        tracer.start()
        try:
            run = runner.run(snippet)
            if run.ok:  # else no panel: the trace is stopped at once
                tracer.join(max(0.0, began + calls.trace_limit(snippet, run) - time.monotonic()))
        finally:
            over.set()
            tracer.join()
        if traced and traced[0].stopped == "cancelled" and not runner.CANCEL.is_set():
            traced[0].timed_out = True  # stopped at its limit (calls.trace_limit)
        calls.record(snippet, run, traced[0] if traced else None)
        return run

    def _wait(self, pending: set, total: int, begin: float) -> None:
        next_report = (self.done / total // 0.25 + 1) * 0.25
        while pending:
            finished, pending = concurrent.futures.wait(pending, timeout=1.0)
            for future in finished:
                run, ran = future.result()
                key = self.futures[future]
                if run is None:  # the other build runs it: wait for it, after the others
                    again = self._submit(key, self.snippets[key], wait=True)
                    self.futures[again] = key
                    pending.add(again)
                    continue
                self.results.put(key, run, ran=ran, stored=True)
                self.done += 1
                self.failed += not run.ok
            if self.done / total >= next_report or not pending:
                self.say(f"snippets: {self.done}/{total} done, {self.failed} failed "
                         f"({time.monotonic() - begin:.1f} s)")
                while next_report <= self.done / total:
                    next_report += 0.25
            with self.lock:
                slow = [(k, time.monotonic() - t) for k, t in self.running.items()
                        if time.monotonic() - t > SLOW_NOTICE and k not in self.noticed]
            for key, seconds in slow:
                self.noticed.add(key)
                self.say(f"snippets: snippets/{self.snippets[key].name} still running after "
                         f"{seconds:.0f} s (limit {self.snippets[key].timeout:g} s)")


class _Either:
    """Set when either event is: the traced run stops at its limit or when the build stops."""

    def __init__(self, *events: threading.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)


def containment_notice() -> str:
    """"" if runs are contained here, else a loud line saying why not."""
    how = runner.contain.mode()
    if how.contained:
        return ""
    return (f"WARNING: snippets run WITHOUT containment ({how.how}): a snippet can reach the "
            "build, its cache and this machine. Install bubblewrap (bwrap) to contain them.")


def _interrupt(signum, frame):
    """Ctrl+C, SIGTERM, SIGHUP while runs are under way: stop them, then the build."""
    stop_runs()
    raise KeyboardInterrupt(f"stopped by {runner.signal_name(signum)}")


_stopping_since: float | None = None  # when stop_runs was first called (main thread)


def stop_runs() -> None:
    """Stop every run now (runner.CANCEL). From the main thread, a signal that comes before
    STOP_GRACE seconds have passed no longer interrupts it: an exception there would abandon
    the workers while they remove their runs' folders (a second Ctrl+C left some in /tmp)."""
    global _stopping_since
    runner.CANCEL.set()
    if _stopping_since is not None or threading.current_thread() is not threading.main_thread():
        return
    _stopping_since = time.monotonic()
    for signum in STOP_SIGNALS:
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signum, _while_stopping)


def _while_stopping(signum, frame) -> None:
    if time.monotonic() < (_stopping_since or 0) + STOP_GRACE:
        return  # the runs end within a second or two: waited for
    signal.signal(signum, signal.SIG_DFL)  # still not over: this one ends the build now
    os.kill(os.getpid(), signum)


def _cancel_at_exit() -> None:
    """At interpreter exit, before the pool's workers are joined: a build stopped while it read
    its pages (Sphinx returns, the workers are still running) stops its runs now."""
    if any(thread.name.startswith("snippet-run") for thread in threading.enumerate()):
        stop_runs()
    else:
        runner.CANCEL.set()


# Called in the reverse order of registration, so before concurrent.futures joins its workers
# (its thread module registers when imported, above; concurrent.futures alone imports it only
# when ThreadPoolExecutor is first named). Private, but the only hook that runs early enough.
threading._register_atexit(_cancel_at_exit)
