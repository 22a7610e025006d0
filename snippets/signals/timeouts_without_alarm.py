"""Timeouts without SIGALRM: blocking calls take a timeout of their own."""

import os
import queue
import selectors
import subprocess
import sys
import threading
import time


def timed(what: str, wait) -> None:
    start = time.monotonic()
    result = wait()
    print(f"{what}: {result} after {time.monotonic() - start:.1f} s")


# A program that takes too long: subprocess kills it when the timeout expires.
def run_slow_program():
    try:
        slow = [sys.executable, "-c", "import time; time.sleep(60)"]
        subprocess.run(slow, timeout=0.5)
    except subprocess.TimeoutExpired as exc:
        return f"{type(exc).__name__}, the child was killed"


# A pipe that stays silent: a selector waits for it with a timeout.
def wait_for_a_silent_pipe():
    r, w = os.pipe()
    with selectors.DefaultSelector() as sel:
        sel.register(r, selectors.EVENT_READ)
        ready = sel.select(timeout=0.5)  # [] when the time is up
    os.close(r)
    os.close(w)
    return f"select() returned {ready}"


# Nobody answers: Event.wait and Queue.get take a timeout too, in any thread.
def wait_for_an_answer():
    results = []

    def worker():
        results.append(threading.Event().wait(timeout=0.5))  # False: the time is up
        try:
            queue.Queue().get(timeout=0.5)
        except queue.Empty:
            results.append("queue.Empty")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    return f"{results} in a worker thread"


timed("subprocess.run(timeout=0.5)", run_slow_program)
timed("selector.select(timeout=0.5)", wait_for_a_silent_pipe)
timed("Event.wait(timeout=0.5), then Queue.get(timeout=0.5)", wait_for_an_answer)
