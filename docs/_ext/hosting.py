"""Where each edition is published, and the pages that say so.

Each edition lives at ``site_url`` + its folder (GitHub Pages, ``make serve``), or at the URL Read
the Docs gives the edition's own project. From that URL come the canonical links and ``og:url``
(``config-inited``: ``html_baseurl``, ``ogp_site_url``); the ``hreflang`` alternates, the link to
the same page in the other edition and the search and index pages' ``noindex``
(``html-page-context``, after furo's); each edition's sitemap and, beside the editions, the site's
root: the sitemap index, robots.txt, the edition chooser and the 404 page, rendered from
docs/index.html and docs/404.html (``build-finished``).
"""

from __future__ import annotations

import os
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote, urlsplit

from editions import EDITIONS, edition_of


def on_read_the_docs() -> bool:
    return os.environ.get("READTHEDOCS") == "True" and bool(
        os.environ.get("READTHEDOCS_CANONICAL_URL"))


def edition_urls(config) -> dict[str, str]:
    """folder -> the absolute URL of that edition's home folder, ending in "/".

    Own hosting (GitHub Pages, `make serve`): one site, each edition in its folder under
    ``site_url``. Read the Docs: each edition is a project of its own, the Chinese one a
    translation of the English one, served at .../<language>/<version>/.
    """
    if on_read_the_docs():
        here = edition_of(config)
        url = os.environ["READTHEDOCS_CANONICAL_URL"].rstrip("/") + "/"
        parts = urlsplit(url)
        segment = f"/{here.rtd_language}/"
        if segment not in parts.path:
            segment = f"/{os.environ.get('READTHEDOCS_LANGUAGE', here.rtd_language)}/"
        prefix = url[: url.index(parts.path)] if parts.path else url
        return {e.folder: prefix + parts.path.replace(segment, f"/{e.rtd_language}/", 1)
                for e in EDITIONS}
    base = (config.site_url or "http://localhost:8000/").rstrip("/") + "/"
    return {e.folder: f"{base}{e.folder}/" for e in EDITIONS}


def site_root_url(config) -> str | None:
    """The URL of the site's root (the edition chooser), or None where the host makes its own."""
    if on_read_the_docs():
        return None
    return (config.site_url or "http://localhost:8000/").rstrip("/") + "/"


def relative_url(source: str, target: str) -> str:
    """``target`` relative to the page at ``source`` when both are on one host, else absolute."""
    src, dst = urlsplit(source), urlsplit(target)
    if (src.scheme, src.netloc) != (dst.scheme, dst.netloc):
        return target
    return posixpath.relpath(dst.path, posixpath.dirname(src.path) or "/") + (
        "/" if dst.path.endswith("/") and dst.path != "/" else "")


def page_urls(config, pagename: str) -> dict[str, str]:
    """hreflang -> the URL of ``pagename`` in every edition, and "x-default"."""
    urls = edition_urls(config)
    alternates = {e.hreflang: f"{urls[e.folder]}{pagename}.html" for e in EDITIONS}
    root = site_root_url(config)
    alternates["x-default"] = (root if pagename == "index" and root
                               else alternates[EDITIONS[0].hreflang])
    return alternates


def configure(app, config) -> None:
    here = edition_urls(config)[edition_of(config).folder]
    config.html_baseurl = here  # canonical links: <base>/<page>.html
    config.ogp_site_url = here  # og:url


# --- page context: the other edition, alternates --------------------------------------------------

NOINDEX = '\n    <meta name="robots" content="noindex">'


def page_context(app, pagename, templatename, context, doctree) -> None:
    here = edition_of(app.config)
    urls = page_urls(app.config, pagename)
    this_url = urls[here.hreflang]
    context["edition"] = here
    context["hreflang_alternates"] = sorted(urls.items())
    context["site_root_url"] = site_root_url(app.config)
    for other in EDITIONS:
        if other != here:
            context["other_edition"] = {"url": relative_url(this_url, urls[other.hreflang]),
                                        "name": other.name, "lang": other.hreflang}
    if pagename in ("search", "genindex"):
        context["pageurl"] = None  # not pages to index or to name as canonical
    if pagename == "genindex":  # the search page's template says it itself
        context["metatags"] = context.get("metatags", "") + NOINDEX


# --- sitemaps, robots.txt and the site's root -----------------------------------------------------

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def write_sitemap(app, exception) -> None:
    """sitemap.xml for this edition, each page paired with its counterparts (hreflang); in the
    site's root, the sitemap index, robots.txt, the edition chooser and the 404 page."""
    if exception is not None or app.builder.format != "html":
        return
    here = edition_of(app.config)
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS,
                                   "xmlns:xhtml": "http://www.w3.org/1999/xhtml"})
    for docname in sorted(app.env.found_docs):
        urls = page_urls(app.config, docname)
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = urls[here.hreflang]
        for hreflang, href in sorted(urls.items()):
            ET.SubElement(url, "xhtml:link", rel="alternate", hreflang=hreflang, href=href)
    ET.indent(urlset)
    ET.ElementTree(urlset).write(Path(app.outdir, "sitemap.xml"), encoding="utf-8",
                                 xml_declaration=True)
    outdir = Path(app.outdir)
    root_url = site_root_url(app.config)
    if root_url is not None and outdir.name == here.folder:
        write_site_root(outdir.parent, app.config, Path(app.srcdir).parent)
    elif root_url is None:  # Read the Docs: its own root, sitemap and robots.txt; our 404 page
        render_page(Path(app.srcdir).parent / "404.html", outdir / "404.html", app.config)


def write_site_root(root: Path, config, templates: Path) -> None:
    root_url = site_root_url(config)
    urls = edition_urls(config)
    index = ET.Element("sitemapindex", {"xmlns": SITEMAP_NS})
    for edition in EDITIONS:
        ET.SubElement(ET.SubElement(index, "sitemap"), "loc").text = \
            f"{urls[edition.folder]}sitemap.xml"
    ET.indent(index)
    ET.ElementTree(index).write(root / "sitemap.xml", encoding="utf-8", xml_declaration=True)
    (root / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {root_url}sitemap.xml\n",
                                     encoding="utf-8")
    for name in ("index.html", "404.html"):
        render_page(templates / name, root / name, config)


def render_page(template: Path, target: Path, config) -> None:
    """docs/index.html and docs/404.html are Jinja templates of their own: the editions and
    their URLs come from the table in editions.py."""
    import jinja2

    urls = edition_urls(config)
    page = jinja2.Template(template.read_text(encoding="utf-8"), autoescape=True).render(
        editions=EDITIONS, urls=urls, root_url=site_root_url(config),
        favicon=FAVICON_DATA_URL)
    target.write_text(page, encoding="utf-8")


FAVICON = Path(__file__).resolve().parents[1] / "_static" / "favicon.svg"
FAVICON_DATA_URL = ("data:image/svg+xml," + quote(re.sub(r"\s+", " ", FAVICON.read_text()).strip(),
                                                   safe="/=:',;")) if FAVICON.is_file() else ""


def setup(app):
    app.add_config_value("site_url", "http://localhost:8000/", "html", types=frozenset({str}))
    app.connect("config-inited", configure)
    app.connect("html-page-context", page_context, priority=600)  # after furo's
    app.connect("build-finished", write_sitemap)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
