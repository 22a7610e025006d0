"""asyncio's add_signal_handler: set_wakeup_fd pointed at the loop's own socket pair."""

import asyncio
import os
import signal
import socket
import stat


async def main():
    loop = asyncio.get_running_loop()
    print(f"before: wakeup fd {signal.set_wakeup_fd(-1)} (none)")
    got = loop.create_future()
    loop.add_signal_handler(signal.SIGUSR1, got.set_result, "SIGUSR1")
    fd = signal.set_wakeup_fd(-1)  # read the current value back...
    signal.set_wakeup_fd(fd)  # ...and put it back
    print(f"after add_signal_handler: wakeup fd is a socket: "
          f"{stat.S_ISSOCK(os.fstat(fd).st_mode)}")
    print(f"it is the write end of the loop's self-pipe: {fd == loop._csock.fileno()}")
    sock = socket.socket(fileno=os.dup(fd))
    blocking = os.get_blocking(fd)
    print(f"  {sock.family.name} {sock.type.name}, non-blocking: {not blocking}")
    sock.close()
    # The C handler writes b'\x0a' (10) into that socket
    os.kill(os.getpid(), signal.SIGUSR1)
    print(f"handler ran in the loop: {await asyncio.wait_for(got, timeout=10)}")
    loop.remove_signal_handler(signal.SIGUSR1)
    print(f"after remove_signal_handler: wakeup fd {signal.set_wakeup_fd(-1)}")


asyncio.run(main())
