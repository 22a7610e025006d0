"""`make bench`: what executing snippets costs a build, measured on a copy of the site.

Builds both editions, as the Makefile does, in a temporary copy of conf.py, docs/ and snippets/:
a clean build, `make test`'s steps after it (lint, a rebuild with nothing changed, the tests against
that build), a rebuild after one snippet is edited, and the same pages built by plain Sphinx with
execution switched off (clean, then unchanged). Prints the times side by side with the snippets'
own run times and the ratios that matter.

Each build's CPU time is the user and system time of everything it started (sphinx-build, the
sandboxes, the snippets, strace), from getrusage(RUSAGE_CHILDREN); "cores busy" is that CPU
time over the wall time, and "x bound" the wall time over CPU / cores: 1.00 would keep every
core busy from start to end.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import build_editions

from editions import EDITIONS

ROOT = Path(__file__).resolve().parents[2]
CORES = os.cpu_count() or 1


def children_cpu() -> float:
    """User plus system seconds of the children this process has waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Timed:
    """Wall and CPU seconds of what ran between enter and exit (children waited for)."""

    def __enter__(self):
        self.wall, self.cpu = time.monotonic(), children_cpu()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.monotonic() - self.wall, children_cpu() - self.cpu


class Build(NamedTuple):
    """One build of both editions."""

    wall: float  # seconds
    cpu: float  # seconds of user and system time, all its processes
    ran: int  # snippets run

    def cores(self) -> str:
        """CPU figures: seconds, cores kept busy on average, wall time over the CPU bound."""
        if not self.wall or not self.cpu:
            return ""
        return (f"CPU {self.cpu:.1f} s, {self.cpu / self.wall:.2f} of {CORES} cores busy, "
                f"{self.wall / (self.cpu / CORES):.2f} x bound")


class Site:
    def __init__(self, where: Path):
        self.root = where
        for name in ("conf.py", "docs", "snippets"):
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, where / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(src, where / name)
        self.build_dir = where / "_build"

    def build(self, execute: bool = True, shared_cache: bool = True,
              jobs: int = 0, calls: bool = True, contained: bool = True) -> Build:
        """Build both editions, as the Makefile does: wall and CPU time, snippets run.

        The editions build side by side and share the snippet cache, as ``make html`` builds
        them (build_editions.py). shared_cache=False, jobs=1 is how sphinx-exec-code alone
        behaves: every edition runs every snippet again, one after the other.
        """
        env = {**os.environ,
               "SNIPPET_CONTAIN": os.environ.get("SNIPPET_CONTAIN", "") if contained else "off"}
        options = ["-W", "--keep-going", "-D", f"snippet_execute={int(execute)}",
                   "-D", f"snippet_jobs={jobs}", "-D", f"snippet_calls={int(calls)}"]
        cache = self.build_dir / "snippet-cache"
        ran = 0
        with Timed() as timed, tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
            builds = []
            for edition in EDITIONS:
                if not shared_cache:
                    shutil.rmtree(cache, ignore_errors=True)
                log = open(Path(logs) / edition.folder, "w+", encoding="utf-8")  # noqa: SIM115
                builds.append((subprocess.Popen(
                    build_editions.command(edition, self.build_dir, cache, options),
                    cwd=self.root, stdout=log, stderr=subprocess.STDOUT, env=env), log))
                if not shared_cache:  # one after the other
                    builds[-1][0].wait()
            for build, log in builds:
                status = build.wait()
                log.seek(0)
                output = log.read()
                log.close()
                if status:
                    sys.exit(f"build failed:\n{output[-3000:]}")
                found = re.search(r"snippets: \d+ shown, (\d+) run by this build", output)
                ran += int(found.group(1)) if found else 0
        return Build(timed.wall, timed.cpu, ran)

    def clean(self) -> None:
        shutil.rmtree(self.build_dir, ignore_errors=True)

    def test(self) -> float:
        """The test suite (`make test` after `make html`) against this build: wall time."""
        started = time.monotonic()
        jobs = os.environ.get("JOBS", "auto")  # as `make test` runs it (the Makefile sets it)
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", jobs,
                               "--dist", "loadgroup", "-p", "no:cacheprovider"], cwd=ROOT,
                              capture_output=True, text=True,
                              env=dict(os.environ, BUILDDIR=str(self.build_dir)))
        if done.returncode != 0:  # a failing run is not a measurement
            sys.exit(f"bench: the tests failed against {self.build_dir}:\n{done.stdout[-3000:]}")
        return time.monotonic() - started

    def lint(self) -> float:
        """`make test`'s first step (ruff over the repository): wall time."""
        started = time.monotonic()
        subprocess.run([str(Path(sys.executable).with_name("ruff")), "check", "-q", "."],
                       cwd=ROOT, check=True)
        return time.monotonic() - started

    def run_times(self) -> dict[str, float]:
        cached = (self.build_dir / "snippet-cache").glob("*.json")
        runs = [json.loads(p.read_text(encoding="utf-8")) for p in cached]
        return {run["snippet"]: run["duration"] for run in runs}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-") as where:
        site = Site(Path(where))
        clean = site.build()
        times = site.run_times()
        tests = site.test()
        lint = site.lint()
        unchanged = site.build()
        make_test = lint + unchanged.wall + tests  # what `make test` does after `make html`
        edited = site.root / "snippets" / "pipes" / "read_returns_eof.py"
        edited.write_text(edited.read_text() + "\n# edited by make bench\n")
        one = site.build()
        site.clean()
        plain = site.build(execute=False)
        plain_unchanged = site.build(execute=False)
        site.clean()
        no_calls = site.build(calls=False)
        site.clean()
        uncontained = site.build(contained=False)
        site.clean()
        serial = site.build(shared_cache=False, jobs=1, calls=False)

    longest_name = max(times, key=times.get)
    longest, total = times[longest_name], sum(times.values())
    rows = [
        ("clean build, both editions", clean.wall, f"{clean.ran} snippet runs; {clean.cores()}"),
        ("plain Sphinx clean build (no execution)", plain.wall,
         f"ratio {clean.wall / plain.wall:.2f}; {plain.cores()}"),
        ("  execution adds", clean.wall - plain.wall,
         f"CPU {clean.cpu - plain.cpu:.1f} s"),
        ("clean build without the Calls made panels", no_calls.wall,
         f"the panels' traced runs add {clean.wall - no_calls.wall:.2f} s, "
         f"CPU {clean.cpu - no_calls.cpu:.1f} s; {no_calls.cores()}"),
        ("clean build without containment", uncontained.wall,
         f"containment adds {clean.wall - uncontained.wall:.2f} s "
         f"({(clean.wall / uncontained.wall - 1) * 100:.0f} %), "
         f"CPU {clean.cpu - uncontained.cpu:.1f} s"),
        ("make test after it (lint, rebuild, pytest)", make_test,
         f"{make_test / clean.wall:.2f} x the clean build (the sum of the three)"),
        (f"  pytest (-n {os.environ.get('JOBS', 'auto')})", tests,
         f"{tests / clean.wall:.2f} x the clean build"),
        ("  snippets' run times, summed", total, f"{len(times)} snippets"),
        ("  the longest snippet", longest, longest_name),
        ("no-change rebuild", unchanged.wall, f"{unchanged.ran} snippet runs; CPU "
         f"{unchanged.cpu:.1f} s"),
        ("plain Sphinx no-change rebuild", plain_unchanged.wall,
         f"ratio {unchanged.wall / plain_unchanged.wall:.2f}"),
        ("one snippet edited, rebuild", one.wall, f"{one.ran} snippet runs ({edited.name})"),
        ("before: clean build, serial, no shared cache", serial.wall,
         f"{serial.ran} snippet runs; the cached parallel build is "
         f"{serial.wall / clean.wall:.1f}x faster; {serial.cores()}"),
    ]
    print(f"make bench on {CORES} cores, Python {sys.version.split()[0]}")
    print(f"{'what':44} {'seconds':>8}  notes")
    for name, seconds, note in rows:
        print(f"{name:44} {seconds:8.2f}  {note}")


if __name__ == "__main__":
    main()
