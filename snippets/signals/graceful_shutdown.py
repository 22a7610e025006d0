"""A graceful shutdown: SIGTERM sets a flag, Ctrl+C raises, finally cleans up."""

import os
import signal
import subprocess
import sys
import time

stopping = False


def request_stop(signum, frame):
    global stopping
    stopping = True  # only set a flag: the main loop does the rest


def serve():
    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started ignored
    try:
        print("serving", flush=True)  # from here on, a signal ends in except or finally
        while not stopping:
            time.sleep(0.1)  # one unit of work
        print("the loop saw the flag and ended")
    except KeyboardInterrupt:
        print("KeyboardInterrupt ended the loop")
    finally:
        print("finally: cleanup ran")  # close files, remove temporary files...


if sys.argv[1:] == ["serve"]:
    serve()
    sys.exit(0)

# The demonstration: run the program above, stop it with SIGTERM, then with SIGINT.
for sig in (signal.SIGTERM, signal.SIGINT):
    child = subprocess.Popen([sys.executable, os.path.abspath(__file__), "serve"],
                             stdout=subprocess.PIPE, text=True)
    child.stdout.readline()  # "serving": its handlers are installed
    child.send_signal(sig)
    said = child.communicate(timeout=30)[0].splitlines()
    print(f"{sig.name}: {'; '.join(said)}; exit status {child.returncode}")
