"""Handle signals synchronously: keep them blocked and wait for them like for data."""

import os
import signal

# Before fork
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1, signal.SIGTERM})
pid = os.fork()
if pid == 0:
    try:
        os.kill(os.getppid(), signal.SIGUSR1)
        os.kill(os.getppid(), signal.SIGTERM)
    finally:
        os._exit(0)

print(f"sigwait: {signal.sigwait({signal.SIGUSR1, signal.SIGTERM}).name}")
info = signal.sigwaitinfo({signal.SIGUSR1, signal.SIGTERM})
print(f"sigwaitinfo: {signal.Signals(info.si_signo).name}, sent by our child: "
      f"{info.si_pid == pid}, si_code is SI_USER (sent by kill): {info.si_code == 0}")
print("sigtimedwait with nothing pending: "
      f"{signal.sigtimedwait({signal.SIGUSR1}, 0.1)}")
os.waitpid(pid, 0)
signal.pthread_sigmask(signal.SIG_SETMASK, set())
