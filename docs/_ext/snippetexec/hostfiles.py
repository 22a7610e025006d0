"""The build's side of a run's folders: reading and removing what a snippet could have changed.

A snippet can replace any file in the folders the build later reads (the events file, strace's
logs in the fallback) by a link, a FIFO or a device, and can leave any tree behind. So:

- ``read_regular`` opens without following a link and without blocking on a FIFO
  (``O_NOFOLLOW | O_NONBLOCK``), accepts a regular file only (``fstat``), and reads a bounded
  number of bytes;
- ``remove_tree`` removes a folder of any depth and any names without recursion: each folder
  found inside is first renamed to the top (so no path grows long), and nothing is followed.
"""

from __future__ import annotations

import itertools
import os
import stat
from pathlib import Path

_FLAT = itertools.count()  # names of folders moved to the top: ".flat-N"


class NotARegularFile(OSError):
    """The path names a link, a FIFO, a device or a folder, not a regular file."""


def read_regular(path: Path, limit: int) -> tuple[bytes, bool]:
    """At most ``limit`` bytes of the regular file ``path``, and whether there was more."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if error.errno == 40:  # ELOOP: a symbolic link
            raise NotARegularFile(f"{path.name} is a symbolic link") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(f"{path.name} is not a regular file "
                                  f"(mode {stat.filemode(info.st_mode)})")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
        return data[:limit], len(data) > limit
    finally:
        os.close(fd)


def remove_tree(top: Path, budget: int = 1_000_000) -> str:
    """Remove ``top`` and all in it; "" when done, else why not (what is left is named)."""
    try:
        top_fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return ""
    except OSError as error:
        return f"the run's folder {top} could not be removed: {error.strerror}"
    pending, problem = ["."], ""
    try:
        while pending and budget > 0:
            name = pending.pop()
            try:
                _empty(name, top_fd, pending)
            except OSError as error:
                problem = problem or f"{name}: {error.strerror}"
            budget -= 1
            if name != ".":
                try:
                    os.rmdir(name, dir_fd=top_fd)
                except OSError as error:
                    problem = problem or f"{name}: {error.strerror}"
    finally:
        os.close(top_fd)
    try:
        os.rmdir(top)
    except OSError as error:
        return f"the run's folder {top} was left on the machine ({problem or error.strerror})"
    return ""


def _empty(name: str, top_fd: int, pending: list[str]) -> None:
    """Delete the files of the folder ``name`` (under top) and move its folders to the top."""
    try:
        os.chmod(name, 0o700, dir_fd=top_fd, follow_symlinks=False)
    except OSError:
        pass
    fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                 dir_fd=top_fd)
    try:
        with os.scandir(fd) as entries:
            names = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
        for entry, is_dir in names:
            if not is_dir:
                os.unlink(entry, dir_fd=fd)
            elif name == ".":
                pending.append(entry)
            else:
                flat = f".flat-{next(_FLAT)}"
                try:  # moving a folder writes its "..": it needs write permission
                    os.chmod(entry, 0o700, dir_fd=fd, follow_symlinks=False)
                except OSError:
                    pass
                os.rename(entry, flat, src_dir_fd=fd, dst_dir_fd=top_fd)
                pending.append(flat)
    finally:
        os.close(fd)
