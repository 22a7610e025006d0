"""One selector watches several children's stdout pipes, reads whichever is ready."""

import selectors
import subprocess
import sys

# Each child prints three lines, each written as soon as it is printed.
CHILD = """
import sys
for i in range(3):
    print(f"{sys.argv[1]} line {i}", flush=True)
"""

selector = selectors.DefaultSelector()
print(f"selector: {type(selector).__name__}")
children = {}
for name in ("alpha", "beta", "gamma"):
    child = subprocess.Popen([sys.executable, "-c", CHILD, name],
                             stdout=subprocess.PIPE)
    selector.register(child.stdout, selectors.EVENT_READ, data=name)
    children[name] = child
print(f"watching {len(selector.get_map())} pipes with one selector")

received = {name: b"" for name in children}
while selector.get_map():  # until every pipe has reached EOF
    for key, _ in selector.select(timeout=10):
        data = key.fileobj.read1(4096)  # ready: this read does not block
        if data:
            received[key.data] += data
        else:  # EOF: that child closed its stdout
            selector.unregister(key.fileobj)
            key.fileobj.close()
selector.close()

for name, child in children.items():
    lines = received[name].decode().splitlines()
    print(f"{name}: {len(lines)} lines {lines[0]!r}..{lines[-1]!r}, "
          f"exit status {child.wait()}")
