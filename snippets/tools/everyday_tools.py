"""The everyday tools: subprocess.run for a program, a process pool for Python work."""

import concurrent.futures
import subprocess


def square(n):
    return n * n


if __name__ == "__main__":  # a pool may start workers that import this file
    done = subprocess.run(["tr", "a-z", "A-Z"], input="hello\n", capture_output=True,
                          text=True, check=True)
    print(f"subprocess.run: {done.stdout.strip()!r}, exit status {done.returncode}")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        print(f"ProcessPoolExecutor.map: {list(pool.map(square, range(6)))}")
