"""A third engine, as small as an engine can be: what an adapter has to provide besides MkDocs and ProperDocs.

It builds a portal's documents and generated pages with Python-Markdown and a one-line
layout, through the same content model, views and ``IncrementalBuild`` the MkDocs adapter
uses, and imports neither engine. ``tests/test_adapter_contract.py`` runs it in a process of
its own and checks that no engine module was loaded. Run it by hand with
``python tests/third_engine.py ROOT SITE CACHE``: it prints what it reused as JSON.
"""

from __future__ import annotations

import html
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import markdown as python_markdown

from qinglian.content.frontmatter import split_front_matter
from qinglian.content.links import unlink_withheld
from qinglian.content.loader import load_content
from qinglian.incremental import CacheFolders, IncrementalBuild
from qinglian.incremental.page_cache import RenderedBody
from qinglian.incremental.reuse import PageInputs, link_targets
from qinglian.structure.clock import build_clock
from qinglian.views.pages import PortalViews
from qinglian.views.rendering import PortalSettings
from qinglian.views.urls import page_url

BUILD_DATE = "2026-11-20T10:00"
LAYOUT = "<!doctype html><html lang=zh-CN><title>{title}</title><nav>{nav}</nav><main>{body}</main></html>\n"


@dataclass
class Report:
    pages: int = 0
    rendered: list[str] = field(default_factory=list)
    reused_bodies: int = 0
    reused_pages: int = 0
    withheld: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def build(root: Path, site: Path, cache: Path) -> Report:
    """Build the portal at ``root`` into ``site``, keeping its caches in ``cache``."""
    clock = build_clock("Asia/Shanghai", BUILD_DATE)
    incremental = IncrementalBuild(page_cache=True)
    content_dir = root / "content"
    # 1. The adapter names the caches and the inputs every page depends on; the build loads the
    #    content (reading again only files that changed since the last build).
    loaded = incremental.start(
        CacheFolders.of(root, str(cache)), "third engine",
        config_file=root / "mkdocs.yml", directory_urls=True, content_dir=content_dir, root=root, today=clock.today,
        load=lambda memo: load_content(content_dir, root, today=clock.today, memo=memo),
    )
    report = Report(withheld=sorted(d.src_uri for d in loaded.withheld), problems=[str(p) for p in loaded.log.errors])
    if report.problems:
        incremental.fail()
        return report
    # 2. The views assemble every page's Markdown; the adapter hands them over.
    views = PortalViews(loaded.corpus, PortalSettings(site_name="第三种引擎"), clock)
    generated = views.generated_pages()
    incremental.assembled(loaded, views, generated, views.generated_files())
    withheld = {d.src_uri: d for d in loaded.withheld}
    pages = {d.src_uri: (d.title, d.body) for d in loaded.corpus.documents}
    pages |= {page.src_uri: (page.title, split_front_matter(page.markdown).body) for page in generated}
    incremental.shown_documents(pages, clock.today.isoformat(), {d.src_uri: d for d in loaded.corpus.documents})
    urls = {src_uri: page_url(src_uri) for src_uri in pages}
    documents = {d.src_uri: d for d in loaded.corpus.documents}
    reuse = incremental.reuse
    if reuse is None:
        raise RuntimeError("the page cache is on")
    bodies: dict[str, tuple[str, str, RenderedBody]] = {}
    for src_uri, (title, text) in pages.items():
        text, _ = unlink_withheld(text, src_uri, 1, withheld)
        document = documents.get(src_uri)
        assembled = views.document_markdown(document, text) if document is not None else text
        inputs = PageInputs(
            src_uri, urls[src_uri], "included", "", {"title": title}, assembled,
            link_targets(src_uri, assembled, lambda path: (urls[path], "included") if path in urls else None),
        )
        # 3. A page whose inputs did not change is not rendered again.
        key, body = reuse.look_up(inputs)
        if body is None:
            rendered = views.fill(python_markdown.markdown(assembled, extensions=["tables", "attr_list", "md_in_html"]))
            body = RenderedBody(title, [], [], {}, reuse.rendered())
            reuse.store_body(key, body, rendered)
            report.rendered.append(src_uri)
        else:
            views.release(assembled)
        bodies[src_uri] = (key, title, body)
    # 4. The layout: a finished page is reused while the navigation and the templates stay.
    nav = "".join(f'<a href="/{urls[page.src_uri]}">{html.escape(page.title)}</a>' for page in generated if page.in_nav)
    reuse.lay_out("", nav, {"layout": LAYOUT})
    assets: dict[str, bytes] = {}
    for src_uri, (key, title, body) in bodies.items():
        if reuse.has_page(key, body):
            reuse.take_page(key, body, assets)
            output = reuse.stored_page(key)
        else:
            output = LAYOUT.format(title=html.escape(title), nav=nav, body=reuse.body_html(key))
            reuse.store_page(key, output, assets)
        target = site / urls[src_uri] / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(output, encoding="utf-8")
        report.pages += 1
    counts = incremental.finish_pages()
    incremental.finish_site(lambda: (set(), set()))
    incremental.release()
    report.reused_bodies, report.reused_pages = counts or (0, 0)
    return report


if __name__ == "__main__":
    result = build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
    engines = sorted(name for name in sys.modules if name.split(".")[0] in ("mkdocs", "properdocs", "material"))
    print(json.dumps({**result.__dict__, "engine_modules": engines}, ensure_ascii=False))
