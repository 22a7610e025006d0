"""Pool and ProcessPoolExecutor: the work runs in other processes, results come back."""

import concurrent.futures
import multiprocessing
import os


def where(n):
    return n * n, os.getpid()


def fails(n):
    raise ValueError(f"bad input {n}")


if __name__ == "__main__":
    me = os.getpid()
    with multiprocessing.Pool(processes=2) as pool:
        results = pool.map(where, range(8), chunksize=2)  # 4 tasks of 2 items each
        pids = {pid for _, pid in results}
        print(f"Pool.map: {[square for square, _ in results]}")
        print(f"  ran in the pool's 2 processes at most, never in this one: "
              f"{len(pids) <= 2 and me not in pids}")
        try:
            pool.apply(fails, (3,))
        except ValueError as exc:  # raised in a worker, pickled, raised again here
            print(f"  Pool.apply: the worker's exception came back: ValueError: {exc}")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        future = pool.submit(where, 7)
        square, pid = future.result(timeout=30)
        print(f"ProcessPoolExecutor.submit: {square}, from another process: "
              f"{pid != me}")
        try:
            pool.submit(fails, 4).result(timeout=30)
        except ValueError as exc:
            print(f"  Future.result(): the worker's exception came back: "
                  f"ValueError: {exc}")
