"""The engine side of page reuse: MkDocs pages that skip Markdown and the theme.

MkDocs lets a plugin supply the ``Page`` object of a file (``File.page``; the navigation
reuses it). The portal's pages are ``RenderedPage``: when the cache holds a page's body,
``render`` takes it from there instead of running Markdown; when it also holds the finished
page for the current navigation and templates, the page is given a template that renders
nothing and ``on_post_page`` hands MkDocs the stored page. Both are public plugin API.

``CachedPages`` turns these page objects into the plain values ``IncrementalBuild`` and
``PageReuse`` decide on. ProperDocs answers the same imports (``engines``).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import meta

from ..cache_store import CacheError
from ..engines import running
from ..failures import InfrastructureFailure
from ..inline_assets import FOLDER as INLINE_FOLDER
from ..packs.catalog import PACK_FOLDER
from ..search.indexer import SEARCH_FOLDER
from .build import IncrementalBuild
from .page_cache import RenderedBody, TocEntry
from .reuse import Message, PageInputs, link_targets
from .source_meta import KnownSources

# A template that renders nothing: the page comes whole from the cache (see ``on_post_page``).
CACHED_TEMPLATE = "qinglian-cached.html"


class RenderedPage(Page):
    """A page that takes its body, and maybe the whole page, from the cache."""

    def __init__(
        self, title: str | None, file: Any, config: MkDocsConfig, known: KnownSources | None = None
    ) -> None:
        super().__init__(title, file, config)
        self.title_from_navigation = title
        self.cache_key: str | None = None
        self.reused: RenderedBody | None = None
        self.reuses_page = False
        # False when a preview rebuild took the page's key over without assembling its Markdown.
        self.assembled = True
        self._known = known

    def read_source(self, config: MkDocsConfig) -> None:
        if self._known is None:
            super().read_source(config)
            return
        source = config.plugins.on_page_read_source(page=self, config=config)
        if source is None and self.file.generated_by:
            source = self.file.content_string
        if source is None:
            # MkDocs reads the file itself, and says why it cannot.
            super().read_source(config)
            return
        self.markdown, self.meta = self._known.split(self.file.src_uri, source, meta.get_data)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        body = self.reused
        if body is None:
            super().render(config, files)
            return
        # The body's HTML is read only if the theme needs it (``PageReuse.context``).
        self.content = ""
        self.toc = TableOfContents([_anchor_link(entry) for entry in body.toc])
        self.title = body.title
        self.present_anchor_ids = set(body.anchors)
        if running().logger("structure.pages").getEffectiveLevel() > logging.DEBUG:
            self.links_to_anchors = {
                target: dict(links) for uri, links in body.anchor_links.items() if (target := files.get_file_from_path(uri))
            }
        for name, level, message in body.messages:
            logging.getLogger(name).log(level, message)


class CachedPages:
    """One build's page objects and the page cache: what the adapter's page events ask."""

    def __init__(self, build: IncrementalBuild) -> None:
        self.build = build

    def create_pages(self, files: Files, config: MkDocsConfig) -> None:
        """Give every page of the site a ``RenderedPage`` before MkDocs makes plain ones."""
        if self.build.reuse is None:
            return
        titles = dict(_navigation_titles(config.nav or []))
        known = self.build.known_sources
        for file in files.documentation_pages():
            if file.page is None:
                RenderedPage(titles.get(file.src_uri), file, config, known)

    def known(self, page: Page, portal_page: bool, document: bool) -> bool:
        """True when a preview rebuild takes the page's body over without assembling its Markdown."""
        reuse, key = self.build.reuse, self.build.known_key(page.file.src_uri)
        if reuse is None or key is None or not portal_page:
            return False
        # A page the live release has from the same body is linked unless the layout changed: its
        # body is read (and checked) only then, in ``context``.
        checked = not self.build.live_made_from(page.file.dest_uri, key)
        body = reuse.known(page.file.src_uri, key, checked) if isinstance(page, RenderedPage) else None
        if body is not None and isinstance(page, RenderedPage):
            page.cache_key, page.reused, page.assembled = key, body, False
            return True
        if not document and self.build.taking_over:
            # A generated page's blocks were filled in by the last build and are gone.
            raise PluginError(f"页面缓存中缺少 {page.file.src_uri}（缓存在预览期间被删除？）；再保存一次任一文件即可完整重新生成。")
        return False

    def look_up(self, page: Page, markdown: str, files: Files) -> None:
        """Look the page up by its assembled Markdown; a body found there is not rendered again."""
        reuse = self.build.reuse
        if reuse is None or not isinstance(page, RenderedPage):
            return

        def where(path: str) -> tuple[str, str] | None:
            file = files.get_file_from_path(path)
            return (file.url, str(file.inclusion)) if file else None

        src_uri = page.file.src_uri
        inputs = PageInputs(
            src_uri, page.url, str(page.file.inclusion), page.title_from_navigation or "", page.meta, markdown,
            link_targets(src_uri, markdown, where),
        )
        page.cache_key, page.reused = reuse.look_up(inputs)

    def reused(self, page: Page) -> bool:
        return isinstance(page, RenderedPage) and page.reused is not None

    def assembled(self, page: Page) -> bool:
        """Whether the page's Markdown was made in this build (and holds fragments to release)."""
        return not isinstance(page, RenderedPage) or page.assembled

    def rendered(self) -> list[Message]:
        """The messages logged while Markdown rendered the page; call when the body is done."""
        return self.build.reuse.rendered() if self.build.reuse is not None else []

    def store_body(self, page: Page, html: str, messages: list[Message]) -> None:
        if self.build.reuse is None or not isinstance(page, RenderedPage) or page.cache_key is None:
            return
        body = RenderedBody(
            title=page.title,
            toc=[_toc_entry(link) for link in page.toc],
            anchors=sorted(page.present_anchor_ids or ()),
            anchor_links={file.src_uri: dict(links) for file, links in (page.links_to_anchors or {}).items()},
            messages=messages,
        )
        self.build.reuse.store_body(page.cache_key, body, html)

    def lay_out(self, templates: dict[str, str], nav: Navigation | None, files: Files, site_url: str) -> None:
        """Decide, once every body is known, which pages come whole from the cache."""
        reuse = self.build.reuse
        if reuse is None or nav is None:
            return
        reuse.lay_out(site_url, _navigation_fingerprint(nav), templates)
        for file in files.documentation_pages():
            page = file.page
            if not isinstance(page, RenderedPage) or page.reused is None or page.cache_key is None:
                continue
            linked = self.build.links_from_live(file.abs_dest_path, reuse.made_by(page.cache_key))
            if reuse.has_page(page.cache_key, page.reused, linked):
                page.reuses_page = True
                page.meta["template"] = CACHED_TEMPLATE

    def context(self, page: Page) -> None:
        """A reused body laid out anew (the navigation changed): the theme needs its HTML."""
        if self.build.reuse is not None and isinstance(page, RenderedPage) and page.reused is not None and not page.reuses_page:
            try:
                page.content = self.build.reuse.body_html(page.cache_key or "")
            except CacheError as exc:
                raise InfrastructureFailure(str(exc)) from None

    def finished(self, page: Page, inline_assets: dict[str, bytes]) -> str | None:
        """The finished page when it comes from the cache ("" when the file in the site folder is it already).

        A file changed since ``lay_out`` checked it fails the build (``InfrastructureFailure``).
        """
        reuse = self.build.reuse
        if reuse is None or not isinstance(page, RenderedPage) or not page.reuses_page or page.reused is None:
            return None
        reuse.take_page(page.cache_key or "", page.reused, inline_assets)
        if self._in_place(page):
            return ""
        try:
            return reuse.stored_page(page.cache_key or "")
        except CacheError as exc:
            raise InfrastructureFailure(str(exc)) from None

    def keep(self, page: Page, output: str, inline_assets: dict[str, bytes]) -> str:
        """Store the finished page; "" when the file in the site folder is it already."""
        reuse = self.build.reuse
        if reuse is None:
            return output
        if isinstance(page, RenderedPage) and page.cache_key is not None and not page.reuses_page:
            reuse.store_page(page.cache_key, output, inline_assets)
        return "" if self._in_place(page) else output

    def _in_place(self, page: Page) -> bool:
        made_by = None
        if self.build.reuse is not None and isinstance(page, RenderedPage) and page.cache_key is not None:
            made_by = self.build.reuse.made_by(page.cache_key)
        return self.build.in_place(page.file.src_uri, page.file.abs_dest_path, made_by)


def produced_files(config: MkDocsConfig, files: Files, inline_assets: Iterable[str]) -> tuple[set[str], set[str]]:
    """Every file a preview build writes, and the folders it writes anew as a whole."""
    site = Path(config.site_dir)
    produced = {file.abs_dest_path for file in files if file.inclusion.is_in_serve()}
    for template in config.theme.static_templates:
        produced |= {str(site / template), str(site / f"{template}.gz")}
    produced |= {str(site / INLINE_FOLDER / name) for name in inline_assets}
    return produced, {str(site / SEARCH_FOLDER), str(site / PACK_FOLDER)}

def _navigation_titles(items: Iterable[Any]) -> Iterator[tuple[str, str]]:
    """(source path, title) of every page that mkdocs.yml's ``nav`` names with a title."""
    for item in items:
        if isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str):
                    yield value, title
                elif isinstance(value, list):
                    yield from _navigation_titles(value)


def _navigation_fingerprint(nav: Navigation) -> str:
    def describe(items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            if isinstance(item, Section):
                yield ["section", item.title, list(describe(item.children))]
            elif isinstance(item, Page):
                yield ["page", item.title, item.url, item.meta]
            elif isinstance(item, Link):
                yield ["link", item.title, item.url]

    return json.dumps(list(describe(nav.items)), ensure_ascii=False, default=str)


def theme_templates(theme_dirs: list[str]) -> dict[str, str]:
    """Every HTML and XML template the theme can use, by name, as Jinja would find it (first folder wins).

    Walks the folders itself: Jinja's ``list_templates`` also walks Material's thousands of
    icons, a tenth of a rebuild that reuses every page.
    """
    found: dict[str, str] = {}
    for folder in theme_dirs:
        for current, folders, names in os.walk(folder):
            folders[:] = sorted(name for name in folders if not name.startswith("."))
            for name in sorted(names):
                if name.endswith((".html", ".xml")):
                    path = os.path.join(current, name)
                    found.setdefault(os.path.relpath(path, folder).replace(os.sep, "/"), path)
    return {name: Path(path).read_text(encoding="utf-8") for name, path in sorted(found.items())}


def _toc_entry(link: AnchorLink) -> TocEntry:
    return (link.title, link.id, link.level, [_toc_entry(child) for child in link.children])


def _anchor_link(entry: TocEntry) -> AnchorLink:
    title, anchor, level, children = entry
    link = AnchorLink(title, anchor, level)
    link.children = [_anchor_link(child) for child in children]
    return link
