"""`make html`: every edition built at the same time, one sphinx-build each.

The editions share the snippet cache: a snippet is run by one build only and the other takes
its result (snippetexec/schedule.py, Claims), so while one build waits for a run, the other
reads or writes its pages, and both cores stay busy. Each line of output is shown as it comes,
after the name of its edition ("en | reading sources..."). The exit status is the first failing
build's, or 0. Ctrl+C or SIGTERM reaches both builds, which stop their runs at once. A build that
waits for the other's run of a snippet says "0 run by this build" for it: the two editions' lines
"snippets: N shown, M run by this build" add up to the runs made.

    python3 docs/_ext/build_editions.py BUILDDIR CACHE [EDITION] -- [sphinx-build options]
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from editions import EDITIONS

SPHINX_BUILD = Path(sys.executable).with_name("sphinx-build")


def command(edition, build_dir: Path, cache: Path, options: list[str]) -> list[str]:
    folder = edition.folder
    return [str(SPHINX_BUILD), "-b", "html", "-c", ".", "-D", f"language={edition.language}",
            "-d", str(build_dir / "doctrees" / folder), "-D", f"snippet_cache_dir={cache}",
            "-D", f"snippet_report_dir={build_dir / 'reports'}", *options,
            f"docs/{folder}", str(build_dir / "html" / folder)]


def _show(name: str, stream, lock: threading.Lock) -> None:
    for line in iter(stream.readline, b""):
        with lock:
            sys.stdout.buffer.write(f"{name:2} | ".encode() + line)
            sys.stdout.buffer.flush()


def main(argv: list[str]) -> int:
    split = argv.index("--")
    build_dir, cache, *only = argv[:split]
    options = argv[split + 1:]
    chosen = [e for e in EDITIONS if not only or only[0] in ("", e.folder)]
    if not chosen:
        sys.exit(f"no edition {only[0]!r}: {', '.join(e.folder for e in EDITIONS)}")
    lock = threading.Lock()
    builds, readers = [], []
    for edition in chosen:
        print(f"building the {edition.folder} edition", flush=True)
        build = subprocess.Popen(command(edition, Path(build_dir), Path(cache).resolve(),
                                         options),
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        builds.append(build)
        reader = threading.Thread(target=_show, args=(edition.folder, build.stdout, lock))
        reader.start()
        readers.append(reader)

    def forward(signum, frame):
        for build in builds:
            if build.poll() is None:
                build.send_signal(signum)

    # SIGTERM is passed on; Ctrl+C reaches every process of the terminal's foreground group, the
    # builds included, by itself (passed on too, it would interrupt their clean-up).
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    statuses = [build.wait() for build in builds]
    for reader in readers:
        reader.join()
    failed = [(e.folder, s) for e, s in zip(chosen, statuses, strict=True) if s]
    for folder, status in failed:
        print(f"the {folder} edition failed (sphinx-build exit status {status})", flush=True)
    return failed[0][1] if failed else 0


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parents[2])  # conf.py and docs/ are found from the root
    sys.exit(main(sys.argv[1:]))
