"""The measurements of docs/*/choosing.md: every mechanism measured, figures positive and sane."""

from __future__ import annotations

import re

STREAMS = ["pipe", "FIFO", "socketpair", "Unix stream socket", "shared mapping + pipe"]


def test_every_mechanism_is_measured_with_positive_figures(snippet):
    out = snippet("choosing/measure_costs.py")
    table = {}
    for line in out.lines:
        found = re.fullmatch(r"(.+?)\s{2,}(\d+\.\d)\s+(\d+|\(carries no data\))", line)
        if found:
            table[found.group(1)] = (float(found.group(2)), found.group(3))
    assert list(table) == STREAMS + ["signal (SIGUSR1)"]
    for name in STREAMS:
        latency, rate = table[name]
        assert 0 < latency < 100_000 and int(rate) > 0, name  # µs per round trip, MB/s
    assert table["signal (SIGUSR1)"][1] == "(carries no data)"
    assert 0 < table["signal (SIGUSR1)"][0] < 100_000


def test_the_charts_show_a_bar_for_every_measured_figure(snippet):
    out = snippet("choosing/measure_costs.py")
    bars = [line for line in out.lines if "█" in line]
    assert len(bars) == 6 + 5  # six round trips, five throughputs
    assert all(re.search(r"█+ \d+(\.\d)? (µs|MB/s)$", line) for line in bars)
