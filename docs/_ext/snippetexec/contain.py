"""Containment of a snippet run: a sandbox tied to the build's life, or a loud fallback.

With bubblewrap (``bwrap``), each run gets:

- its own PID namespace (``--unshare-pid --as-pid-1``), whose pid 1 is the run's init
  (``sandbox_init.py``); the snippet is pid 2, so default signal actions apply to it;
  ``--die-with-parent`` chains ``PR_SET_PDEATHSIG``: if the build dies, even by SIGKILL, bwrap dies,
  the init dies, and the kernel kills every process left in the namespace;
- a new session (``--new-session``): no controlling terminal; stdin is /dev/null;
- its own IPC and network namespaces (SysV IPC, POSIX queues, abstract Unix sockets, loopback);
- a root of its own that shows only what a snippet needs, read-only: /usr (and the /bin, /lib...
  links to it), a few files of /etc (``ETC``; not shadow, sudoers, ssh), the Python it runs
  (``interpreter()``: the real one, not the build's virtual environment, its site-packages
  hidden), the snippet's own folder and what its header ``uses``; a fresh /proc of the namespace
  (/proc/sys read-only) and a minimal /dev. The repository, its ``.git``, the snippet cache, HOME
  folders and /root are not there at all;
- its own /tmp, /dev/shm, HOME and working directory: tmpfs of ``FOLDER_SIZE`` each, which the
  init scans for leftovers when the snippet has ended and which vanish with the sandbox; /run
  (where the working directory and HOME are mounted) and /dev are read-only;
- the same user id as the build (no user switch: root stays root, with the capabilities of
  ``KEPT_CAPS`` only, in every set, bounding set included; a non-root build maps its own uid
  only, in a user namespace of its own, with no capability);
- an environment built from an allow-list (``ALLOWED_ENV``), not the build's;
- resource limits per process (``limits()``), and per run where a cgroup can be made (root): a
  process limit (``PROCESS_LIMIT``, pids controller) and a memory bound (``RUN_MEMORY``, memory
  controller, tmpfs pages included).

The init starts the snippet, reports its exit status as soon as it ends, gives what is left
``EXIT_GRACE`` seconds to exit, reports what is still there, kills it (``kill(-1)`` from pid 1
reaches the namespace only), reports the files left in the run's folders and exits with the
snippet's status. It is not dumpable: no process of the run can open its report pipe.

``mode()`` proves all this once per process: it starts a sandbox, reads the capability sets from
inside and tries to open the init's report pipe; a machine where either fails has no
containment. Where none of this works (no bwrap, no user namespaces, e.g. Read the Docs), the
runner falls back to the same init, as a child subreaper on the host, in a new session, and says
so. ``SNIPPET_CONTAIN=off`` forces the fallback, ``SNIPPET_CONTAIN=require`` (CI) makes it an error.
"""

from __future__ import annotations

import atexit
import dataclasses
import functools
import os
import resource
import shutil
import site
import subprocess
import sys
import threading
import time
from pathlib import Path

ENV_SWITCH = "SNIPPET_CONTAIN"  # "off": never contain; "require": fail if it is not possible
EXIT_GRACE = 2.0  # seconds a snippet's leftover processes get to exit on their own
LEFTOVERS_SHOWN = 20  # leftover processes named one by one; the rest are counted

# Limits per process (setrlimit): address space, size of any file written, CPU seconds (on top
# of the run's time limit); processes of the run (RLIMIT_NPROC in its user namespace, a pids
# cgroup for root). Per run: memory of all its processes and tmpfs pages (a memory cgroup, root
# only), and the size of each of its tmpfs folders.
MEMORY_LIMIT = 2 << 30
FILE_SIZE_LIMIT = 256 << 20
CPU_EXTRA = 10
PROCESS_LIMIT = 256
RUN_MEMORY = 2 << 30
FOLDER_SIZE = 256 << 20

# What a snippet gets of the build's environment: locale and terminal type, and PATH (its value
# with the build's virtual environment removed is rebuilt by the runner). Nothing else: no
# tokens, no proxies, no CI variables.
ALLOWED_ENV = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LC_NUMERIC",
               "LC_COLLATE", "LC_TIME", "TERM", "TZ", "USER", "LOGNAME")

# The capabilities root keeps in the sandbox, those an IPC snippet exercises on its own
# processes and files: owners and permissions, signals to another user, changing user,
# locking memory, System V IPC of another user, leases, low ports. Every other one is dropped
# from every set, the bounding set included (mounts, namespaces, ptrace, modules, raw devices,
# the clock, resource limits above the hard ones, network settings...).
KEPT_CAPS = {"CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_FOWNER": 3, "CAP_FSETID": 4,
             "CAP_KILL": 5, "CAP_SETGID": 6, "CAP_SETUID": 7, "CAP_NET_BIND_SERVICE": 10,
             "CAP_IPC_LOCK": 14, "CAP_IPC_OWNER": 15, "CAP_LEASE": 28}
KEPT_MASK = sum(1 << bit for bit in KEPT_CAPS.values())
CAP_SETPCAP = 8  # bwrap leaves it to the init, which needs it to drop the rest and drops it too
CAP_NAMES = ("CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP "
             "LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK "
             "IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT "
             "SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE "
             "AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND "
             "AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE").split()

REPORT_FD = 3  # the init's report pipe; closed for the snippet, whose first open gets fd 3 as usual
INIT = Path(__file__).with_name("sandbox_init.py")

# Where the run's folders appear inside the sandbox (the same for every run).
INSIDE = Path("/run/snippet")
# What of /etc a snippet sees: users and groups by name, the dynamic linker's cache, time zone,
# host names, and the links Debian's alternatives make (awk, editor...).
ETC = ("passwd", "group", "nsswitch.conf", "ld.so.cache", "ld.so.conf", "ld.so.conf.d",
       "localtime", "hostname", "hosts", "host.conf", "protocols", "services", "alternatives",
       "terminfo", "inputrc", "mime.types", "os-release", "bash.bashrc")
ROOT_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")  # /usr-merged systems: links


@dataclasses.dataclass(frozen=True)
class Mode:
    """How runs are made on this machine: contained (and how), or not (and why)."""

    contained: bool
    how: str  # "bubblewrap 0.8.0: own PID, IPC and network namespaces..." or why not
    caps: str = ""  # the capability sets a contained run was seen to have (from inside)


def _switch() -> str:
    return os.environ.get(ENV_SWITCH, "").strip().lower()


def required() -> bool:
    return _switch() in ("require", "required", "1", "yes")


def asked_off() -> bool:
    """True when the fallback was asked for (SNIPPET_CONTAIN=off), not forced by the machine."""
    return _switch() in ("off", "0", "no")


def interpreter() -> Path:
    """The Python that runs snippets: the real one behind the build's virtual environment, as
    a reader runs ``python3`` (the build's packages are not on its path)."""
    return Path(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))


# The probe: from inside a sandbox made as a run's is, the capability sets, and whether the
# init's report pipe can be opened (it must not).
_PROBE = """\
import os
status = dict(line.split(":\\t", 1) for line in open("/proc/self/status").read().splitlines()
              if line.startswith("Cap"))
print(" ".join(f"{k}={v.strip()}" for k, v in sorted(status.items())))
try:
    os.close(os.open("/proc/1/fd/3", os.O_WRONLY))
    print("report pipe: opened")
except OSError as exc:
    print("report pipe:", exc.strerror)
"""


@functools.cache
def mode() -> Mode:
    """Probe once per process: can a run be contained here, and is it, from inside?"""
    if asked_off():
        return Mode(False, f"{ENV_SWITCH}={os.environ[ENV_SWITCH]} turns containment off")
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return Mode(False, "bubblewrap (bwrap) is not installed")
    python = interpreter()
    try:
        r, w = os.pipe()
        try:
            probe = subprocess.run(
                [bwrap, *_options(_visible([python.parent])), "--chdir", "/",
                 *_init_command(REPORT_FD, 0, []), str(python), "-I", "-S", "-c", _PROBE],
                capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
                pass_fds=(w, REPORT_FD) if w != REPORT_FD else (w,),
                preexec_fn=lambda: w == REPORT_FD or os.dup2(w, REPORT_FD))
        finally:
            os.close(w)
            with os.fdopen(r, "rb") as file:
                report = file.read(65536).decode(errors="replace")
    except (OSError, subprocess.TimeoutExpired) as error:
        return Mode(False, f"bwrap cannot start: {error}")
    lines = probe.stdout.splitlines()
    if probe.returncode != 0 or len(lines) != 2:
        why = (probe.stderr or report or probe.stdout).strip().splitlines() or \
            [f"exit status {probe.returncode}"]
        return Mode(False, f"bwrap cannot make a sandbox here: {why[-1]}")
    caps = lines[0]
    found = {key: int(value, 16) for key, _, value in
             (item.partition("=") for item in caps.split())}
    extra = {key: value & ~KEPT_MASK for key, value in found.items() if value & ~KEPT_MASK}
    if len(found) < 5 or extra:
        names = sorted({CAP_NAMES[bit] for value in extra.values() for bit in range(64)
                        if value >> bit & 1 and bit < len(CAP_NAMES)})
        return Mode(False, f"capabilities were not dropped in the sandbox ({caps}): "
                           f"{', '.join(names) or 'unreadable'}")
    if lines[1] == "report pipe: opened":
        return Mode(False, "a process of the sandbox can open its init's report pipe")
    version = subprocess.run([bwrap, "--version"], capture_output=True, text=True).stdout.strip()
    kept = ", ".join(n[4:] for n, bit in KEPT_CAPS.items() if found.get("CapEff", 0) >> bit & 1)
    user = (f"root with {kept or 'no capability'} only (checked from inside)"
            if os.getuid() == 0 else
            f"uid {os.getuid()} in its own user namespace, no capability (checked from inside)")
    return Mode(True, f"{version or 'bubblewrap'}: own PID, IPC and network namespaces, a "
                      f"read-only root with the interpreter and the snippet's folder only, "
                      f"tmpfs /tmp, /dev/shm, home and working folder; {user}", caps)


def _options(binds: list[tuple[str, ...]]) -> list[str]:
    """bwrap's options for one run (without --chdir and the command)."""
    options = ["--unshare-pid", "--unshare-ipc", "--unshare-net", "--as-pid-1",
               "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr"]
    for name in ROOT_LINKS:
        path = Path("/") / name
        if path.is_symlink():
            options += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            options += ["--ro-bind", str(path), str(path)]
    for name in ETC:
        options += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for path in sorted(Path("/etc").glob("python3*")):
        options += ["--ro-bind-try", str(path), str(path)]
    options += ["--dev", "/dev", "--proc", "/proc",
                # Kernel settings (core_pattern, modprobe...) act outside the sandbox: read-only.
                "--ro-bind", "/proc/sys", "/proc/sys",
                "--ro-bind-try", "/proc/sysrq-trigger", "/proc/sysrq-trigger",
                "--size", str(FOLDER_SIZE), "--tmpfs", "/tmp",
                "--size", str(FOLDER_SIZE), "--tmpfs", "/dev/shm",
                "--size", str(FOLDER_SIZE), "--tmpfs", "/run"]
    for bind in binds:
        options += list(bind)
    # Once the run's folders are mounted there, /run and /dev are read-only (not what is
    # mounted in them: the working folder, HOME, /dev/shm, the devices): nothing is written
    # there that the init would not scan.
    options += ["--ro-bind", str(INIT), str(INSIDE / "init.py"), "--remount-ro", "/run",
                "--remount-ro", "/dev", "--remount-ro", "/"]
    if os.getuid() == 0:
        for bit, name in enumerate(CAP_NAMES):
            if not (KEPT_MASK | 1 << CAP_SETPCAP) >> bit & 1 and _in_bounding_set(bit):
                options += ["--cap-drop", f"CAP_{name}"]
    return options


@functools.cache
def _bounding_set() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("CapBnd:"):
                return int(line.split()[1], 16)
    except (OSError, ValueError):
        pass
    return 0


def _in_bounding_set(bit: int) -> bool:
    return bool(_bounding_set() >> bit & 1)


def _init_command(report_fd: int, steps: int, folders: list[str], contained: bool = True):
    """The init's command line, up to the snippet's command (which follows)."""
    init = INSIDE / "init.py" if contained else INIT
    caps = [f"caps={KEPT_MASK:x}"] if contained and os.getuid() == 0 else []
    return [str(interpreter()), "-I", "-S", str(init), str(report_fd), str(steps),
            str(PROCESS_LIMIT), *caps, *folders, "--"]


@dataclasses.dataclass
class Layout:
    """A run's folders: on the machine (``host``) and as the snippet sees them (``inside``).

    Contained, the working folder, HOME, /tmp and /dev/shm are tmpfs of the sandbox; on the
    machine there are only the observer's site folder and the events file, mounted alone.
    """

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

    def events(self, inside: bool = False) -> Path:
        """The events file (recorder/), written by every process of the run."""
        return (self.inside("events") if inside else self.host("events")) / "events.jsonl"

    def scanned(self) -> list[tuple[str, Path]]:
        """The run's folders whose content after the run is a leftover, with their labels."""
        folders = [("working directory", "cwd"), ("TMPDIR", "tmp")]
        if self.contained:
            folders += [("/dev/shm", "shm"), ("HOME", "home")]
        return [(label, self.inside(name)) for label, name in folders]


def environment(layout: Layout, extra: dict[str, str]) -> dict[str, str]:
    """The run's environment: the allow-list, then the run's own variables."""
    env = {k: v for k, v in os.environ.items() if k in ALLOWED_ENV}
    env.setdefault("PATH", os.defpath)
    env.update(HOME=str(layout.inside("home")), TMPDIR=str(layout.inside("tmp")))
    env.update(extra)
    return env


def command(layout: Layout, argv: list[str], visible: list[Path], report_fd: int) -> list[str]:
    """The command line that runs ``argv`` under the run's init: in a sandbox when
    ``layout.contained``, else the init alone (a subreaper on the host)."""
    steps = int(4 * EXIT_GRACE / 0.02)
    if not layout.contained:
        folders = [f"scan={label}={path}" for label, path in layout.scanned()]
        return [*_init_command(report_fd, steps, folders, contained=False), *argv]
    binds = [("--size", str(FOLDER_SIZE), "--tmpfs", str(layout.inside(name)))
             for name in ("cwd", "home")]
    binds.append(("--ro-bind", str(layout.host("site")), str(layout.inside("site"))))
    binds.append(("--bind", str(layout.events()), str(layout.events(inside=True))))
    binds += _visible(visible)
    folders = [f"scan={label}={path}" for label, path in layout.scanned()]
    for path in _mounted_under_scanned(visible):
        folders.append(f"mount={path}")
        folders += [f"made={parent}" for parent in path.parents
                    if parent != Path("/") and parent.parent != Path("/")]
    return [shutil.which("bwrap") or "bwrap", *_options(binds),
            "--chdir", str(layout.inside("cwd")), *_init_command(report_fd, steps, folders),
            *argv]


def _visible(paths: list[Path]) -> list[tuple[str, ...]]:
    """Read-only binds that show ``paths`` (files or folders) at their own place, with the
    interpreter's prefix (its site-packages hidden under empty tmpfs)."""
    python = interpreter()
    prefix = Path(os.path.realpath(sys.base_prefix))
    shown = [*paths]
    if not python.is_relative_to("/usr"):
        shown.append(prefix)
    binds, done = [], []
    for path in dict.fromkeys(Path(os.path.realpath(p)) for p in shown):
        if path.is_relative_to("/usr") or any(path.is_relative_to(d) for d in done):
            continue
        if path.is_dir():
            done.append(path)
        binds.append(("--ro-bind", str(path), str(path)))
    for packages in site.getsitepackages([str(prefix)]):
        if Path(packages).is_dir() and any(Path(packages).is_relative_to(d)
                                           for d in [*done, Path("/usr")]):
            binds.append(("--tmpfs", packages))
    return binds


def _mounted_under_scanned(paths: list[Path]) -> list[Path]:
    """Mount points the sandbox makes inside /tmp (a snippet kept in /tmp): not leftovers."""
    found = []
    for path in dict.fromkeys(Path(os.path.realpath(p)) for p in paths):
        if path.is_relative_to("/tmp") and path != Path("/tmp"):
            found.append(path)
    return found


# --- per-run bounds for root: a pids cgroup and a memory cgroup ------------------------------
# RLIMIT_NPROC does not bind root (the kernel exempts uid 0), and no rlimit bounds the memory of a
# whole run, so a root build puts each run in cgroups of its own: pids.max, and memory.max
# (cgroup v2) or memory.limit_in_bytes (v1), where the controllers can be written.

def _cgroup_parents() -> dict[str, Path]:
    """controller ("pids", "memory") -> the folder this process's cgroup has for it."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return {}
    found = {}
    for line in lines:
        _id, controllers, path = line.split(":", 2)
        for name in ("pids", "memory"):
            if name in controllers.split(","):
                found[name] = Path("/sys/fs/cgroup") / name / path.lstrip("/")
    for line in lines:
        if line.startswith("0::"):
            base = Path("/sys/fs/cgroup") / line[3:].lstrip("/")
            try:
                enabled = (base / "cgroup.subtree_control").read_text().split()
            except OSError:
                continue
            for name in ("pids", "memory"):
                if name in enabled and name not in found:
                    found[name] = base
    return found


_LIMIT_FILES = {"pids": [("pids.max", PROCESS_LIMIT)],
                "memory": [("memory.max", RUN_MEMORY), ("memory.swap.max", 0)]}
_LIMIT_FILES_V1 = {"pids": [("pids.max", PROCESS_LIMIT)],
                   # RAM, then RAM and swap together: swap must not take what RAM may not
                   "memory": [("memory.limit_in_bytes", RUN_MEMORY),
                              ("memory.memsw.limit_in_bytes", RUN_MEMORY)]}
_OPTIONAL_LIMITS = ("memory.swap.max", "memory.memsw.limit_in_bytes")  # no swap accounting


class ProcessGroup:
    """The cgroups of one run (``paths``: empty where none can be made)."""

    def __init__(self, name: str):
        self.paths: list[Path] = []
        self.controllers: list[str] = []
        self.procs: list[str] = []
        if os.getuid() != 0 or not mode().contained:
            return
        for controller, parent in _cgroup_parents().items():
            path = parent / name
            if path in self.paths:  # cgroup v2: one folder for both controllers
                self.controllers.append(controller)
                continue
            try:
                path.mkdir()
            except OSError:
                continue
            try:
                v1 = not (parent / "cgroup.controllers").exists()
                for file, value in (_LIMIT_FILES_V1 if v1 else _LIMIT_FILES).get(controller, []):
                    try:
                        (path / file).write_text(str(value))
                    except OSError:
                        if file not in _OPTIONAL_LIMITS:  # without swap accounting, RAM
                            raise
                self.paths.append(path)
                self.controllers.append(controller)
            except OSError:
                self.remove(path)
        self.procs = [os.fspath(path / "cgroup.procs") for path in self.paths]

    @property
    def path(self) -> Path | None:
        return self.paths[0] if self.paths else None

    def join(self) -> None:
        """In the child before exec (preexec_fn): move into the cgroups, with all it will start."""
        for procs in self.procs:
            fd = os.open(procs, os.O_WRONLY)
            try:
                os.write(fd, str(os.getpid()).encode())
            finally:
                os.close(fd)

    def out_of_memory(self) -> bool:
        """Whether the memory bound killed a process of the run."""
        for path in self.paths:
            for file, word in (("memory.events", "oom_kill"), ("memory.oom_control", "oom_kill")):
                try:
                    for line in (path / file).read_text().splitlines():
                        key, _, value = line.partition(" ")
                        if key == word and int(value) > 0:
                            return True
                except (OSError, ValueError):
                    continue
            try:
                if int((path / "memory.failcnt").read_text()) > 0:
                    return True
            except (OSError, ValueError):
                pass
        return False

    def describe(self) -> str:
        parts = []
        if "pids" in self.controllers:
            parts.append(f"{PROCESS_LIMIT} processes")
        if "memory" in self.controllers:
            parts.append(f"{RUN_MEMORY >> 30} GiB of memory in all")
        return ", ".join(parts)

    def remove(self, path: Path | None = None) -> None:
        """Remove the cgroups once empty; the processes of a killed namespace take a moment to
        go, so a busy one is removed later (next run, or when the build exits), not waited for."""
        with _STALE_LOCK:
            _STALE.extend([path] if path is not None else self.paths)
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


def hold_report_fd() -> None:
    """Keep REPORT_FD open in this process (on /dev/null, close-on-exec).

    The child of a run gets the init's report pipe at REPORT_FD, which Popen must find open when
    it forks. In a build whose threads open and close files all the time, a free low descriptor
    comes and goes; held here, it stays.
    """
    try:
        os.fstat(REPORT_FD)
    except OSError:
        fd = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
        if fd != REPORT_FD:
            os.dup2(fd, REPORT_FD, inheritable=False)
            os.close(fd)


hold_report_fd()


def limits(timeout: float, report_fd: int | None = None, group: ProcessGroup | None = None):
    """A function for Popen's preexec_fn: the run's resource limits (inherited by all of it),
    and the init's report pipe moved to REPORT_FD."""
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
    """The bounds of a run, as the runs page states them."""
    whole = (f"{RUN_MEMORY >> 30} GiB of memory in all (a memory cgroup)"
             if os.getuid() == 0 and mode().contained and "memory" in _cgroup_parents() else
             f"no bound on the memory of all its processes together but "
             f"{MEMORY_LIMIT >> 30} GiB each"
             + (f", {PROCESS_LIMIT} processes at most" if mode().contained else ""))
    folders = (f"; /tmp, /dev/shm, home and working folder {FOLDER_SIZE >> 20} MiB each"
               if mode().contained else "")
    processes = f", {PROCESS_LIMIT} processes" if mode().contained else ""
    return (f"memory {MEMORY_LIMIT >> 30} GiB per process, files {FILE_SIZE_LIMIT >> 20} MiB, "
            f"CPU {int(timeout) + CPU_EXTRA} s per process{processes}; {whole}{folders}")


def for_make() -> int:
    """``make html``: print the SNIPPET_CONTAIN value for the build, after saying, before anything
    runs, what a machine that cannot contain runs lacks and what to install. A switch the caller
    set is kept (``require`` fails here at once where runs cannot be contained); none set, and
    no containment possible: the build runs uncontained on purpose, said loudly."""
    found = mode()
    if _switch():
        if required() and not found.contained:
            print(f"make: {ENV_SWITCH}=require, but snippet runs cannot be contained here: "
                  f"{found.how}", file=sys.stderr)
            return 1
        print(os.environ[ENV_SWITCH])
        return 0
    if not found.contained:
        print(f"make: snippets will run WITHOUT containment: {found.how}.\n"
              "  Install bubblewrap to contain them (Debian/Ubuntu: apt-get install bubblewrap; "
              "Fedora: dnf install bubblewrap);\n  on Ubuntu 24.04 also allow user namespaces "
              "(sysctl kernel.apparmor_restrict_unprivileged_userns=0).\n"
              f"  Building uncontained ({ENV_SWITCH}=off); {ENV_SWITCH}=require refuses to.",
              file=sys.stderr)
        print("off")
    return 0


if __name__ == "__main__":  # python3 docs/_ext/snippetexec/contain.py: is containment possible?
    if sys.argv[1:] == ["--for-make"]:
        sys.exit(for_make())
    found = mode()
    print(("contained: " if found.contained else "NOT contained: ") + found.how)
    if found.caps:
        print(f"capability sets inside a run: {found.caps}")
    print(f"bounds of each run: {describe_limits(30)}")
    sys.exit(0 if found.contained or not required() else 1)
