"""Read two children's pipes as data comes, with one selector, until both are at EOF."""

import os
import selectors
import sys

selector = selectors.DefaultSelector()
children = []
for name in ("first", "second"):
    r, w = os.pipe()
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:  # each child writes three lines into its own pipe, then exits
        try:
            os.close(r)
            for i in range(3):
                os.write(w, f"{name} {i}\n".encode())
        finally:
            os._exit(0)
    os.close(w)
    children.append(pid)
    selector.register(r, selectors.EVENT_READ, data=name)

received = {"first": [], "second": []}
while selector.get_map():  # until every pipe is unregistered
    for key, _ in selector.select():  # waits until some pipe has data or EOF
        chunk = os.read(key.fd, 4096)  # ready: this read does not block
        if chunk:
            received[key.data].append(chunk)
        else:  # EOF: that child closed its end
            selector.unregister(key.fd)
            os.close(key.fd)
selector.close()
for pid in children:
    os.waitpid(pid, 0)
for name, chunks in received.items():
    print(f"from the {name} pipe: {b''.join(chunks).decode().splitlines()}")
