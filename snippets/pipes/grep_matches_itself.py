"""`ps aux | grep cat` also finds grep: its own command line contains the pattern."""

import os
import subprocess
import time


def list_my_children() -> bytes:
    """A tiny `ps`: the command lines of this process's children, sorted."""
    lines = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:  # that process ended meanwhile
            continue
        # field 4 of /proc/PID/stat, after the command name in parentheses
        parent = int(stat[stat.rindex(b")") + 2:].split()[1])
        if parent == os.getpid():
            lines.append(cmdline.rstrip(b"\0").replace(b"\0", b" ") + b"\n")
    return b"".join(sorted(lines))


def wait_for_command_line(child: subprocess.Popen) -> None:
    """Popen returns once exec can no longer fail, but the kernel may still be setting
    up the new program; until then /proc/PID/cmdline is empty: wait for the new one."""
    expected = b"".join(os.fsencode(arg) + b"\0" for arg in child.args)
    deadline = time.monotonic() + 10
    while True:
        with open(f"/proc/{child.pid}/cmdline", "rb") as f:
            if f.read() == expected:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{child.args} never showed its command line")
        time.sleep(0.001)


target = subprocess.Popen(["cat"], stdin=subprocess.PIPE)  # the process we look for
try:
    wait_for_command_line(target)
    for pattern in ("cat", "[c]at"):
        # Once grep's command line is in /proc, the listing below includes grep itself.
        grep = subprocess.Popen(["grep", pattern], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE)
        wait_for_command_line(grep)
        found, _ = grep.communicate(list_my_children())
        print(f"grep {pattern!r} found:")
        for line in found.decode().splitlines():
            print(f"    {line}")
finally:
    target.stdin.close()  # cat sees EOF and exits
    target.wait()
