"""A System V message queue still works: msgget, msgsnd, msgrcv and msgctl (ctypes)."""

import ctypes
import errno
import os
import sys
import traceback

IPC_PRIVATE, IPC_CREAT, IPC_RMID = 0, 0o1000, 0  # from <sys/ipc.h>
libc = ctypes.CDLL(None, use_errno=True)
libc.msgsnd.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
libc.msgrcv.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_long,
                        ctypes.c_int]
libc.msgrcv.restype = ctypes.c_ssize_t
libc.msgctl.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_void_p]


class Message(ctypes.Structure):  # struct msgbuf: a type (> 0), then the bytes
    _fields_ = [("mtype", ctypes.c_long), ("mtext", ctypes.c_char * 64)]


def check(result: int) -> int:
    if result == -1:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))
    return result


def listing(queue: int) -> dict | None:
    """The queue's row in /proc/sysvipc/msg (the kernel's list of queues), or None."""
    with open("/proc/sysvipc/msg") as table:
        names = table.readline().split()
        for line in table:
            row = dict(zip(names, line.split(), strict=True))
            if int(row["msqid"]) == queue:
                return row
    return None


def show(row: dict | None) -> str:
    if row is None:
        return "not listed"
    return f"perms {row['perms']}, cbytes {row['cbytes']}, qnum {row['qnum']}"


queue = check(libc.msgget(IPC_PRIVATE, IPC_CREAT | 0o600))  # a new queue, and its id
try:
    text = b"hello through System V"
    check(libc.msgsnd(queue, ctypes.byref(Message(1, text)), len(text), 0))
    print(f"parent: sent type 1, {text!r} ({len(text)} bytes)")
    print(f"/proc/sysvipc/msg, the queue msgget returned: {show(listing(queue))}")

    r, w = os.pipe()
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:  # the id means the same queue in every process of this IPC namespace
        try:
            os.close(r)
            message = Message()
            size = Message.mtext.size  # the message is already waiting: no blocking
            n = check(libc.msgrcv(queue, ctypes.byref(message), size, 1, 0))
            os.write(w, message.mtext[:n])  # report what arrived
        except BaseException:
            traceback.print_exc()
            os._exit(1)  # never go on into the parent's code
        os._exit(0)
    os.close(w)
    got = os.read(r, 64)
    os.close(r)
    _, status = os.waitpid(pid, 0)
    print(f"child: msgrcv got {got!r}, exit status {os.waitstatus_to_exitcode(status)}")
    row = listing(queue)
    print(f"/proc/sysvipc/msg after the child's msgrcv: {show(row)}, "
          f"lrpid == child: {int(row['lrpid']) == pid}")  # who received last
finally:
    check(libc.msgctl(queue, IPC_RMID, None))  # it outlives every process: remove it
print(f"/proc/sysvipc/msg after msgctl(IPC_RMID): {show(listing(queue))}")
try:
    check(libc.msgsnd(queue, ctypes.byref(Message(1, b"x")), 1, 0))
except OSError as e:
    print(f"msgsnd to the removed queue: OSError {errno.errorcode[e.errno]}")
