"""asyncio: one event loop serves a Unix socket and runs the children that use it."""

import asyncio
import os
import sys
import tempfile
import threading


async def client(path, name):  # what each child process runs
    reader, writer = await asyncio.open_unix_connection(path)
    writer.write(f"{name}\n".encode())
    await writer.drain()
    print((await reader.readline()).decode().strip())  # to the parent, through a pipe
    writer.close()
    await writer.wait_closed()


async def main(folder):
    served = []

    async def handle(reader, writer):  # one coroutine per connection
        name = (await reader.readline()).decode().strip()
        served.append(name)
        writer.write(f"hello {name}\n".encode())
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    path = os.path.join(folder, "loop.sock")
    server = await asyncio.start_unix_server(handle, path)
    print(f"server: listening on an {server.sockets[0].family.name} socket")
    names = ("alpha", "beta", "gamma")
    children = [await asyncio.create_subprocess_exec(
        sys.executable, __file__, path, name, stdout=asyncio.subprocess.PIPE)
        for name in names]
    main = threading.main_thread()
    others = [t.name for t in threading.enumerate() if t is not main]
    print(f"python: {sys.version_info.major}.{sys.version_info.minor}")
    print(f"threads besides the loop's while the children ran: {len(others)}")
    print(f"of them waiting in waitpid(): {sum('waitpid' in n for n in others)}")
    # Wait for all three at once: their pipes and the server share the one loop.
    outputs = await asyncio.wait_for(
        asyncio.gather(*(child.communicate() for child in children)), timeout=30)
    for name, child, (out, _) in zip(names, children, outputs, strict=True):
        reply = out.decode().strip()
        print(f"{name}: the server replied {reply!r}, exit status {child.returncode}")
    print(f"server: served {sorted(served)} in the loop's thread")
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    if len(sys.argv) == 3:  # started by main() below as a client
        asyncio.run(client(sys.argv[1], sys.argv[2]))
    else:
        with tempfile.TemporaryDirectory() as folder:
            asyncio.run(main(folder))
