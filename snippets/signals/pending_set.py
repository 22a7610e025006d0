"""The pending set, printed as a row of 31 bits: block, send, watch, ignore."""

import os
import signal

WATCHED = [signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1]


def row() -> str:
    pending = signal.sigpending()
    return "".join("1" if n in pending else "0" for n in range(1, 32))


print(f"{'':28}{'1234567890' * 3}1")
signal.pthread_sigmask(signal.SIG_BLOCK, WATCHED)
print(f"{'blocked, nothing sent:':28}{row()}")
for sig in WATCHED:
    os.kill(os.getpid(), sig)
    print(f"{'after ' + sig.name + ':':28}{row()}")
os.kill(os.getpid(), signal.SIGUSR1)
print(f"{'SIGUSR1 again:':28}{row()}")

# Setting a pending signal to "ignore" discards it at once, even though it is still
# blocked.
before = {sig: signal.signal(sig, signal.SIG_IGN) for sig in WATCHED}
print(f"{'ignored, still blocked:':28}{row()}")
still_blocked = set(WATCHED) <= signal.pthread_sigmask(signal.SIG_BLOCK, set())
print(f"still blocked: {still_blocked}")
signal.pthread_sigmask(signal.SIG_UNBLOCK, WATCHED)
for sig, handler in before.items():
    signal.signal(sig, handler)

# sigpending() is a set: a real-time signal queued twice shows once.
RT = signal.SIGRTMIN
signal.pthread_sigmask(signal.SIG_BLOCK, {RT})
os.kill(os.getpid(), RT)
os.kill(os.getpid(), RT)
print("SIGRTMIN sent twice, sigpending(): "
      f"{sorted(s.name for s in signal.sigpending())}")
queued = 0
while signal.sigtimedwait({RT}, 0) is not None:
    queued += 1
print(f"yet sigtimedwait() took it {queued} times")
signal.pthread_sigmask(signal.SIG_UNBLOCK, {RT})
