"""A store into a shared file mapping: in the page cache at once, on disk at flush()."""

import mmap
import os
import sys
import tempfile


def file_system(path: str) -> str:
    """The type of the file system that holds path (its deepest mount point)."""
    best, kind = "", "unknown"
    with open("/proc/self/mountinfo") as mounts:
        for line in mounts:
            fields = line.split()
            point = fields[4].replace("\\040", " ")
            inside = path == point or path.startswith(point.rstrip("/") + "/")
            # a later mount on the same point hides an earlier one
            if inside and len(point) >= len(best):
                best, kind = point, fields[fields.index("-") + 1]
    return kind


def dirty_kb(inode: int) -> int:
    """Dirty kB of this process's mappings of the file (Shared_ and Private_Dirty)."""
    total, ours = 0, False
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            # The first line of a mapping: address ... inode path
            if not fields[0].endswith(":"):
                ours = int(fields[4]) == inode
            elif ours and fields[0] in ("Shared_Dirty:", "Private_Dirty:"):
                total += int(fields[1])
    return total


with tempfile.TemporaryDirectory() as folder:
    kind = file_system(os.path.realpath(folder))
    print(f"the file is on a file system of type: {kind}")
    path = os.path.join(folder, "data.bin")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.write(fd, b"." * mmap.PAGESIZE)
    os.fsync(fd)  # start from a clean page: the same bytes in memory and on the disk
    inode = os.fstat(fd).st_ino

    go_r, go_w = os.pipe()
    report_r, report_w = os.pipe()
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:  # another process: it never maps the file, it only read()s it
        try:
            os.close(go_w)
            os.close(report_r)
            os.read(go_r, 1)  # wait until the parent has stored into its mapping
            own = os.open(path, os.O_RDONLY)
            os.write(report_w, os.read(own, 5))
        finally:
            os._exit(0)
    os.close(go_r)
    os.close(report_w)

    with mmap.mmap(fd, mmap.PAGESIZE) as m:  # MAP_SHARED, read and write
        first = m[0:5]  # the first touch brings the page in
        print(f"mapped, read {first!r}: dirty {dirty_kb(inode)} kB")
        m[0:5] = b"hello"  # a plain store into memory
        print(f"after m[0:5] = b'hello': dirty {dirty_kb(inode)} kB")
        os.write(go_w, b"!")
        seen = os.read(report_r, 5)
        _, status = os.waitpid(pid, 0)
        print(f"child: os.read() of the file gives {seen!r}, "
              f"exit status {os.waitstatus_to_exitcode(status)}")
        print(f"after the child's read: dirty {dirty_kb(inode)} kB")
        m.flush()  # msync(MS_SYNC): write the dirty page to the file system now
        print(f"after m.flush() (msync): dirty {dirty_kb(inode)} kB")
        if kind in ("tmpfs", "ramfs"):
            print(f"{kind} has no disk behind it: its pages stay dirty, "
                  "flush() has nothing to do")
    for end in (fd, go_w, report_r):
        os.close(end)
