"""Shared fixtures: run a snippet the way the site does, and where things are."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
DOCS = ROOT / "docs"
BUILD = Path(os.environ.get("BUILDDIR") or ROOT / "_build").resolve()  # `make html BUILDDIR=...`
sys.path.insert(0, str(DOCS / "_ext"))

from snippetexec import runner  # noqa: E402


class Output:
    """What a snippet printed, with helpers that make assertions read like the page's claims."""

    def __init__(self, result: runner.Run):
        self.run = result
        self.text = result.output
        self.lines = result.output.splitlines()

    def __contains__(self, fragment: str) -> bool:
        return fragment in self.text

    def line(self, prefix: str) -> str:
        """The one line that starts with ``prefix``, without the prefix."""
        found = [line[len(prefix):].strip() for line in self.lines if line.startswith(prefix)]
        assert len(found) == 1, f"expected one line starting {prefix!r}, got {found!r}\n{self.text}"
        return found[0]

    def __repr__(self) -> str:
        return f"Output({self.run.snippet})\n{self.text}"


@pytest.fixture
def snippet():
    """``snippet("pipes/read_returns_eof.py")`` runs it and returns its Output.

    The run must succeed: exit status 0, within the time limit, leaving no process or file behind.
    """

    def run(name: str, timeout: float = runner.DEFAULT_TIMEOUT) -> Output:
        result = runner.run(SNIPPETS / name, timeout=timeout)
        assert result.ok, result.describe()
        return Output(result)

    return run
