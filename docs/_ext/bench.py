"""`make bench`: what executing snippets costs a build, measured on a copy of the site.

Builds both editions, as the Makefile does, in a temporary copy of conf.py, docs/ and snippets/:
a clean build, `make test`'s steps after it (lint, a rebuild with nothing changed, the tests against
that build), a rebuild after one snippet is edited, and the same pages built by plain Sphinx with
execution switched off (clean, then unchanged). Prints the times side by side with the snippets'
own run times and the ratios that matter.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from editions import EDITIONS

ROOT = Path(__file__).resolve().parents[2]
SPHINX_BUILD = Path(sys.executable).with_name("sphinx-build")


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
              jobs: int = 0, calls: bool = True, contained: bool = True) -> tuple[float, int]:
        """Build both editions; return the wall time and how many snippets were run.

        shared_cache=False, jobs=1 is how sphinx-exec-code alone behaves: every edition runs every
        snippet again, one after the other.
        """
        ran = 0
        started = time.monotonic()
        for edition in EDITIONS:
            folder, language = edition.folder, edition.language
            if not shared_cache:
                shutil.rmtree(self.build_dir / "snippet-cache", ignore_errors=True)
            result = subprocess.run(
                [str(SPHINX_BUILD), "-b", "html", "-c", str(self.root), "-W", "--keep-going",
                 "-D", f"language={language}", "-d", str(self.build_dir / "doctrees" / folder),
                 "-D", f"snippet_cache_dir={self.build_dir / 'snippet-cache'}",
                 "-D", f"snippet_report_dir={self.build_dir / 'reports'}",
                 "-D", f"snippet_execute={int(execute)}", "-D", f"snippet_jobs={jobs}",
                 "-D", f"snippet_calls={int(calls)}",
                 str(self.root / "docs" / folder), str(self.build_dir / "html" / folder)],
                capture_output=True, text=True,
                env={**os.environ, "SNIPPET_CONTAIN": os.environ.get("SNIPPET_CONTAIN", "")
                     if contained else "off"},
            )
            if result.returncode:
                sys.exit(f"build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
            found = re.search(r"snippets: \d+ shown, (\d+) run by this build", result.stdout)
            ran += int(found.group(1)) if found else 0
        return time.monotonic() - started, ran

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
        clean, clean_ran = site.build()
        times = site.run_times()
        tests = site.test()
        lint = site.lint()
        unchanged, unchanged_ran = site.build()
        make_test = lint + unchanged + tests  # what `make test` does after `make html`
        edited = site.root / "snippets" / "pipes" / "read_returns_eof.py"
        edited.write_text(edited.read_text() + "\n# edited by make bench\n")
        one, one_ran = site.build()
        site.clean()
        plain, _ = site.build(execute=False)
        plain_unchanged, _ = site.build(execute=False)
        site.clean()
        no_calls, _ = site.build(calls=False)
        site.clean()
        uncontained, _ = site.build(contained=False)
        site.clean()
        serial, serial_ran = site.build(shared_cache=False, jobs=1, calls=False)

    longest_name = max(times, key=times.get)
    longest, total = times[longest_name], sum(times.values())
    rows = [
        ("clean build, both editions", clean, f"{clean_ran} snippet runs"),
        ("plain Sphinx clean build (no execution)", plain, f"ratio {clean / plain:.2f}"),
        ("  execution adds", clean - plain, ""),
        ("clean build without the Calls made panels", no_calls,
         f"the panels' traced runs add {clean - no_calls:.2f} s"),
        ("clean build without containment", uncontained,
         f"containment adds {clean - uncontained:.2f} s ({(clean / uncontained - 1) * 100:.0f} %)"),
        ("make test after it (lint, rebuild, pytest)", make_test,
         f"{make_test / clean:.2f} x the clean build (the sum of the three)"),
        (f"  pytest (-n {os.environ.get('JOBS', 'auto')})", tests,
         f"{tests / clean:.2f} x the clean build"),
        ("  snippets' run times, summed", total, f"{len(times)} snippets"),
        ("  the longest snippet", longest, longest_name),
        ("no-change rebuild", unchanged, f"{unchanged_ran} snippet runs"),
        ("plain Sphinx no-change rebuild", plain_unchanged,
         f"ratio {unchanged / plain_unchanged:.2f}"),
        ("one snippet edited, rebuild", one, f"{one_ran} snippet runs ({edited.name})"),
        ("before: clean build, serial, no shared cache", serial,
         f"{serial_ran} snippet runs; the cached parallel build is {serial / clean:.1f}x faster"),
    ]
    print(f"make bench on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{'what':44} {'seconds':>8}  notes")
    for name, seconds, note in rows:
        print(f"{name:44} {seconds:8.2f}  {note}")


if __name__ == "__main__":
    main()
