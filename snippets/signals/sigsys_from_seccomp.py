"""SIGSYS: a seccomp filter makes getppid() trap, and the kernel kills the caller."""

import ctypes
import errno
import os
import platform
import signal
import sys

PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_TRAP = 0x00030000  # the call is not made; the kernel sends SIGSYS instead
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000  # the call is not made; it fails with the errno below
X32_SYSCALL_BIT = 0x40000000  # x32 calls: x86-64's arch value, numbers from this bit up
# The audit architecture the filter checks, and getppid()'s number on it.
ARCHES = {"x86_64": (0xC000003E, 110), "aarch64": (0xC00000B7, 173)}
# Classic BPF opcodes: load a 32-bit word of seccomp_data, compare and jump, return.
LD_W_ABS, JEQ_K, JGE_K, RET_K = 0x20, 0x15, 0x35, 0x06


class SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte),
                ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint32)]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]


machine = platform.machine()
if machine not in ARCHES or sys.maxsize < 2**32:
    print(f"This example needs the system call numbers of 64-bit x86_64 or aarch64, "
          f"not {machine}: it cannot show SIGSYS here")
    sys.exit(0)
arch, getppid_nr = ARCHES[machine]

program = (SockFilter * 8)(
    SockFilter(LD_W_ABS, 0, 0, 4),            # 0: A = seccomp_data.arch
    SockFilter(JEQ_K, 0, 5, arch),            # 1: another architecture? go to 7 (allow)
    SockFilter(LD_W_ABS, 0, 0, 0),            # 2: A = seccomp_data.nr
    SockFilter(JGE_K, 2, 0, X32_SYSCALL_BIT),  # 3: an x32 number? go to 6 (refuse)
    SockFilter(JEQ_K, 0, 2, getppid_nr),      # 4: not getppid? go to 7 (allow)
    SockFilter(RET_K, 0, 0, SECCOMP_RET_TRAP),   # 5: getppid: trap
    SockFilter(RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.EPERM),  # 6: x32: fail with EPERM
    SockFilter(RET_K, 0, 0, SECCOMP_RET_ALLOW),  # 7: anything else: allow
)
libc = ctypes.CDLL(None, use_errno=True)
prctl = libc.prctl
prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4

print(f"parent: getppid() works (no filter in this process): {os.getppid() > 0}")
report_r, report_w = os.pipe()
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    try:
        os.close(report_r)
        # SIGSYS dumps core by default: no core file here
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        # Required to install a filter unprivileged
        if prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            failed = os.strerror(ctypes.get_errno())
            os.write(report_w, f"no_new_privs: {failed}".encode())
            os._exit(1)
        fprog = SockFprog(len(program), program)
        address = ctypes.addressof(fprog)
        if prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, address, 0, 0) != 0:
            os.write(report_w, f"seccomp: {os.strerror(ctypes.get_errno())}".encode())
            os._exit(1)
        said = f"filter installed; getpid() still works: {os.getpid() > 0}\n"
        os.write(report_w, said.encode())
        # x32's getppid: without instruction 3 it would get through
        if machine == "x86_64":
            x32 = libc.syscall(X32_SYSCALL_BIT | getppid_nr)
            code = errno.errorcode[ctypes.get_errno()]
            said = f"x32 getppid() refused: {x32}, {code}\n"
            os.write(report_w, said.encode())
        # Trapped: the kernel sends SIGSYS, whose default action ends the process
        os.getppid()
        os.write(report_w, b"; getppid() returned")  # never reached
    finally:
        os._exit(0)

os.close(report_w)
said = b""
while chunk := os.read(report_r, 200):  # until the child's end closes: it ended
    said += chunk
os.close(report_r)
_, status = os.waitpid(pid, 0)
for line in said.decode().splitlines():
    print(f"child: {line}")
if os.WIFSIGNALED(status):
    name = signal.Signals(os.WTERMSIG(status)).name
    print(f"child: killed by {name}, core dumped: {os.WCOREDUMP(status)}")
else:
    print(f"child: exited with status {os.WEXITSTATUS(status)}")
    sys.exit(1)
