"""A FIFO is a file of type "p" with no data on disk, made by os.mkfifo or mkfifo(1)."""
# snippet: runs = one

import os
import stat
import subprocess
import tempfile

old_umask = os.umask(0o022)  # a fixed umask, so the result is the same everywhere
try:
    with tempfile.TemporaryDirectory() as folder:
        by_python = os.path.join(folder, "by_python")
        by_command = os.path.join(folder, "by_command")
        os.mkfifo(by_python, 0o666)  # ask for rw for everybody...
        subprocess.run(["mkfifo", by_command], check=True)  # it also asks for 0o666

        for path in (by_python, by_command):
            info = os.stat(path)
            print(f"{os.path.basename(path)}: S_ISFIFO={stat.S_ISFIFO(info.st_mode)} "
                  f"mode={stat.filemode(info.st_mode)} size={info.st_size}")
        # ...but the umask takes its bits away, as for any new file
        mode = stat.S_IMODE(os.stat(by_python).st_mode)
        print(f"asked 0o666, umask 0o022: got {oct(mode)} (= 0o666 & ~0o022)")

        listing = subprocess.run(["ls", "-l", folder], capture_output=True, text=True,
                                 check=True)
        for line in listing.stdout.splitlines()[1:]:  # skip the "total" line
            fields = line.split()
            print(f"ls -l: {fields[0]} ... {fields[-1]}")
finally:
    os.umask(old_umask)
