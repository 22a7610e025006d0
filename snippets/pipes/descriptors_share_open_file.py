"""A descriptor leads to an open file description, which leads to the pipe."""
# snippet: runs = one

import os

r, w = os.pipe()  # one pipe, two open file descriptions: one to read, one to write
w2 = os.dup(w)  # a second descriptor for the same open file description as w
same = os.fstat(r).st_ino == os.fstat(w).st_ino == os.fstat(w2).st_ino
print(f"r, w and w2 lead to the same pipe (inode): {same}")

# O_NONBLOCK is a flag of the open file description, not of the descriptor:
os.set_blocking(w, False)
print(f"after set_blocking(w, False): w2 non-blocking: {not os.get_blocking(w2)}, "
      f"r non-blocking: {not os.get_blocking(r)}")

# The pipe has a writer as long as some descriptor of a write description is open.
os.close(w)
os.write(w2, b"still a writer")
print(f"w closed, w2 still open: read {os.read(r, 100)!r}")
os.close(w2)  # the last descriptor of the write description: now no writer is left
print(f"w2 closed too: read {os.read(r, 100)!r} (EOF)")
os.close(r)
