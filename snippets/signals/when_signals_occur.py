"""When the kernel sends SIGWINCH, SIGTTIN, SIGTTOU, SIGURG, SIGXFSZ and SIGXCPU."""
# snippet: timeout = 60

import ctypes
import fcntl
import os
import pty
import resource
import signal
import socket
import struct
import sys
import tempfile
import termios

PR_SET_DUMPABLE = 4


def ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    if os.WIFSTOPPED(status):
        return f"stopped by {signal.Signals(os.WSTOPSIG(status)).name}"
    return f"exited with status {os.WEXITSTATUS(status)}"


def on_terminal(session, show_output=False) -> str:
    """Run session() as the leader of a new pty session; return what it prints after
    RESULT (and, with show_output, whether the background job's output got through)."""
    sys.stdout.flush()
    done_r, done_w = os.pipe()
    pid, master = pty.fork()
    if pid == 0:
        try:
            session(master)
            # Stay until the result has been read: output written just before the
            # terminal's last holder exits can be lost (the reader gets EIO instead).
            os.read(done_r, 1)
        finally:
            os._exit(0)
    data = b""
    while b"RESULT" not in data or not data.split(b"RESULT", 1)[1].endswith(b"\n"):
        data += os.read(master, 1024)
        # The child waits for SIGWINCH: resize the terminal
        if data.endswith(b"READY\r\n"):
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    os.write(done_w, b"!")
    os.waitpid(pid, 0)
    for fd in (master, done_r, done_w):
        os.close(fd)
    before, result = data.split(b"RESULT", 1)
    if show_output:
        reached = b"output from the background" in before
        return f"{result.decode().strip()}, its output reached the terminal: {reached}"
    return result.decode().strip()


def window_change(_):
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGWINCH})
    print("READY", flush=True)
    got = signal.sigwait({signal.SIGWINCH})
    size = os.get_terminal_size(0)
    print(f"RESULT {got.name}, the terminal is now {size.lines} x {size.columns}",
          flush=True)


def background_job(use_terminal, tostop=False):
    """The leader starts a job in a group that is not the terminal's foreground."""
    def session(_):
        if tostop:  # stty tostop, set beforehand by the session leader (foreground)
            attrs = termios.tcgetattr(0)
            attrs[3] |= termios.TOSTOP
            termios.tcsetattr(0, termios.TCSANOW, attrs)
        sys.stdout.flush()
        job = os.fork()
        if job == 0:
            os.setpgid(0, 0)
            try:
                for sig in (signal.SIGTTIN, signal.SIGTTOU):
                    signal.signal(sig, signal.SIG_DFL)
                use_terminal()
            finally:
                os._exit(0)
        os.setpgid(job, job)
        _, status = os.waitpid(job, os.WUNTRACED)
        if os.WIFSTOPPED(status):
            os.kill(job, signal.SIGKILL)
            os.waitpid(job, 0)
        print(f"RESULT {ended(status)}", flush=True)
    return session


def read_terminal():
    os.read(0, 1)


def write_terminal():
    os.write(1, b"output from the background\r\n")


def change_terminal_settings():
    attrs = termios.tcgetattr(0)
    attrs[3] &= ~termios.ECHO  # any change of the settings, tostop or not
    termios.tcsetattr(0, termios.TCSANOW, attrs)


print(f"SIGWINCH, terminal resized: {on_terminal(window_change)}")
print("SIGTTIN, background job reads the terminal: "
      f"{on_terminal(background_job(read_terminal))}")
written = on_terminal(background_job(write_terminal), show_output=True)
print(f"no signal, background job writes, tostop unset: {written}")
written = on_terminal(background_job(write_terminal, tostop=True), show_output=True)
print(f"SIGTTOU, background job writes, tostop set: {written}")
changed = on_terminal(background_job(change_terminal_settings))
print(f"SIGTTOU, background job changes the settings, tostop unset: {changed}")

# SIGURG: out-of-band data arrives on a TCP socket whose owner (F_SETOWN) is this
# process.
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGURG})
with socket.create_server(("127.0.0.1", 0)) as server:
    client = socket.create_connection(server.getsockname())
    receiver, _ = server.accept()
    fcntl.fcntl(receiver, fcntl.F_SETOWN, os.getpid())
    client.send(b"!", socket.MSG_OOB)
    info = signal.sigtimedwait({signal.SIGURG}, 10)
    print(f"SIGURG, out-of-band byte on a socket: {signal.Signals(info.si_signo).name}")
    client.close()
    receiver.close()
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGURG})


def in_child(limit, action, default: bool) -> str:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        # Both are Core signals: no dump
        ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        resource.setrlimit(*limit)  # the soft limit; the hard one is left as it was
        # Whatever the run was started with
        signal.signal(signal.SIGXCPU, signal.SIG_DFL)
        if default:
            # CPython starts with it ignored
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
        try:
            action()
        except OSError as exc:
            os.write(w, f"OSError {exc.strerror}, ".encode())
        finally:
            os._exit(0)
    os.close(w)
    said = os.read(r, 100).decode()
    os.close(r)
    return said + ended(os.waitpid(pid, 0)[1])


def write_past_the_limit():
    with tempfile.TemporaryFile() as f:
        os.write(f.fileno(), b"x" * 100)  # up to the limit
        os.write(f.fileno(), b"x")  # one byte past it


def burn_cpu():
    while True:
        pass


FSIZE = (resource.RLIMIT_FSIZE, (100, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
print("SIGXFSZ, writing past RLIMIT_FSIZE: "
      f"{in_child(FSIZE, write_past_the_limit, True)}")
print(f"  the same, SIGXFSZ left ignored as CPython starts: "
      f"{in_child(FSIZE, write_past_the_limit, False)}")
CPU = (resource.RLIMIT_CPU, (1, resource.getrlimit(resource.RLIMIT_CPU)[1]))
print(f"SIGXCPU, 1 s of CPU with RLIMIT_CPU 1 s: {in_child(CPU, burn_cpu, True)}")
