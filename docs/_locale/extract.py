"""`make locale`: the theme's messages for the zh edition, extracted from the templates.

Every message the HTML templates (furo's, and this site's own in docs/_templates, which take
precedence) and docs/_ext/page_html.py pass through the catalog is extracted with Jinja2's and
Babel's extractors, exactly as written there, so no message id is typed by hand. The result
rewrites docs/_locale/zh_CN/LC_MESSAGES/sphinx.po: translations already there are kept, a message
Sphinx's own Chinese catalog translates takes that translation, and the script lists any message
left without one (translate it in the .po, then run `make locale` again). Sphinx compiles the .po
to the .mo it reads at build time.

    python docs/_locale/extract.py           rewrite the catalog
    python docs/_locale/extract.py --check   exit 1 when the catalog is not up to date
"""

from __future__ import annotations

import gettext
import io
import sys
from pathlib import Path

import furo
import sphinx
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CATALOG = HERE / "zh_CN" / "LC_MESSAGES" / "sphinx.po"
OURS = ROOT / "docs" / "_templates"
THEME = Path(furo.__file__).parent / "theme" / "furo"
PYTHON_SOURCES = [ROOT / "docs" / "_ext" / "page_html.py"]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def templates() -> list[tuple[str, Path]]:
    """(name as the build resolves it, file): this site's templates, then furo's not overridden."""
    found = {p.relative_to(OURS).as_posix(): p for p in sorted(OURS.rglob("*.html"))}
    for path in sorted(THEME.rglob("*.html")):
        found.setdefault(path.relative_to(THEME).as_posix(), path)
    return sorted(found.items())


def messages() -> dict[str, list[str]]:
    """msgid -> the places it comes from, in a stable order."""
    found: dict[str, list[str]] = {}
    sources = [(name, path, babel_extract) for name, path in templates()]
    sources += [(p.relative_to(ROOT).as_posix(), p, "python") for p in PYTHON_SOURCES]
    for name, path, method in sources:
        with path.open("rb") as fileobj:
            for lineno, message, _comments, _context in extract(
                    method, fileobj, KEYWORDS, options={"extensions": "jinja2.ext.i18n"}):
                msgid = message if isinstance(message, str) else message[0]
                if msgid:
                    found.setdefault(msgid, []).append(f"{name}:{lineno}")
    return found


def sphinx_catalog() -> gettext.NullTranslations:
    where = Path(sphinx.__file__).parent / "locale"
    return gettext.translation("sphinx", where, languages=["zh_CN"], fallback=True)


def build_catalog() -> tuple[Catalog, list[str]]:
    ours = {}
    if CATALOG.is_file():
        with CATALOG.open("rb") as f:
            ours = {m.id: m.string for m in read_po(f) if m.id}
    theirs = sphinx_catalog()
    catalog = Catalog(locale="zh_CN", project="Linux IPC in Python", fuzzy=False,
                      header_comment="# The theme's words in the zh edition. Message ids are "
                      "extracted from the templates by\n# `make locale` "
                      "(docs/_locale/extract.py): translate here, never type an id.")
    missing = []
    for msgid, places in messages().items():
        string = ours.get(msgid) or ""
        if not string and theirs.gettext(msgid) != msgid:
            string = theirs.gettext(msgid)
        if not string:
            missing.append(msgid)
        catalog.add(msgid, string, locations=[(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1]))
                                              for p in places])
    return catalog, missing


def render(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=True,
             include_lineno=False)
    return out.getvalue()


def main() -> int:
    catalog, missing = build_catalog()
    text = render(catalog)
    if "--check" in sys.argv:
        current = CATALOG.read_bytes() if CATALOG.is_file() else b""
        if _body(current) != _body(text):
            print(f"{CATALOG.relative_to(ROOT)} is not up to date: run `make locale`")
            return 1
    else:
        CATALOG.parent.mkdir(parents=True, exist_ok=True)
        CATALOG.write_bytes(text)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


def _body(po: bytes) -> bytes:
    """The catalog without its dated header."""
    return po[po.find(b'\nmsgid "', po.find(b'msgstr ""') + 1):]


if __name__ == "__main__":
    sys.exit(main())
