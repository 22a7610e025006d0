"""faulthandler prints the Python stack on a crash, on a signal or on a hang."""

import re
import signal
import subprocess
import sys

CRASH = """
import ctypes, faulthandler
ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: no core file from this demo
faulthandler.enable()  # or run python3 -X faulthandler
def crash():
    ctypes.string_at(0)  # C code reads address 0: SIGSEGV
crash()
"""
ON_SIGNAL = """
import faulthandler, signal, sys
faulthandler.register(signal.SIGUSR1)  # dump every thread's stack on SIGUSR1, go on
def wait_for_input():
    print("ready", flush=True)
    sys.stdin.read()
wait_for_input()
print("still running after the dump", flush=True)
"""
WATCHDOG = """
import faulthandler, time
faulthandler.dump_traceback_later(0.2, exit=True)  # stuck for 0.2 s? dump, then exit
def stuck():
    time.sleep(60)
stuck()
"""


def report(name: str, child: subprocess.Popen, stdout: str, stderr: str) -> None:
    said = "; ".join(stdout.splitlines()) or "nothing"
    print(f"{name}: exit status {child.returncode}; its stdout: {said}; its stderr:")
    for line in stderr.splitlines():
        if line.startswith(("Fatal", "Current", "Thread", "Timeout", '  File "<s')):
            # the thread's address (and name) change from run to run: left out
            print("  " + re.sub(r" 0x[0-9a-f]+( \[.*?\])?", "", line.strip()))


child = subprocess.Popen([sys.executable, "-c", CRASH], stderr=subprocess.PIPE,
                         text=True)
report("crash", child, "", child.communicate(timeout=30)[1])

child = subprocess.Popen([sys.executable, "-c", ON_SIGNAL], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
ready = child.stdout.readline()  # the handler is registered
child.send_signal(signal.SIGUSR1)
stdout, stderr = child.communicate("", timeout=30)  # then end its input
report("SIGUSR1", child, ready + stdout, stderr)

child = subprocess.Popen([sys.executable, "-c", WATCHDOG], stderr=subprocess.PIPE,
                         text=True)
report("watchdog", child, "", child.communicate(timeout=30)[1])
