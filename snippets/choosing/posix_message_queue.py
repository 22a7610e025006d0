"""A POSIX message queue: the kernel has them; the standard library has no wrapper."""

import ctypes
import ctypes.util
import os
import sys
import uuid

libc = ctypes.CDLL(None, use_errno=True)
if not hasattr(libc, "mq_open"):  # glibc before 2.34 keeps them in librt
    libc = ctypes.CDLL(ctypes.util.find_library("rt"), use_errno=True)


class Attributes(ctypes.Structure):  # struct mq_attr
    _fields_ = [("mq_flags", ctypes.c_long), ("mq_maxmsg", ctypes.c_long),
                ("mq_msgsize", ctypes.c_long), ("mq_curmsgs", ctypes.c_long),
                ("reserved", ctypes.c_long * 4)]


libc.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_uint, ctypes.c_void_p]
libc.mq_getattr.argtypes = [ctypes.c_int, ctypes.POINTER(Attributes)]
libc.mq_send.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint]
libc.mq_receive.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t,
                            ctypes.POINTER(ctypes.c_uint)]
libc.mq_receive.restype = ctypes.c_ssize_t
libc.mq_unlink.argtypes = [ctypes.c_char_p]


def check(result: int) -> int:
    if result == -1:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))
    return result


name = f"/linux-ipc-demo-{uuid.uuid4().hex}".encode()  # a name, like a file's
# No attributes: the system's defaults (fs.mqueue.msg_default and msgsize_default).
queue = check(libc.mq_open(name, os.O_CREAT | os.O_RDWR, 0o600, None))
try:
    for text, priority in ((b"low", 1), (b"high", 5), (b"middle", 3)):
        check(libc.mq_send(queue, text, len(text), priority))
    print("sent: b'low' (priority 1), b'high' (5), b'middle' (3)")

    sys.stdout.flush()  # or the child inherits the buffered line and prints it again
    pid = os.fork()
    if pid == 0:  # the child opens the queue by its name and takes the messages
        code = 1
        try:
            own = check(libc.mq_open(name, os.O_RDONLY, 0, None))
            attributes = Attributes()
            check(libc.mq_getattr(own, ctypes.byref(attributes)))
            # mq_receive() refuses a buffer smaller than the queue's message size
            buffer = ctypes.create_string_buffer(attributes.mq_msgsize)
            priority = ctypes.c_uint()
            for _ in range(3):
                n = check(libc.mq_receive(own, buffer, len(buffer),
                                          ctypes.byref(priority)))
                print(f"child received {buffer.raw[:n]!r} (priority {priority.value})")
            os.close(own)  # on Linux a queue descriptor is a file descriptor
            code = 0
        finally:
            sys.stdout.flush()  # os._exit() skips flushing
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    print(f"child exit status: {os.waitstatus_to_exitcode(status)}")
finally:
    os.close(queue)
    check(libc.mq_unlink(name))  # like a file: the name stays until it is removed
