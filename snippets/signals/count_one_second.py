"""How far can you count in half a second? Printing costs far more than counting."""

import os
import time


def count(seconds: float, out: int | None) -> tuple[int, os.times_result,
                                                   os.times_result]:
    before = os.times()
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        if out is not None:
            os.write(out, f"{n}\n".encode())  # one write() system call per number
    return n, before, os.times()


# To /dev/null, so that the figures do not depend on where this program's output goes.
devnull = os.open(os.devnull, os.O_WRONLY)
reached = []
for label, out in (("counting only", None), ("printing each number", devnull)):
    n, before, after = count(0.5, out)
    reached.append(n)
    real = after.elapsed - before.elapsed
    user = after.user - before.user
    system = after.system - before.system
    times = f"real {real:.2f} s, user {user:.2f} s, sys {system:.2f} s"
    print(f"{label}: {n} numbers; {times}")
os.close(devnull)
print(f"counting only / printing each number: {reached[0] / reached[1]:.1f}")
