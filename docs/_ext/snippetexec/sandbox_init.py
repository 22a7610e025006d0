"""The init of a snippet run: starts the snippet, reports how it ended, removes what it left.

Run by contain.py as ``python3 -I -S sandbox_init.py REPORT_FD STEPS NPROC [FOLDER...] -- COMMAND``:

- contained, it is pid 1 of the run's PID namespace; in the fallback (no sandbox), a
  child subreaper (``PR_SET_CHILD_SUBREAPER``), so that a daemon that double-forks, drops its
  environment and closes its descriptors still becomes its child and is found;
- it makes itself non-dumpable (``PR_SET_DUMPABLE`` 0) before it starts the snippet: without
  CAP_SYS_PTRACE, no process of the run can then open ``/proc/<init>/fd/*``, read its memory or
  ptrace it, so the report pipe can be written by the init alone;
- it writes to REPORT_FD: ``exit N`` (Popen's convention: -n for signal n) as soon as the snippet
  ends; after at most STEPS steps of 20 ms of grace (SIGUSR1 ends the grace early), ``left PID
  CMDLINE`` for each process still there (first 20), ``more N``, then ``file LABEL PATH`` for what
  is left in the run's folders, ``files LABEL N`` for the rest, ``full LABEL`` for a folder with no
  space left, and ``end`` (a command line, a label or a path is one line whatever it holds:
  ``escaped``); it kills what is left and exits with the snippet's status (128+n for a signal),
  which the runner reads from the process it waited for and compares with the report.

Each FOLDER is ``scan=LABEL=PATH`` (a run's folder whose content is a leftover), ``made=PATH`` (a
folder the sandbox made for a mount: entered, not reported) or ``mount=PATH`` (a mount point:
neither entered nor reported). Standard library only; silent on the output pipe.
"""

from __future__ import annotations

# _signal, the C module signal wraps: importing signal would cost every run ~4 ms (enum...).
import _signal as signal
import ctypes
import os
import sys
import time

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
SHOWN = 20  # processes and files named one by one; the rest are counted
SCANNED = 10_000  # directory entries a leftover scan reads at most
DEPTH = 16  # levels of folders a leftover scan enters
# Signals the snippet may send its parent: caught (not ignored, so that the snippet, started
# after fork and exec, begins with every signal at its default action). SIGUSR1 ends the grace.
CAUGHT = ("SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR2", "SIGALRM", "SIGTSTP", "SIGTTIN",
          "SIGTTOU", "SIGPIPE", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF")

over = False
ORPHANED = signal.SIGRTMIN + 3  # the fallback's init: its parent, the build, has died


class Orphaned(Exception):
    """The build died (even by SIGKILL): what the run started is killed now."""


def end_grace(_signum, _frame) -> None:
    global over
    over = True


def orphaned(_signum, _frame) -> None:
    # Sent at each reparenting: first to another thread of the dying build, then to init.
    signal.signal(ORPHANED, signal.SIG_IGN)
    raise Orphaned


def prctl(option: int, value: int) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def keep_only(kept: int) -> str:
    """Reduce every capability set of this process (bounding, ambient, inheritable, permitted,
    effective) to ``kept``: what its children get after exec is then ``kept`` at most. "" if
    done, else what failed. Needs CAP_SETPCAP (unless ``kept`` holds every capability)."""
    libc = ctypes.CDLL(None, use_errno=True)
    with open("/proc/sys/kernel/cap_last_cap") as file:
        last = int(file.read())
    for cap in range(last + 1):  # dropping CAP_SETPCAP from the bounding set keeps it effective
        if not kept >> cap & 1 and libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            return f"PR_CAPBSET_DROP {cap}: {os.strerror(ctypes.get_errno())}"
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header, data = _Header(_LINUX_CAPABILITY_VERSION_3, 0), (_Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        return f"capget: {os.strerror(ctypes.get_errno())}"
    for word in (0, 1):
        mask = kept >> (32 * word) & 0xFFFFFFFF
        data[word].effective &= mask
        data[word].permitted &= mask
        data[word].inheritable &= mask
    if libc.capset(ctypes.byref(header), data) != 0:
        return f"capset: {os.strerror(ctypes.get_errno())}"
    return ""


# Control characters (C0 but tab, DEL, C1) as \\xNN: a name or a command line written to the
# report is one line, with nothing a terminal or a page would act on.
_CONTROL = {c: f"\\x{c:02x}" for c in [*range(32), *range(127, 160)] if c != 9}


def escaped(name: str | bytes) -> str:
    """``name`` (a path as os.scandir gives it, or raw bytes) on one printable line: bytes that
    are not UTF-8 (and lone surrogates) and control characters written as \\xNN."""
    raw = name if isinstance(name, bytes) else os.fsencode(name)
    return raw.decode("utf-8", "backslashreplace").translate(_CONTROL)


def state_and_parent(pid: str) -> tuple[str, int]:
    """A process's state letter and parent pid, ("", 0) if it has gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            fields = file.read().rsplit(b")", 1)[1].split()
        return fields[0].decode(), int(fields[1])
    except (OSError, IndexError, ValueError):
        return "", 0


def scan(alone: bool) -> tuple[list[int], bool]:
    """Live processes of the run but this one (the namespace's, or the subreaper's descendants),
    and whether the scan met a zombie among them: a process that has just ended may have forked
    after /proc was listed, so a scan that met one proves nothing is left."""
    me = os.getpid()
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != me:
            state, parent = state_and_parent(name)
            if state:
                table[int(name)] = (state, parent)
    if alone:  # pid 1 of a namespace: every process there is the run's
        tree = sorted(table)
    else:  # through zombies too: a daemon's parent may end while the scan reads its child
        tree, level = [], {me}
        while level:
            level = {pid for pid, (_, parent) in table.items()
                     if parent in level and pid not in tree}
            tree += sorted(level)
    live = [pid for pid in tree if table[pid][0] != "Z"]
    return live, len(live) < len(tree)


def others(alone: bool) -> list[int]:
    return scan(alone)[0]


def reap() -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def freeze_and_kill(alone: bool, report) -> None:
    """Stop what is left (a forking loop stays where it is), name it, then kill it."""
    if alone:
        signal_all(signal.SIGSTOP)
        found = others(alone)
    else:
        found, seen = [], set()
        for _ in range(100):  # until a pass finds nothing new: a stopped process forks no more
            new = [pid for pid in others(alone) if pid not in seen]
            if not new:
                break
            for pid in new:
                send(pid, signal.SIGSTOP)
            seen.update(new)
            found += new
    for pid in found[:SHOWN]:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as file:
                cmd = file.read(4096).replace(b"\0", b" ").strip()
        except OSError:
            continue
        if cmd:  # empty: it has just exited
            report(f"left {pid} {escaped(cmd)}")
    if len(found) > SHOWN:
        report(f"more {len(found) - SHOWN}")
    if alone:
        signal_all(signal.SIGKILL)
    else:
        for pid in found:
            send(pid, signal.SIGKILL)


def signal_all(sig: int) -> None:
    try:
        os.kill(-1, sig)  # from pid 1: every process of the namespace but itself
    except ProcessLookupError:
        pass


def send(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def leftover_files(label: str, top: str, made: set[str], mounts: set[str], report) -> None:
    """Name what is in ``top``: no recursion, no link followed, at most SCANNED entries, and
    DEPTH levels (a deeper tree is named by its top)."""
    found, stack, seen = [], [(top, 0)], 0
    while stack and seen < SCANNED:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    seen += 1
                    if entry.path in mounts:
                        continue
                    if entry.path not in made:
                        found.append(os.path.relpath(entry.path, top))
                    if depth < DEPTH and entry.is_dir(follow_symlinks=False):
                        stack.append((entry.path, depth + 1))
                    if seen >= SCANNED:
                        break
        except OSError:  # unreadable: its parent is reported
            continue
    for path in sorted(found)[:SHOWN]:
        report(f"file {escaped(label)} {escaped(path)}")
    if seen >= SCANNED:
        report(f"files {escaped(label)} at least {len(found) - SHOWN}")
    elif len(found) > SHOWN:
        report(f"files {escaped(label)} {len(found) - SHOWN}")
    try:
        if os.statvfs(top).f_bavail == 0:
            report(f"full {escaped(label)}")
    except OSError:
        pass


def main(argv: list[str]) -> int:
    fd, steps, nproc = int(argv[0]), int(argv[1]), int(argv[2])
    split = argv.index("--")
    folders = [item.split("=", 2) for item in argv[3:split] if item.startswith("scan=")]
    made = {item[5:] for item in argv[3:split] if item.startswith("made=")}
    mounts = {item[6:] for item in argv[3:split] if item.startswith("mount=")}
    caps = [int(item[5:], 16) for item in argv[3:split] if item.startswith("caps=")]
    command = argv[split + 1:]
    alone = os.getpid() == 1
    failed = keep_only(caps[0]) if caps else ""
    if failed:
        os.write(fd, f"error cannot drop capabilities: {failed}\n".encode())
        return 125
    if not prctl(PR_SET_DUMPABLE, 0):
        os.write(fd, b"error cannot make the init non-dumpable\n")
        return 125
    if not alone:  # the fallback: no namespace dies with the build, so the init watches it
        prctl(PR_SET_CHILD_SUBREAPER, 1)
        signal.signal(ORPHANED, orphaned)
        prctl(PR_SET_PDEATHSIG, ORPHANED)
        if os.getppid() == 1:  # the build died before the line above
            return 1
    if alone:  # in a namespace of its own: on the host, RLIMIT_NPROC counts all the user's
        try:
            import resource
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        except (ValueError, OSError):
            pass
    for name in CAUGHT:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: None)
    signal.signal(signal.SIGUSR1, end_grace)
    os.set_inheritable(fd, False)

    def report(line: str) -> None:
        try:
            os.write(fd, line.encode("utf-8", "backslashreplace") + b"\n")
        except OSError:  # the build is gone: nobody reads the report
            pass

    try:
        return supervise(fd, steps, folders, made, mounts, command, alone, report)
    except Orphaned:
        freeze_and_kill(alone, report)
        return 1


def supervise(fd, steps, folders, made, mounts, command, alone, report) -> int:
    """Start the snippet, report its end, wait out the grace, remove what is left."""

    child = os.fork()
    if child == 0:  # the snippet: report pipe closed, signals at their defaults after exec
        try:
            os.close(fd)
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    null = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(null, target)
    os.close(null)
    while True:
        try:
            _pid, status = os.waitpid(child, 0)
            break
        except ChildProcessError:
            status = 127 << 8
            break
    code = os.waitstatus_to_exitcode(status)
    report(f"exit {code}")
    left, settling = scan(alone)
    for _ in range(steps):
        if not (left or settling) or over:
            break
        time.sleep(0.02)
        reap()
        left, settling = scan(alone)
    # A process that forks and exits every millisecond can move to a new pid faster than a scan
    # reads /proc: from pid 1, kill(-1, 0) asks the kernel whether anything is left at all.
    if not left and alone:
        try:
            os.kill(-1, 0)
            left = [0]
        except ProcessLookupError:
            pass
    if left:
        freeze_and_kill(alone, report)
    reap()
    for _scan, label, path in folders:
        leftover_files(label, path, made, mounts, report)
    report("end")
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
