"""The claims of docs/*/choosing.md, checked on the published runs.

The measurements vary from run to run, so the page states no ranking of its own: every figure and
ranking in its prose comes from the run through the {output} role. What is checked here is that
the run measured what the page says it measured, the way it says, and that the summary lines the
prose quotes agree with the table above them.
"""

from __future__ import annotations

import re

STREAMS = ["pipe", "FIFO", "socketpair", "Unix stream socket", "shared mapping + pipe"]
SIGNAL = "signal (SIGUSR1)"
ROW = re.compile(r"(.+?)\s{2,}(\d+\.\d)\s+(\d+\.\d)-(\d+\.\d)\s+"
                 r"(?:(\d+)\s+(\d+)-(\d+)|\(carries no data\))")


def table(out) -> dict[str, tuple]:
    """{mechanism: (latency median, fastest, slowest, rate median, slowest, fastest)}."""
    rows = {}
    for line in out.lines:
        if found := ROW.fullmatch(line):
            numbers = [float(x) if x else None for x in found.groups()[1:]]
            rows[found.group(1)] = tuple(numbers)
    return rows


def ratios(text: str) -> dict[str, float]:
    """Parse "FIFO 1.03, signal (SIGUSR1) 0.91" into {"FIFO": 1.03, "signal (SIGUSR1)": 0.91}."""
    pairs = (item.rsplit(" ", 1) for item in text.split(", "))
    return {name: float(value) for name, value in pairs}


def test_every_mechanism_is_measured_under_the_stated_conditions(snippet):
    out = snippet("choosing/measure_costs.py")
    assert out.lines[0] == ("Each figure: the median of 7 batches (after 1 warm-up batch), "
                            "with the fastest and the slowest batch.")
    assert out.lines[1] == "Round trip: 500 messages of 64 bytes there and back per batch."
    assert out.lines[2] == ("Throughput: 4 MiB one way per batch, in writes of 64 KiB, "
                            "every byte copied into the channel and out of it.")
    # The page calls them figures for Python programs, and the output says so.
    assert out.lines[3] == ("Python programs: each figure includes the interpreter's own work "
                            "on both sides.")
    assert "Both processes on one CPU:" in out.lines
    room = dict(item.rsplit(" ", 1) for item in
                out.line("Room in each channel (bytes):").split(", "))
    assert list(room) == STREAMS
    assert set(room.values()) == {"262144"}  # the same room in every channel, as the page says
    resized = out.events.calls("fcntl.fcntl").where(cmd="F_SETPIPE_SZ")  # pipes and FIFOs
    assert resized and all(e.args["arg"] == e.result == 256 * 1024 for e in resized)
    rows = table(out)
    assert list(rows) == STREAMS + [SIGNAL]
    for name, (median, fastest, slowest, rate, low, high) in rows.items():
        assert 0 < fastest <= median <= slowest, name
        if name == SIGNAL:
            assert rate is None
        else:
            assert 0 < low <= rate <= high, name


def test_the_summary_lines_the_prose_quotes_agree_with_the_table(snippet):
    out = snippet("choosing/measure_costs.py")
    rows = table(out)
    latency = {name: row[0] for name, row in rows.items()}
    rate = {name: row[3] for name, row in rows.items() if row[3] is not None}
    # The table rounds the medians: a tie in the table may be told apart by the unrounded values.
    assert latency[out.line("shortest round trip (median):")] <= min(latency.values()) + 0.05
    assert rate[out.line("highest throughput (median):")] >= max(rate.values()) - 0.5
    trips = ratios(out.line("round trip against a pipe's (medians):"))
    assert list(trips) == STREAMS[1:] + [SIGNAL]
    for name, ratio in trips.items():  # medians are printed to 0.1 µs: allow for the rounding
        assert abs(ratio - latency[name] / latency["pipe"]) <= 0.01 + 0.1 / latency["pipe"], name
    rates = ratios(out.line("throughput against a pipe's (medians):"))
    assert list(rates) == STREAMS[1:]
    for name, ratio in rates.items():
        assert abs(ratio - rate[name] / rate["pipe"]) <= 0.01 + 1 / rate["pipe"], name
    # The signal row comes from signals really sent both ways (the first of them are recorded).
    ev = out.events
    (first_child, *_) = [c for c in ev.children() if ev.signals_sent(sender=c, signal="SIGUSR1")]
    assert ev.signals_sent(sender=ev.main, target=first_child, signal="SIGUSR1")
    bars = [line for line in out.lines if "█" in line]
    assert len(bars) == 6 + 5  # six round trips, five throughputs
    assert all(re.search(r"█+ \d+(\.\d)? (µs|MB/s)$", line) for line in bars)


def places(out) -> int:
    """1 when the run measured with both processes on one CPU only, 2 when also on two."""
    apart = [line for line in out.lines if line.startswith("The child on another CPU")]
    if apart == ["The child on another CPU: not measured (this program may use one CPU only)"]:
        return 1
    assert len(apart) == 2, apart
    return 2


def test_the_cross_cpu_pass_measures_every_mechanism_or_says_why_not(snippet):
    out = snippet("choosing/measure_costs.py")
    ev = out.events  # each of the 6 mechanisms x 10 batches forked a child once per placement
    assert len(ev.calls("os.fork", pid=ev.main)) == 6 * 8 * places(out)
    if places(out) == 2:
        trips = ratios(out.line("The child on another CPU, round trip medians (µs):"))
        assert list(trips) == STREAMS + [SIGNAL] and all(v > 0 for v in trips.values())
        rates = ratios(out.line("The child on another CPU, throughput medians (MB/s):"))
        assert list(rates) == STREAMS and all(v > 0 for v in rates.values())


def test_the_run_really_measured(snippet):
    """The run took at least the time its own fastest batches account for, and, when the run was
    observed, it made the processes, channels and signals the page describes."""
    out = snippet("choosing/measure_costs.py")
    rows = table(out)
    floor = 0.0
    for _, fastest, _, _, _, high in rows.values():  # the one-CPU table only: a floor
        batch = 500 * fastest * 1e-6 + (4 * 2**20 / (high * 1e6) if high else 0)
        floor += 7 * batch  # seven kept batches, each at least as long as the fastest
    assert out.run.duration >= floor, (out.run.duration, floor)
    # The header records only the first 20 of each repeated call per process, so that the
    # measurement runs unobserved; forks, FIFOs, sockets and mappings are all recorded.
    ev = out.events
    n = places(out)  # each batch is measured once per placement of the child
    assert len(ev.calls("os.fork", pid=ev.main)) == 6 * 8 * n  # 6 mechanisms x 8 batches
    batches = 8 * n + 1  # and one more channel of each kind, for the sizes
    assert len(ev.calls("os.mkfifo")) == 2 * batches  # two FIFOs per channel
    assert [e.args["type"] for e in ev.calls("socket.socketpair")] == ["SOCK_STREAM"] * batches
    assert len(ev.calls("socket.bind")) == len(ev.calls("socket.connect")) == batches
    maps = ev.calls("mmap.mmap")
    assert len(maps) == 2 * batches
    assert all(m.result["anonymous"] and m.result["shared"] for m in maps)
    assert ev.signals_sent(sender=ev.main, signal="SIGUSR1")
    exits = [ev.exit_of(child) for child in ev.children()]  # waits past the 20th: unrecorded
    assert exits.count({"exited": 0}) >= 20 and set(map(str, exits)) <= {"None", "{'exited': 0}"}


def test_a_posix_message_queue_delivers_whole_messages_by_priority(snippet):
    out = snippet("choosing/posix_message_queue.py")
    assert out.lines == [
        "sent: b'low' (priority 1), b'high' (5), b'middle' (3)",
        "child received b'high' (priority 5)",
        "child received b'middle' (priority 3)",
        "child received b'low' (priority 1)",
        "child exit status: 0",
    ]
    ev = out.events
    (child,) = ev.children()
    assert ev.first("forked", pid=child) and ev.exit_of(child) == {"exited": 0}


def test_a_system_v_message_queue_reaches_a_child_and_lives_until_removed(snippet):
    out = snippet("choosing/system_v_message_queue.py")
    assert out.lines == [
        "parent: sent type 1, b'hello through System V' (22 bytes)",
        "/proc/sysvipc/msg, the queue msgget returned: perms 600, cbytes 22, qnum 1",
        "child: msgrcv got b'hello through System V', exit status 0",
        "/proc/sysvipc/msg after the child's msgrcv: perms 600, cbytes 0, qnum 0, "
        "lrpid == child: True",
        "/proc/sysvipc/msg after msgctl(IPC_RMID): not listed",
        "msgsnd to the removed queue: OSError EINVAL",
    ]
    ev = out.events
    (child,) = ev.children()
    assert ev.first("forked", pid=child) and ev.exit_of(child) == {"exited": 0}
    # The child read nothing from any pipe or socket, and the parent wrote to none: the bytes it
    # reported on its pipe came out of the queue (the kernel named it the last receiver, lrpid).
    (report,) = ev.writes(pid=child)
    (pipe,) = ev.calls("os.pipe", pid=ev.main)
    assert report.obj == pipe.obj and report.data == "b'hello through System V'"
    assert not ev.reads(pid=child) and not ev.writes(pid=ev.main, obj=pipe.obj)
    assert ev.reads(pid=ev.main, obj=pipe.obj)[0].data == report.data


def test_the_benchmark_runs_alone_as_the_page_says():
    from snippetexec import runner

    assert runner.Snippet.load("choosing/measure_costs.py").setting("alone", "no") == "yes"


def test_a_seqpacket_pair_carries_whole_messages_both_ways(snippet):
    out = snippet("choosing/messages_both_ways.py")
    assert out.lines == [
        "sent b'stressed', got back b'desserts'",
        "sent b'drawer', got back b'reward'",
        "sent b'live', got back b'evil'",
        "worker exit status: 0",
    ]
    ev = out.events
    pair = ev.one("socket.socketpair")
    assert pair.args == {"family": "AF_UNIX", "type": "SOCK_SEQPACKET"}
    parent_end, child_end = pair.result
    (worker,) = ev.children()
    # Each receive took one whole message, and the worker's last one was the end (b"").
    got = [e.data for e in ev.reads(pid=worker, fd=child_end)]
    assert got == ["b'stressed'", "b'drawer'", "b'live'", "b''"]
    assert [e.data for e in ev.writes(pid=worker, fd=child_end)] == [
        "b'desserts'", "b'reward'", "b'evil'"]
    assert [e.data for e in ev.reads(pid=ev.main, fd=parent_end)] == [
        "b'desserts'", "b'reward'", "b'evil'"]
    assert ev.exit_of(worker) == {"exited": 0}
