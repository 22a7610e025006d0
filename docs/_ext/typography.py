"""Chinese typography in the zh edition: what space and punctuation its text keeps.

- No whitespace between two Chinese characters (a source line break, the spaces written around
  a term link), nor next to full-width punctuation or inside curly quotes, nor outside the quotes
  of a Chinese quotation: a post-transform over every page's text (``add_post_transform``).
- The footer's date as Chinese writes it, 2026年12月7日, and no comma between the year and a
  copyright holder that opens with full-width punctuation ("2026《…》作者") (``config-inited``).
- sphinx-copybutton's "copied" message with a full-width "！" (``build-finished``: the edition's
  copy of the script).

The character classes below (``CJK``, ``CJK_TEXT``, ``FULL_WIDTH``) are the site's one definition
of Chinese text; the glossary, search and description code import them.
"""

from __future__ import annotations

import re
from pathlib import Path

from editions import edition_of

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han characters
CJK_TEXT = CJK + r"\u3000-\u303f\uff00-\uffef"  # and Chinese punctuation, full-width forms
# Full-width punctuation: no space on either side of it in Chinese text ("传给其他进程：fork(2)").
FULL_WIDTH = r"\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"


def configure(app, config) -> None:
    edition = edition_of(config)
    if re.match(f"[{FULL_WIDTH}]", edition.authors) and edition.authors in config.copyright:
        # "2026《…》作者", not "2026, 《…" (editions.py puts the holder in the copyright line).
        config.copyright = config.copyright.replace(", " + edition.authors, edition.authors)
    if edition.language.startswith("zh"):
        # The footer's date as Chinese writes it: 2026年12月7日 (Sphinx's default for zh_CN
        # gives "2026 年 12 月 07 日").
        if not config.html_last_updated_fmt:
            config.html_last_updated_fmt = "%Y年%-m月%-d日"


# --- Chinese text: no space between two Chinese characters ----------------------------------------

def _cjk_spacing_transform():
    from docutils import nodes
    from sphinx.transforms.post_transforms import SphinxPostTransform

    skip = (nodes.FixedTextElement, nodes.literal, nodes.raw, nodes.comment, nodes.math)
    # Curly double quotes are Chinese punctuation in Chinese text: no space inside them, nor
    # between them and a Chinese character.
    cjk_before = re.compile(f"[{CJK_TEXT}\u201c\u201d]$")
    cjk_after = re.compile(f"^[{CJK_TEXT}\u201c\u201d]")
    punct_before = re.compile(f"[{FULL_WIDTH}\u201c]$")
    punct_after = re.compile(f"^[{FULL_WIDTH}\u201d]")
    # A quotation in Chinese: no space outside its quotes either ("“…实现。”4096").
    quote_before = re.compile(f"[{CJK_TEXT}]\u201d$")
    quote_after = re.compile(f"^\u201c[{CJK_TEXT}]")

    class CJKSpacing(SphinxPostTransform):
        """Drop whitespace whose neighbours on both sides (across inline markup such as term
        links) are Chinese: a line break in the source or a space written around a link; and
        whitespace next to full-width punctuation or inside curly quotes, whatever is on its
        other side ("进程： fork(2)", "“ 管道 ”"), or outside the quotes of a Chinese quotation
        ("“…实现。” 4096")."""

        default_priority = 900

        def run(self, **kwargs) -> None:
            if not edition_of(self.config).language.startswith("zh"):
                return
            for block in self.document.findall(nodes.TextElement):
                if isinstance(block, skip) or isinstance(block.parent, nodes.TextElement):
                    continue
                self._fix(block)

        def _fix(self, block) -> None:
            pieces: list[tuple[nodes.Node | None, str]] = []  # (editable Text or None, text)
            self._collect(block, pieces)
            text = "".join(t for _, t in pieces)
            drop = [False] * len(text)
            for match in re.finditer(r"\s+", text):
                start, end = match.span()
                before, after = text[max(0, start - 1):start], text[end:end + 1]
                if (cjk_before.search(before) and cjk_after.match(after)
                        or punct_before.search(before) or punct_after.match(after)
                        or quote_before.search(text[max(0, start - 2):start])
                        or quote_after.match(text[end:end + 2])):
                    drop[start:end] = [True] * (end - start)
            at = 0
            for node, piece in pieces:
                here = drop[at:at + len(piece)]
                at += len(piece)
                if node is None or not any(here):
                    continue
                kept = "".join(ch for ch, gone in zip(piece, here, strict=True) if not gone)
                parent = node.parent  # by identity: Text nodes are strings, equal ones abound
                parent[next(i for i, c in enumerate(parent.children) if c is node)] = \
                    nodes.Text(kept)

        def _collect(self, node, pieces) -> None:
            for child in node.children:
                if isinstance(child, nodes.Text):
                    pieces.append((child, str(child)))
                elif isinstance(child, skip):
                    pieces.append((None, child.astext()))
                elif isinstance(child, nodes.Element):
                    self._collect(child, pieces)

    return CJKSpacing


# --- the copy button's words ----------------------------------------------------------------------

COPYBUTTON_WORDS = {"zh": {"'复制成功!'": "'复制成功！'"}}  # full-width in Chinese text


def fix_copybutton_words(app, exception) -> None:
    """sphinx-copybutton's messages are fixed in its script: its Chinese "copied" ends with a
    half-width "!". The edition's copy of the script gets the full-width one."""
    if exception is not None or app.builder.format != "html":
        return
    words = COPYBUTTON_WORDS.get(edition_of(app.config).folder, {})
    script = Path(app.outdir, "_static", "copybutton.js")
    if words and script.is_file():
        text = script.read_text(encoding="utf-8")
        for old, new in words.items():
            text = text.replace(old, new)
        script.write_text(text, encoding="utf-8")


def setup(app):
    app.connect("config-inited", configure)
    app.connect("build-finished", fix_copybutton_words)
    app.add_post_transform(_cjk_spacing_transform())
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
