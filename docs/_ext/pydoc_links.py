"""The ``py`` role: link a standard-library name to its entry in the Python documentation.

``{py}`os.pipe``` becomes a link to https://docs.python.org/3/library/os.html#os.pipe. The page is
found by importing the longest module prefix of the name, so the build needs no network and no
downloaded inventory; a name that does not exist is a build warning.
"""

from __future__ import annotations

import builtins
import importlib

from docutils import nodes
from sphinx.util import logging

BASE = "https://docs.python.org/3/library/"
logger = logging.getLogger(__name__)


def target(name: str) -> str | None:
    """The URL documenting ``name``, or None when no such standard-library name exists."""
    parts = name.split(".")
    if len(parts) == 1:
        obj = getattr(builtins, name, None)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            return f"{BASE}exceptions.html#{name}"
        if obj is not None:
            return f"{BASE}functions.html#{name}"
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        try:
            obj = importlib.import_module(module_name)
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return None
        return f"{BASE}{module_name}.html" + (f"#{name}" if cut < len(parts) else "")
    return None


def py_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{py}`os.pipe``` or, with other link text, ``{py}`binds <socket.socket.bind>```."""
    shown, _, name_in_brackets = text.partition(" <")
    if name_in_brackets.endswith(">"):
        text, shown = name_in_brackets[:-1], shown
    url = target(text)
    literal = nodes.literal(shown, shown)
    if url is None:
        msg = inliner.reporter.warning(f"{text!r} is not a standard-library name", line=lineno)
        return [literal], [msg]
    return [nodes.reference(rawtext, "", literal, refuri=url, classes=["pydoc"])], []


def setup(app):
    app.add_role("py", py_role)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
