"""The signal table of the machine running this, built from the signal module at run time."""

import signal

# Default actions are not exposed by Python; these are signal(7)'s, for Linux.
DEFAULT_ACTION = {
    "SIGHUP": "Term", "SIGINT": "Term", "SIGQUIT": "Core", "SIGILL": "Core", "SIGTRAP": "Core",
    "SIGABRT": "Core", "SIGBUS": "Core", "SIGFPE": "Core", "SIGKILL": "Term", "SIGUSR1": "Term",
    "SIGSEGV": "Core", "SIGUSR2": "Term", "SIGPIPE": "Term", "SIGALRM": "Term", "SIGTERM": "Term",
    "SIGSTKFLT": "Term", "SIGCHLD": "Ign", "SIGCONT": "Cont", "SIGSTOP": "Stop", "SIGTSTP": "Stop",
    "SIGTTIN": "Stop", "SIGTTOU": "Stop", "SIGURG": "Ign", "SIGXCPU": "Core", "SIGXFSZ": "Core",
    "SIGVTALRM": "Term", "SIGPROF": "Term", "SIGWINCH": "Ign", "SIGIO": "Term", "SIGPWR": "Term",
    "SIGSYS": "Core",
}

valid = sorted(signal.valid_signals())
standard = [s for s in valid if s < signal.SIGRTMIN]
print(f"{'no.':>3}  {'name':10} {'action':6} description")
for number in standard:
    name = signal.Signals(number).name
    print(f"{number:3}  {name:10} {DEFAULT_ACTION.get(name, '?'):6} {signal.strsignal(number)}")

realtime = [s for s in valid if s >= signal.SIGRTMIN]
print(f"real-time: SIGRTMIN = {int(signal.SIGRTMIN)} to SIGRTMAX = {int(signal.SIGRTMAX)}, "
      f"{len(realtime)} signals, default action Term")
missing = sorted(set(range(1, int(signal.SIGRTMAX) + 1)) - set(valid))
print(f"numbers not usable here: {missing}; {len(valid)} valid signals in all")
