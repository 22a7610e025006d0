"""fork, spawn and forkserver: what a child started each way finds."""

import multiprocessing
import os
import sys

LOADED_AS = __name__  # set again each time a process runs or imports this file
LOADED_IN = os.getpid()  # ...and by which process
settings = {"changed_after_start": False}


def report(results, parent_pid):
    results.put((LOADED_AS, LOADED_IN == os.getpid(), settings["changed_after_start"],
                 os.getppid() == parent_pid))


if __name__ == "__main__":
    print(f"python: {sys.version_info.major}.{sys.version_info.minor}")
    print(f"default start method: {multiprocessing.get_start_method()}")
    print(f"available: {', '.join(multiprocessing.get_all_start_methods())}")
    # A change made at run time, after the imports
    settings["changed_after_start"] = True
    for method in ("fork", "spawn", "forkserver"):
        ctx = multiprocessing.get_context(method)
        results = ctx.SimpleQueue()
        p = ctx.Process(target=report, args=(results, os.getpid()))
        p.start()
        loaded_as, own, sees_change, direct_child = results.get()
        p.join()
        results.close()
        print(f"{method + ':':11} ran as {loaded_as!r:14} loaded by the child itself: "
              f"{str(own) + ',':6} sees the change: {str(sees_change) + ',':6} "
              f"child of this process: {direct_child}")
        if method == "forkserver":
            print(f"this file preloaded by the fork server for its children: {not own}")
