"""A classic parent/child mmap example in Python: a race, a lost input, strcpy, %s."""
# snippet: runs = one

import mmap
import os
import tempfile

# The C example's message ("are you my son?"): 21 bytes.
MESSAGE = "你是我儿子吗？".encode()
TEXT = b"A line of English text.\n"  # what english.txt holds before the run
NUL = b"\0"


def parent_writes_child_reads(m: mmap.mmap, child_waits: bool) -> bytes:
    """The parent stores MESSAGE, a child reads the mapping; return what the child read.

    The C example has no synchronisation at all. child_waits=False forces the order it
    allows: the child reads before the parent writes. child_waits=True is the fix: the
    child waits until the parent says, through a pipe, that it has written.
    """
    go_r, go_w = os.pipe()
    seen_r, seen_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            if child_waits:
                os.read(go_r, 1)
            os.write(seen_w, m[:len(MESSAGE)])
        finally:
            os._exit(0)
    if not child_waits:
        seen = os.read(seen_r, len(MESSAGE))  # the child has read already
    m[:len(MESSAGE)] = MESSAGE  # the C example's strcpy
    os.write(go_w, b"!")
    if child_waits:
        seen = os.read(seen_r, len(MESSAGE))
    os.waitpid(pid, 0)
    for fd in (go_r, go_w, seen_r, seen_w):
        os.close(fd)
    return seen


with tempfile.TemporaryDirectory() as folder:
    english = os.path.join(folder, "english.txt")
    for child_waits in (False, True):
        with open(english, "wb") as f:
            f.write(TEXT)
        with open(english, "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
            seen = parent_writes_child_reads(m, child_waits)
        if child_waits:
            print(f"   fixed, the child waits on a pipe: it read the message: "
                  f"{seen == MESSAGE}")
        else:
            print(f"1. race, the child reads first: it read {seen!r}")
    with open(english, "rb") as f:
        print(f"2. english.txt afterwards starts with the message, its text is gone: "
              f"{f.read().startswith(MESSAGE)}")

    with open(english, "wb") as f:
        f.write(TEXT)
    # The fix: a mapping with no file behind it
    with mmap.mmap(-1, mmap.PAGESIZE) as anonymous:
        seen = parent_writes_child_reads(anonymous, child_waits=True)
    with open(english, "rb") as f:
        print(f"   fixed, an anonymous mapping: the child read the message: "
              f"{seen == MESSAGE}, english.txt unchanged: {f.read() == TEXT}")

    short = os.path.join(folder, "short.txt")
    with open(short, "wb") as f:
        f.write(b"16 bytes of text")
    with open(short, "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
        try:
            # strcpy() would store 22 bytes (with the NUL) in 16
            m[:len(MESSAGE)] = MESSAGE
        except IndexError as exc:
            print(f"3. {len(MESSAGE)} bytes into a {len(m)}-byte mapping: "
                  f"IndexError: {exc}")

    full = os.path.join(folder, "full.txt")
    with open(full, "wb") as f:
        f.write(b"x" * mmap.PAGESIZE)  # exactly one page of text: no NUL anywhere
    with open(full, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        print(f"4. a file of one full page: m.find(NUL) = {m.find(NUL)}; "
              f"Python knows the length: {len(m)} bytes")
