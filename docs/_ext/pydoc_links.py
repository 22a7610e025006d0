"""The ``py`` role: link a standard-library name to its entry in the Python documentation.

``{py}`os.pipe``` becomes a link to https://docs.python.org/3/library/os.html#os.pipe (in the zh
edition, to the same page of the Chinese translation, https://docs.python.org/zh-cn/3/...).

Where the link goes comes from the Python documentation's own inventory (its objects.inv), kept
in the repository as ``python-inventory.txt`` (name, then the page and anchor, one per line) so
that the build needs no network: `make pyinventory` fetches the current one
(``python3 docs/_ext/pydoc_links.py --update``), and `make linkcheck` checks every link against
the live site. A name the inventory lacks is a build warning. Without the inventory file the
page is found by importing the longest module prefix of the name (built-in exceptions on
library/exceptions.html, other built-ins on library/functions.html).
"""

from __future__ import annotations

import builtins
import functools
import importlib
import io
import sys
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

DOCS = "https://docs.python.org/3/"
BASE = DOCS + "library/"
# The Python documentation in the language of an edition, where it has one (the same pages and
# anchors under another folder): the zh edition links to the Chinese translation.
TRANSLATED = {"zh": "https://docs.python.org/zh-cn/3/"}
INVENTORY = Path(__file__).with_name("python-inventory.txt")
logger = logging.getLogger(__name__)


@functools.cache
def inventory() -> dict[str, str] | None:
    """name -> page#anchor relative to DOCS, from the kept inventory (None when there is none)."""
    if not INVENTORY.is_file():
        return None
    found = {}
    for line in INVENTORY.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, where = line.partition("\t")
            found[name] = where
    return found


def target(name: str) -> str | None:
    """The URL documenting ``name``, or None when no such standard-library name exists."""
    kept = inventory()
    if kept is not None:
        return DOCS + kept[name] if name in kept else None
    return _by_import(name)


def _by_import(name: str) -> str | None:
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
    language = (inliner.document.settings.env.config.language or "en").split("_")[0]
    if url is not None and language in TRANSLATED:
        url = TRANSLATED[language] + url.removeprefix(DOCS)
    if url is None:
        where = "the Python documentation's inventory" if inventory() is not None \
            else "the standard library"
        msg = inliner.reporter.warning(f"{text!r} is not in {where}", line=lineno)
        return [literal], [msg]
    return [nodes.reference(rawtext, "", literal, refuri=url, classes=["pydoc"])], []


def update(url: str = DOCS + "objects.inv") -> None:
    """Fetch the Python documentation's inventory and keep its Python objects and modules.
    ``url`` may also be a local objects.inv (e.g. from a distribution's python3.X-doc package)."""
    import urllib.request

    from sphinx.util.inventory import InventoryFile

    if Path(url).is_file():
        data = Path(url).read_bytes()
    else:
        with urllib.request.urlopen(url, timeout=60) as response:
            data = response.read()
    inv = InventoryFile.load(io.BytesIO(data), "", lambda base, uri: uri)
    entries = {}
    project = version = ""
    for role, items in getattr(inv, "data", inv).items():
        if not role.startswith("py:"):
            continue
        for name, item in items.items():
            project, version = item.project_name, item.project_version
            entries.setdefault(name, item.uri)
    header = (f"# The Python documentation's inventory ({project} {version}), from {url}:\n"
              "# name<TAB>page#anchor. Made by `make pyinventory`, read by pydoc_links.py.\n")
    INVENTORY.write_text(header + "".join(f"{n}\t{u}\n" for n, u in sorted(entries.items())),
                         encoding="utf-8")
    print(f"{INVENTORY}: {len(entries)} names from {project} {version}")


def setup(app):
    app.add_role("py", py_role)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--update"] and len(sys.argv) <= 3:
        update(*sys.argv[2:])
    else:
        sys.exit("usage: python docs/_ext/pydoc_links.py --update [URL or objects.inv file]")
