"""Count to a million twice, formatting each number: once only counting, once
writing each number too. Printing costs far more than counting."""
# snippet: calls = python

import os

N = 1_000_000


def count(out: int | None) -> tuple[os.times_result, os.times_result]:
    before = os.times()
    for n in range(1, N + 1):
        line = f"{n}\n".encode()  # the same work both times...
        if out is not None:
            os.write(out, line)  # ...and one write() system call per number
    return before, os.times()


# To /dev/null, so that the figures do not depend on where this program's output goes.
devnull = os.open(os.devnull, os.O_WRONLY)
used = []
for label, out in (("counting only", None), ("printing each number", devnull)):
    before, after = count(out)
    real = after.elapsed - before.elapsed
    user = after.user - before.user
    system = after.system - before.system
    used.append(user + system)
    times = f"real {real:.2f} s, user {user:.2f} s, sys {system:.2f} s"
    print(f"{label}: {N} numbers; {times}")
os.close(devnull)
print(f"CPU time, printing each number / counting only: {used[1] / used[0]:.1f}")
