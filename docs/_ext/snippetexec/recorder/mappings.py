"""Mappings, patched when ``mmap`` is first imported: mmap.mmap (a subclass that records each
mapping made: its descriptor, length, flags, access, offset, the mapped file's path, and
whether it is shared). ``multiprocessing.shared_memory`` maps through it, so its segments are
recorded as the mmap.mmap of a /dev/shm file.
"""

from .core import emit
from .descriptors import _readlink
from .names import errname

FLAGS = ("MAP_SHARED", "MAP_PRIVATE", "MAP_ANONYMOUS", "MAP_POPULATE")
ACCESSES = ("ACCESS_DEFAULT", "ACCESS_READ", "ACCESS_WRITE", "ACCESS_COPY")


def describe(m, fileno, length, flags=None, prot=None, access=0, offset=0, **_):
    """The args of an mmap.mmap event, and whether the mapping is shared."""
    if flags is None:
        flags = m.MAP_SHARED
    names = [n for n in FLAGS if getattr(m, n, 0) and flags & getattr(m, n)]
    shared = (access in (m.ACCESS_READ, m.ACCESS_WRITE)
              or (access != m.ACCESS_COPY and bool(flags & m.MAP_SHARED)))
    accesses = {getattr(m, n): n for n in ACCESSES}
    args = {"fd": fileno, "length": length, "flags": "|".join(names) or str(flags),
            "access": accesses.get(access, access), "offset": offset}
    if isinstance(fileno, int) and fileno >= 0:
        try:
            args["file"] = _readlink(f"/proc/self/fd/{fileno}")
        except OSError:
            pass
    return args, shared


def patch_mmap(m):
    """Replace ``m.mmap`` (the mmap module's) with a subclass that records each mapping."""
    base = m.mmap

    class mmap(base):
        __slots__ = ()

        def __new__(cls, fileno, length, *a, **k):
            names = ("flags", "prot", "access", "offset")
            try:
                given = dict(zip(names, a, strict=False), **k)
                args, shared = describe(m, fileno, length, **given)
            except Exception:
                args, shared = {"fd": fileno, "length": length}, None
            try:
                self = base.__new__(cls, fileno, length, *a, **k)
            except BaseException as e:
                emit("mmap.mmap", args, error=errname(e))
                raise
            emit("mmap.mmap", args, {"size": len(self), "shared": shared,
                                     "anonymous": fileno == -1})
            return self

    mmap.__module__, mmap.__qualname__, mmap.__doc__ = "mmap", "mmap", base.__doc__
    m.mmap = mmap
