"""Containment of a snippet run: a sandbox tied to the build's life, or a loud fallback.

With bubblewrap (``bwrap``), each run gets:

- its own PID namespace (``--unshare-pid --as-pid-1``), whose pid 1 is a small shell init
  (``INIT`` below, not Python); the snippet is pid 2, so default signal actions apply to it;
  ``--die-with-parent`` chains ``PR_SET_PDEATHSIG``: if the build dies, even by SIGKILL, bwrap dies,
  the init dies, and the kernel kills every process left in the namespace;
- a new session (``--new-session``): no controlling terminal; stdin is /dev/null;
- its own IPC and network namespaces (SysV IPC, POSIX queues, abstract Unix sockets, loopback);
- a read-only view of the machine (``--ro-bind / /``): the repository, the virtual environment and
  the snippet cache cannot be written; /run (sockets of system daemons) is an empty tmpfs;
- its own /tmp and /dev/shm (folders of the run, inspected afterwards for leftovers), HOME and the
  working directory in the run's folder, and a fresh /proc showing the namespace only;
- the same user id as the build (no user switch: root stays root, with its usual capabilities
  minus those that would let it leave the sandbox; a non-root build maps its own uid only);
- an environment built from an allow-list (``ALLOWED_ENV``), not the build's.

The init starts the snippet, reports its exit status as soon as it ends, gives what is left in
the namespace ``EXIT_GRACE`` seconds to exit, reports what is still there (the first 20 and a
count), kills it (``kill -KILL -1`` from pid 1 reaches the namespace only) and exits.

Where none of this works (no bwrap, no user namespaces, e.g. Read the Docs), ``mode()`` says why
and the runner falls back to a plain child process in a new session. ``SNIPPET_CONTAIN=off``
forces the fallback, ``SNIPPET_CONTAIN=require`` (CI) makes it an error.
"""

from __future__ import annotations

import atexit
import dataclasses
import functools
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ENV_SWITCH = "SNIPPET_CONTAIN"  # "off": never contain; "require": fail if it is not possible
EXIT_GRACE = 2.0  # seconds a snippet's leftover processes get to exit on their own
LEFTOVERS_SHOWN = 20  # leftover processes named one by one; the rest are counted

# Limits per run (setrlimit): address space per process, size of any file written, CPU seconds
# per process (on top of the run's time limit), processes of the run (in its user namespace).
MEMORY_LIMIT = 2 << 30
FILE_SIZE_LIMIT = 256 << 20
CPU_EXTRA = 10
PROCESS_LIMIT = 256

# What a snippet gets of the build's environment: locale and terminal type, and PATH (its value
# with the build's virtual environment removed is rebuilt by the runner). Nothing else: no
# tokens, no proxies, no CI variables.
ALLOWED_ENV = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LC_NUMERIC",
               "LC_COLLATE", "LC_TIME", "TERM", "TZ", "USER", "LOGNAME")

# Capabilities root keeps in the sandbox: everything it has, except what would reach outside
# (mounts, namespaces, ptrace, raw devices, modules, open_by_handle_at, kernel settings).
# Those an IPC snippet exercises stay: CAP_KILL, CAP_SETUID/SETGID, CAP_DAC_OVERRIDE, CAP_FOWNER,
# CAP_IPC_OWNER, CAP_IPC_LOCK, CAP_SYS_RESOURCE, CAP_SYS_NICE, CAP_CHOWN...
DROPPED_CAPS = ("CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_MKNOD",
                "CAP_DAC_READ_SEARCH", "CAP_SYS_BOOT", "CAP_SYS_TIME", "CAP_NET_ADMIN",
                "CAP_BPF", "CAP_PERFMON", "CAP_SYSLOG", "CAP_MAC_ADMIN", "CAP_MAC_OVERRIDE",
                "CAP_AUDIT_CONTROL", "CAP_LINUX_IMMUTABLE", "CAP_SYS_CHROOT", "CAP_SETFCAP",
                "CAP_SETPCAP", "CAP_CHECKPOINT_RESTORE", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND")

REPORT_FD = 3  # the init's report pipe; closed for the snippet, whose first open gets fd 3 as usual

# Where the run's folders appear inside the sandbox (the same for every run).
INSIDE = Path("/run/snippet")
HIDDEN = (Path("/tmp"), Path("/dev"), Path("/run"), Path("/proc"))  # replaced in the sandbox

# The init: pid 1 of the run's namespace. Arguments: report fd, most 20 ms steps of grace (the
# runner ends the grace period with SIGUSR1 before), process limit, then the command. It writes
# "exit N" (shell encoding: 128+n for a signal) as soon as the snippet ends, then "left PID
# CMDLINE" lines, "more N", and "end". Silent on the output pipe.
INIT = r"""
fd=$1 steps=$2 nproc=$3; shift 3
ulimit -u "$nproc" 2>/dev/null || ulimit -p "$nproc" 2>/dev/null
# Signals the snippet sends its parent must not end the init (which would end the run): caught,
# so that the snippet (exec'd after fork) still starts with every signal at its default action.
# SIGUSR1, from the runner: the grace period is over.
over=0
trap : HUP INT QUIT TERM USR2 ALRM TSTP TTIN TTOU PIPE
trap over=1 USR1
eval "\"\$@\" $fd>&- &"
child=$!
exec >/dev/null 2>&1
while :; do
  wait "$child"
  status=$?
  kill -0 "$child" || break  # a signal to the init interrupted wait: the snippet still runs
done
echo "exit $status" >&"$fd"
others() {
  n=0 list=
  for d in /proc/[0-9]*; do
    p=${d#/proc/}
    [ "$p" = 1 ] && continue
    read -r st < "$d/stat" || continue
    st=${st##*) }
    [ "${st%% *}" = Z ] && continue
    n=$((n + 1))
    [ "$n" -le 20 ] && list="$list $p"
  done
}
others
i=0
while [ "$n" -gt 0 ] && [ "$over" = 0 ] && [ "$i" -lt "$steps" ]; do
  sleep 0.02
  i=$((i + 1))
  others
done
# A process that forks and exits every millisecond can move to a new pid faster than a scan
# reads /proc: kill -0 -1 asks the kernel whether anything is left at all; if so, freeze and look.
if [ "$n" = 0 ] && [ "$$" = 1 ] && kill -0 -1 2>/dev/null; then kill -STOP -1; others; fi
if [ "$n" -gt 0 ]; then
  # Freeze them first: a process that forks and exits every millisecond is gone before its name
  # is read, but a stopped one stays where it is until it is killed.
  if [ "$$" = 1 ]; then kill -STOP -1; others; fi  # kill fails if one exited meanwhile
  for p in $list; do
    cmd=$(tr '\0\n\r' '   ' < "/proc/$p/cmdline")
    [ -n "$cmd" ] && echo "left $p $cmd" >&"$fd"  # empty: it has just exited
  done
  [ "$n" -gt 20 ] && echo "more $((n - 20))" >&"$fd"
  [ "$$" = 1 ] && kill -KILL -1
fi
echo end >&"$fd"
"""


@dataclasses.dataclass(frozen=True)
class Mode:
    """How runs are made on this machine: contained (and how), or not (and why)."""

    contained: bool
    how: str  # "bubblewrap 0.8.0: own PID, IPC and network namespaces..." or why not


def _switch() -> str:
    return os.environ.get(ENV_SWITCH, "").strip().lower()


def required() -> bool:
    return _switch() in ("require", "required", "1", "yes")


@functools.cache
def mode() -> Mode:
    """Probe once per process: can a run be contained here?"""
    if _switch() in ("off", "0", "no"):
        return Mode(False, f"{ENV_SWITCH}={os.environ[ENV_SWITCH]} turns containment off")
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return Mode(False, "bubblewrap (bwrap) is not installed")
    try:
        probe = subprocess.run(
            [bwrap, *_options(Path("/"), Path("/"), []), "/bin/sh", "-c", "[ $$ = 1 ]"],
            capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Mode(False, f"bwrap cannot start: {error}")
    if probe.returncode != 0:
        why = (probe.stderr or probe.stdout).strip().splitlines() or [str(probe.returncode)]
        return Mode(False, f"bwrap cannot make a sandbox here: {why[-1]}")
    version = subprocess.run([bwrap, "--version"], capture_output=True, text=True).stdout.strip()
    user = "root, capabilities that reach outside dropped" if os.getuid() == 0 else \
        f"uid {os.getuid()} in its own user namespace"
    return Mode(True, f"{version or 'bubblewrap'}: own PID, IPC and network namespaces, "
                      f"read-only file system but for the run's /tmp, /dev/shm and home; {user}")


def _options(run_dir: Path, cwd_inside: Path, binds: list[tuple[str, Path, Path]]) -> list[str]:
    """bwrap's options for one run (without the command)."""
    options = ["--unshare-pid", "--unshare-ipc", "--unshare-net", "--as-pid-1",
               "--die-with-parent", "--new-session",
               "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
               # Kernel settings (core_pattern, modprobe...) act outside the sandbox: read-only.
               "--ro-bind", "/proc/sys", "/proc/sys",
               "--ro-bind-try", "/proc/sysrq-trigger", "/proc/sysrq-trigger",
               "--tmpfs", "/run"]
    for kind, source, target in binds:
        options += [kind, str(source), str(target)]
    if os.getuid() == 0:
        options += ["--cap-add", "ALL"]
        for cap in DROPPED_CAPS:
            options += ["--cap-drop", cap]
    options += ["--chdir", str(cwd_inside)]
    return options


@dataclasses.dataclass
class Layout:
    """A run's folders on the machine (``host``) and as the snippet sees them (``inside``)."""

    base: Path
    contained: bool

    def __post_init__(self):
        for name in ("cwd", "tmp", "shm", "home", "site", "events"):
            (self.base / name).mkdir()

    def host(self, name: str) -> Path:
        return self.base / name

    def inside(self, name: str) -> Path:
        """The path a process of the run uses for the run's folder or file ``name``."""
        if not self.contained:
            return self.base / name
        return {"tmp": Path("/tmp"), "shm": Path("/dev/shm")}.get(name, INSIDE / name)

    def leftover_folders(self) -> list[tuple[Path, str]]:
        """Folders whose content after the run was left behind, with the label reports use."""
        folders = [(self.host("cwd"), "working directory"), (self.host("tmp"), "TMPDIR")]
        if self.contained:
            folders += [(self.host("shm"), "/dev/shm"), (self.host("home"), "HOME")]
        return folders


def environment(layout: Layout, extra: dict[str, str]) -> dict[str, str]:
    """The run's environment: the allow-list, then the run's own variables."""
    env = {k: v for k, v in os.environ.items() if k in ALLOWED_ENV}
    env.setdefault("PATH", os.defpath)
    env.update(HOME=str(layout.inside("home")), TMPDIR=str(layout.inside("tmp")))
    env.update(extra)
    return env


def command(layout: Layout, argv: list[str], extra_visible: list[Path],
            report_fd: int) -> list[str]:
    """The command line that runs ``argv`` contained (``mode().contained`` must be true)."""
    binds = [("--bind", layout.host("tmp"), Path("/tmp")),
             ("--bind", layout.host("shm"), Path("/dev/shm"))]
    for name in ("cwd", "home", "events", "strace"):
        if layout.host(name).is_dir():
            binds.append(("--bind", layout.host(name), layout.inside(name)))
    binds.append(("--ro-bind", layout.host("site"), layout.inside("site")))
    for path in _hidden(extra_visible):  # what the sandbox would hide (under /tmp, /run...)
        binds.append(("--ro-bind", path, path))
    steps = str(int(4 * EXIT_GRACE / 0.02))
    return [shutil.which("bwrap") or "bwrap",
            *_options(layout.base, layout.inside("cwd"), binds),
            "/bin/sh", "-c", INIT, "snippet-init", str(report_fd), steps, str(PROCESS_LIMIT),
            *argv]


def _hidden(paths: list[Path]) -> list[Path]:
    """The paths (files, or folders below /tmp, /run...) that must be mounted to stay visible."""
    found = []
    for path in paths:
        if path.is_dir() and path in HIDDEN:
            continue  # a file right in /tmp: mounted alone (the caller lists it too)
        if any(path.is_relative_to(hidden) for hidden in HIDDEN) and path not in found:
            found.append(path)
    return found


def mount_points(layout: Layout, extra_visible: list[Path]) -> set[Path]:
    """Files and folders the sandbox made in the run's /tmp to mount hidden paths: not leftovers."""
    made = set()
    for path in _hidden(extra_visible):
        if path.is_relative_to("/tmp"):
            relative = path.relative_to("/tmp")
            for i in range(1, len(relative.parts) + 1):
                made.add(layout.host("tmp").joinpath(*relative.parts[:i]))
    return made


# --- the process limit for root: a pids cgroup ----------------------------------------------------
# RLIMIT_NPROC does not bind root (the kernel exempts uid 0), so a root build puts each run in a
# cgroup of its own with pids.max, where the pids controller can be written (cgroup v1 or v2).

def _pids_parent() -> Path | None:
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _id, controllers, path = line.split(":", 2)
        if "pids" in controllers.split(","):
            return Path("/sys/fs/cgroup/pids") / path.lstrip("/")
    for line in lines:
        if line.startswith("0::"):
            base = Path("/sys/fs/cgroup") / line[3:].lstrip("/")
            try:
                if "pids" in (base / "cgroup.subtree_control").read_text().split():
                    return base
            except OSError:
                return None
    return None


class ProcessGroup:
    """A pids cgroup for one run, or nothing (``path`` None) where none can be made."""

    def __init__(self, name: str):
        self.path: Path | None = None
        parent = _pids_parent() if os.getuid() == 0 and mode().contained else None
        if parent is None:
            return
        path = parent / name
        try:
            path.mkdir()
            (path / "pids.max").write_text(str(PROCESS_LIMIT))
            self.procs = os.fspath(path / "cgroup.procs")
            self.path = path
        except OSError:
            self.remove(path)

    def join(self) -> None:
        """In the child before exec (preexec_fn): move into the cgroup, with all it will start."""
        if self.path is not None:
            fd = os.open(self.procs, os.O_WRONLY)
            try:
                os.write(fd, str(os.getpid()).encode())
            finally:
                os.close(fd)

    def remove(self, path: Path | None = None) -> None:
        """Remove the cgroup once empty; the processes of a killed namespace take a moment to
        go, so a busy one is removed later (next run, or when the build exits), not waited for."""
        path = path or self.path
        with _STALE_LOCK:
            if path is not None:
                _STALE.append(path)
            _STALE[:] = [stale for stale in _STALE if not _removed(stale)]


_STALE: list[Path] = []  # cgroups of finished runs, still busy when last tried
_STALE_LOCK = threading.Lock()


def _removed(path: Path) -> bool:
    try:
        path.rmdir()
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True


@atexit.register
def _remove_stale() -> None:
    for _ in range(50):
        with _STALE_LOCK:
            _STALE[:] = [stale for stale in _STALE if not _removed(stale)]
            if not _STALE:
                return
        time.sleep(0.02)


def limits(timeout: float, report_fd: int | None = None, group: ProcessGroup | None = None):
    """A function for Popen's preexec_fn: the run's resource limits (inherited by all of it),
    and the init's report pipe moved to REPORT_FD (the shell reads one-digit fd numbers only)."""
    cpu = int(timeout) + CPU_EXTRA

    def apply() -> None:
        if group is not None:
            group.join()
        if report_fd is not None and report_fd != REPORT_FD:
            os.dup2(report_fd, REPORT_FD)
        for which, value in ((resource.RLIMIT_AS, MEMORY_LIMIT),
                             (resource.RLIMIT_FSIZE, FILE_SIZE_LIMIT),
                             (resource.RLIMIT_CPU, cpu)):
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, value))
    return apply


def describe_limits(timeout: float) -> str:
    return (f"memory {MEMORY_LIMIT >> 30} GiB per process, files {FILE_SIZE_LIMIT >> 20} MiB, "
            f"CPU {int(timeout) + CPU_EXTRA} s per process, {PROCESS_LIMIT} processes")


if __name__ == "__main__":  # python3 docs/_ext/snippetexec/contain.py: is containment possible?
    found = mode()
    print(("contained: " if found.contained else "NOT contained: ") + found.how)
    sys.exit(0 if found.contained or not required() else 1)
