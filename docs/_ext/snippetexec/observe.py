"""The observation layer, build side: what a run records (its setting), and the site folder
that makes every Python process of a run record it.

* ``write_site(folder, prefix)``: a run's site folder: ``sitecustomize.py`` (``prefix``, then
  ``SITE_CODE``, a start-up hook of a few lines) and the recording side, the package
  ``recorder/`` copied as ``_snippet_recorder`` with its modules byte-compiled once per build
  process (unchecked-hash .pyc files: a run writes no bytecode and its site folder is
  read-only, so they are there beforehand). The hook imports the package only when
  ``SNIPPET_EVENTS`` names an events file, so a snippet run by hand is unaffected. What is
  recorded, and how: ``recorder/__init__.py``.
* ``environment(events_file, setting)``: the variables that turn it on for a run.
* The reading side, ``Event``, ``Events``, ``load``...: ``events.py`` (re-exported here).

Per-snippet setting (header line, read by the runner and passed as ``SNIPPET_OBSERVE``)::

    # snippet: observe = first 50     in each process, only the first 50 events of each repeated
                                      call (os.read, os.write, os.close, socket send/recv...,
                                      os.kill, sigwait, sigpending, waitpid...), then one
                                      "observe.limit" event {"call", "limit"}, and that call's
                                      wrapper takes itself off the module: later calls cost
                                      nothing (a forked child starts again with its own 50).
                                      The default is first 1000.
    # snippet: observe = all          every event (a test that counts calls in the thousands)
    # snippet: observe = off          nothing is recorded (the wrappers are not even installed)
"""

from __future__ import annotations

import os
import py_compile
import re
import sys
import tempfile
import threading
from pathlib import Path

try:
    from .events import Event, Events, Signal, from_lines, load, wrap
except ImportError:  # runner.py run as a script
    from events import Event, Events, Signal, from_lines, load, wrap

__all__ = ["Event", "Events", "Signal", "from_lines", "load", "wrap", "parse_setting",
           "environment", "write_site", "SITE_CODE", "RECORDER"]

ENV_EVENTS = "SNIPPET_EVENTS"  # file the events are appended to
ENV_SETTING = "SNIPPET_OBSERVE"  # "all", "first N" or "off" (from the snippet header)
HEADER_KEY = "observe"
DEFAULT_SETTING = "first 1000"
HEADER_HELP = ("what the run records: first N (events of each repeated call per process; "
               "default first 1000), all, or off")
_SETTING = re.compile(r"^(all|off|first\s+(\d+))$")

RECORDER = Path(__file__).resolve().parent / "recorder"  # the recording side's sources
PACKAGE = "_snippet_recorder"  # its name in a run's site folder
SITE_CODE = f"""\
# --- observation layer (docs/_ext/snippetexec/recorder, here as {PACKAGE}) ---
import os as _os
if _os.environ.get({ENV_EVENTS!r}):
    import {PACKAGE}
    {PACKAGE}.install()
del _os
"""


def parse_setting(value: str) -> str:
    """The normalised value of a ``# snippet: observe = ...`` header; ValueError if invalid."""
    m = _SETTING.match(value.strip().lower())
    if not m:
        raise ValueError(f"observe must be 'all', 'first N' or 'off', not {value!r}")
    return f"first {int(m.group(2))}" if m.group(2) else m.group(1)


def environment(events_file: str | os.PathLike, setting: str = DEFAULT_SETTING) -> dict[str, str]:
    """The environment variables a run needs so that SITE_CODE records into ``events_file``."""
    setting = parse_setting(setting)
    if setting == "off":
        return {}
    return {ENV_EVENTS: os.fspath(events_file), ENV_SETTING: setting}


def write_site(folder: Path, prefix: str = "") -> None:
    """Make ``folder`` a run's site folder: sitecustomize.py and the recorder package."""
    (folder / "sitecustomize.py").write_text(prefix + ("\n" if prefix else "") + SITE_CODE)
    (folder / PACKAGE / "__pycache__").mkdir(parents=True, exist_ok=True)
    for name, data in _package_files().items():
        (folder / name).write_bytes(data)


_files: dict[str, bytes] = {}
_files_lock = threading.Lock()


def _package_files() -> dict[str, bytes]:
    """The package's files, by path in the site folder: each module's source and its .pyc,
    compiled at first use by this interpreter (the one behind the runs' venv: same version)."""
    with _files_lock:
        if not _files:
            _files.update(_compiled())
    return _files


def _compiled() -> dict[str, bytes]:
    files = {}
    tag = sys.implementation.cache_tag
    with tempfile.TemporaryDirectory(prefix="snippet-recorder-") as tmp:
        for source in sorted(RECORDER.glob("*.py")):
            pyc = Path(tmp) / f"{source.stem}.pyc"
            # Unchecked hash: valid whatever the copy's mtime, never compared with the source.
            py_compile.compile(str(source), cfile=str(pyc), doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
            files[f"{PACKAGE}/{source.name}"] = source.read_bytes()
            files[f"{PACKAGE}/__pycache__/{source.stem}.{tag}.pyc"] = pyc.read_bytes()
    return files
