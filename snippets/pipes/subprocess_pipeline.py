"""The pipeline as Python code builds it: subprocess makes the pipe and waits."""

import subprocess

producer = subprocess.Popen(
    ["printf", "root    1 init\\nuser  42 -bash\\nuser  43 python3 x.py\\n"
               "user  44 bash -l\\n"],
    stdout=subprocess.PIPE,
)
consumer = subprocess.Popen(["grep", "bash"], stdin=producer.stdout,
                            stdout=subprocess.PIPE)
# Only grep holds the read end now: printf gets SIGPIPE if grep quits early.
producer.stdout.close()
output, _ = consumer.communicate()
print(output.decode(), end="")
print(f"printf exited with {producer.wait()}, grep exited with {consumer.returncode}")
