"""The pages' HTML, where Sphinx, furo or sphinxext-opengraph would make it otherwise.

- A table whose top-left header cell is empty is a comparison: its first column renders as row
  headers (``th``) (a transform, ``add_transform``).
- Lighter HTML: highlighted code without the spans Pygments gives names, punctuation and
  spaces, a run of string spans as one, inline code without a span per word; and furo's
  navigation toggles labelled in the edition's language, from the catalog in docs/_locale
  (``html-page-context``, after furo's).
- A page's ``description`` and ``og:description``: its first paragraphs as a reader reads them
  (sphinxext-opengraph's ``get_description`` is replaced at ``setup``).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from typography import CJK, CJK_TEXT

# --- the first column of a table whose corner is empty holds row headers --------------------------

def _row_header_transform():
    from docutils import nodes
    from sphinx.transforms import SphinxTransform

    class RowHeaders(SphinxTransform):
        """A table whose top-left header cell is empty is a comparison: its first column names
        the rows, so it renders as row headers (``th``)."""

        default_priority = 500

        def apply(self, **kwargs) -> None:
            for tgroup in self.document.findall(nodes.tgroup):
                head = next(iter(tgroup.findall(nodes.thead)), None)
                colspecs = [c for c in tgroup.children if isinstance(c, nodes.colspec)]
                if head is None or not colspecs:
                    continue
                first = next(iter(head.findall(nodes.entry)), None)
                if first is not None and not first.astext().strip():
                    colspecs[0]["stub"] = 1

    return RowHeaders


# --- page context: lighter code, the theme's words ------------------------------------------------

# Pygments' Name, Punctuation and Text.Whitespace tokens: no colour of their own in the theme's
# styles (.highlight .n/.p/.w are the colour of .highlight itself, light and dark).
PLAIN_TOKEN = re.compile(r'<span class="[npw]">([^<]*)</span>')
# Pygments' String tokens: one colour in each style (.highlight .s, .s2, .si... alike, light and
# dark), so that a run of them side by side (f"x {  from sa, s2, si) is one span of class s.
STRING_CLASSES = ("s", "sa", "sb", "sc", "dl", "sd", "s2", "se", "sh", "si", "s1")
STRING_TOKEN = re.compile(rf'<span class="(?:{"|".join(STRING_CLASSES)})">([^<]*)</span>')
STRING_RUN = re.compile(rf"(?:{STRING_TOKEN.pattern})+")
# The words of inline code: Sphinx wraps each in <span class="pre">, a class no stylesheet of the
# site styles (furo leaves out Sphinx's basic.css, where it was white-space: nowrap).
INLINE_WORD = re.compile(r'<span class="pre">([^<]*)</span>')


def lighter_html(body: str) -> str:
    """The page's HTML without markup that draws nothing: the spans of names, punctuation and
    spaces in highlighted code (the style draws them in the code's own colour, light and dark;
    they were a third of the longest pages' weight), runs of string spans as one, and the spans
    around each word of inline code."""
    body = PLAIN_TOKEN.sub(r"\1", body)
    body = STRING_RUN.sub(
        lambda run: '<span class="s">' + "".join(STRING_TOKEN.findall(run.group())) + "</span>",
        body)
    return INLINE_WORD.sub(r"\1", body)


def page_context(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = lighter_html(context["body"])
    tree = context.get("furo_navigation_tree")
    if tree:
        from sphinx.locale import _

        prefix = _("Toggle navigation of %s") % ""
        context["furo_navigation_tree"] = tree.replace(
            'aria-label="Toggle navigation of ', f'aria-label="{prefix}')


# --- link previews: the description of a page -----------------------------------------------------

def page_description(doctree, description_length: int, known_titles=frozenset()) -> str:
    """The ``description`` and ``og:description`` of a page: its first paragraphs as a reader
    reads them, cut at a sentence when one ends past half the length. (sphinxext-opengraph's
    own walks every node: it put a space between a Chinese word and the link beside it, and
    turned the first table into ",,,,".) Tables, admonitions, code and the snippets' "Run it
    yourself" lines are left out. Returned HTML-escaped, as the extension writes it as is."""
    import html

    from docutils import nodes

    left_out = (nodes.table, nodes.Admonition, nodes.footnote, nodes.citation, nodes.topic,
                nodes.sidebar, nodes.system_message, nodes.field_list, nodes.definition_list)
    text = ""
    for paragraph in doctree.findall(nodes.paragraph):
        if "snippet-run" in paragraph["classes"] or any(
                isinstance(a, left_out) for a in _ancestors(paragraph)):
            continue
        piece = re.sub(r"\s+", " ", paragraph.astext()).strip()
        if not piece:
            continue
        glue = "" if not text or re.search(f"[{CJK_TEXT}]$", text) else " "
        text += glue + piece
        if len(text) >= description_length:
            break
    text = re.sub(rf"(?<=[{CJK_TEXT}]) +(?=[{CJK_TEXT}])", "", text)
    if len(text) > description_length:
        cut = text[:description_length - 1]
        ends = [m.end() for m in re.finditer(r"[。！？](?=.)|[.!?](?= )", cut)]
        if ends and ends[-1] > description_length // 2:
            text = cut[:ends[-1]]
        elif re.search(f"[{CJK}]", cut[-20:]):
            text = cut[:-1] + "……"
        else:
            text = cut.rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return html.escape(text, quote=True)


def _ancestors(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def setup(app):
    import sphinxext.opengraph

    sphinxext.opengraph.get_description = page_description
    app.connect("html-page-context", page_context, priority=600)  # after furo's
    app.add_transform(_row_header_transform())
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": code_version()}


def code_version(ext: Path | None = None) -> int:
    """A number that changes with any file of docs/_ext: Sphinx reads and writes every page
    again when it changes (the environment's version), as it does when conf.py changes, so an
    incremental build never keeps a page made by older code."""
    digest = hashlib.sha256()
    ext = ext or Path(__file__).resolve().parent
    for path in sorted(ext.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ext)).encode() + b"\0" + path.read_bytes())
    return int.from_bytes(digest.digest()[:6], "big")
