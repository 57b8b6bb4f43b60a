"""The MkDocs side of the page cache (``page_cache``): pages that skip Markdown and the theme.

MkDocs lets a plugin supply the ``Page`` object of a file (``File.page``; the navigation
reuses it). The portal's pages are ``RenderedPage``: when the cache holds a page's body,
``render`` takes it from there instead of running Markdown; when it also holds the finished
page for the current navigation and templates, the page is given a template that renders
nothing and ``on_post_page`` hands MkDocs the stored page. Both are public plugin API.

What MkDocs logs while it renders a body (a link to a missing file, say) is recorded with
the body and logged again whenever the body is reused, so warnings and ``--strict`` behave
as if the page had been rendered.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import logging
import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from importlib import metadata, resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import meta

from .inline_assets import FOLDER as INLINE_FOLDER
from .engines import running
from .page_cache import PageCache, RenderedBody, TocEntry, digest

# A template that renders nothing: the page comes whole from the cache (see ``on_post_page``).
CACHED_TEMPLATE = "qinglian-cached.html"
_INLINE_ASSET = re.compile(re.escape(INLINE_FOLDER) + r"/([0-9a-f]{20}\.(?:js|css))")
# Inline and reference links and HTML attributes: what Markdown may turn into a link to a file.
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|^\s*\[[^\]]+\]:\s*<?([^\s>]+)|\b(?:href|src)\s*=\s*[\"']([^\"']+)", re.M)
# Each page's source, Markdown and metadata as last read, by source path (``mkdocs serve`` only).
SourceMemo = dict[str, tuple[str, str, dict[str, Any]]]
# What renders a page besides the engine itself (whose name and version come from engines.running()).
_RENDERERS = ("mkdocs-material", "markdown", "pymdown-extensions", "jinja2")


class RenderedPage(Page):
    """A page that takes its body, and maybe the whole page, from the cache."""

    def __init__(self, title: str | None, file: Any, config: MkDocsConfig, sources: SourceMemo | None = None) -> None:
        super().__init__(title, file, config)
        self.title_from_navigation = title
        self.cache_key: str | None = None
        self.reused: RenderedBody | None = None
        self.reuses_page = False
        # False when a preview rebuild took the page's key over without assembling its Markdown.
        self.assembled = True
        self._sources = sources

    def read_source(self, config: MkDocsConfig) -> None:
        if self._sources is None:
            super().read_source(config)
            return
        source = config.plugins.on_page_read_source(page=self, config=config)
        if source is None:
            source = self.file.content_string
        known = self._sources.get(self.file.src_uri)
        if known is None or known[0] != source:
            markdown, page_meta = meta.get_data(source)
            known = self._sources[self.file.src_uri] = (source, markdown, page_meta)
        # The plugin changes a page's metadata in place; the remembered one stays as read.
        self.markdown, self.meta = known[1], copy.deepcopy(known[2])

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


class _MessageRecorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[tuple[str, int, str]] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.messages is not None:
            self.messages.append((record.name, record.levelno, record.getMessage()))


class PageReuse:
    """One build's use of the page cache; the plugin calls it from its event handlers."""

    def __init__(
        self, folder: Path, config: MkDocsConfig, last: PageCache | None = None, sources: SourceMemo | None = None
    ) -> None:
        """``last`` is the cache of the previous build in this process, already read."""
        salt = build_salt(config)
        if last is not None and last.folder == folder and last.salt == salt:
            self.cache = last
            self.cache.begin()
        else:
            self.cache = PageCache(folder, salt)
            self.cache.load()
        self.sources = sources
        self.site_url = config.site_url or ""
        self.layout = ""
        self._recorder = _MessageRecorder()
        # Messages are recorded from whichever engine runs (its mkdocs.* loggers hang under it).
        self._engine_logger = running().logger()
        self._engine_logger.addHandler(self._recorder)
        self.reused_bodies = 0
        self.reused_pages = 0
        # Each page's key in this build, by source path.
        self.keys: dict[str, str] = {}

    def create_pages(self, files: Files, config: MkDocsConfig) -> None:
        """Give every page of the site a ``RenderedPage`` before MkDocs makes plain ones."""
        titles = dict(_navigation_titles(config.nav or []))
        for file in files.documentation_pages():
            if file.page is None:
                RenderedPage(titles.get(file.src_uri), file, config, self.sources)

    def begin(self, page: Page, markdown: str, files: Files) -> bool:
        """Look the page up by its assembled Markdown; True when its body comes from the cache."""
        if not isinstance(page, RenderedPage):
            return False
        page.cache_key = self.cache.body_key(
            page.file.src_uri,
            page.url,
            str(page.file.inclusion),
            page.title_from_navigation or "",
            json.dumps(page.meta, sort_keys=True, ensure_ascii=False, default=str),
            markdown,
            _link_targets(page.file.src_uri, markdown, files),
        )
        self.keys[page.file.src_uri] = page.cache_key
        page.reused = self.cache.body(page.cache_key)
        if page.reused is not None:
            self.reused_bodies += 1
            return True
        self._recorder.messages = []
        return False

    def begin_known(self, page: Page, key: str) -> bool:
        """Reuse the body stored under ``key``, known to be the page's (its inputs did not change)."""
        if not isinstance(page, RenderedPage):
            return False
        body = self.cache.body(key)
        if body is None:
            return False
        page.cache_key, page.reused, page.assembled = key, body, False
        self.keys[page.file.src_uri] = key
        self.reused_bodies += 1
        return True

    def reused(self, page: Page) -> bool:
        return isinstance(page, RenderedPage) and page.reused is not None

    def assembled(self, page: Page) -> bool:
        """Whether the page's Markdown was made in this build (and holds fragments to release)."""
        return not isinstance(page, RenderedPage) or page.assembled

    def rendered(self, page: Page) -> list[tuple[str, int, str]]:
        """The messages logged while Markdown rendered ``page``; call when the body is done."""
        messages, self._recorder.messages = self._recorder.messages or [], None
        return messages

    def store_body(self, page: Page, html: str, messages: list[tuple[str, int, str]]) -> None:
        if not isinstance(page, RenderedPage) or page.cache_key is None:
            return
        body = RenderedBody(
            title=page.title,
            toc=[_toc_entry(link) for link in page.toc],
            anchors=sorted(page.present_anchor_ids or ()),
            anchor_links={file.src_uri: dict(links) for file, links in (page.links_to_anchors or {}).items()},
            messages=messages,
        )
        self.cache.store_body(page.cache_key, body, html)

    def lay_out(self, templates: dict[str, str], nav: Navigation, files: Files) -> None:
        """Decide, once every body is known, which pages come whole from the cache."""
        self.layout = digest(self.site_url, _navigation_fingerprint(nav), json.dumps(templates, sort_keys=True))
        for file in files.documentation_pages():
            page = file.page
            if isinstance(page, RenderedPage) and page.reused is not None and page.reused.layout == self.layout:
                if self.cache.has_page(page.cache_key or "", self.layout):
                    page.reuses_page = True
                    page.meta["template"] = CACHED_TEMPLATE

    def context(self, page: Page) -> None:
        """A reused body laid out anew (the navigation changed): the theme needs its HTML."""
        if isinstance(page, RenderedPage) and page.reused is not None and not page.reuses_page:
            page.content = self.cache.body_html(page.cache_key or "")

    def reuses_page(self, page: Page, inline_assets: dict[str, bytes]) -> bool:
        """True when the finished page comes from the cache; its inline scripts and styles join ``inline_assets``."""
        if not isinstance(page, RenderedPage) or not page.reuses_page or page.reused is None:
            return False
        for name in page.reused.inline_assets:
            if name not in inline_assets:
                data = self.cache.asset(name)
                if data is not None:
                    inline_assets[name] = data
        self.reused_pages += 1
        return True

    def stored_page(self, page: Page) -> str:
        """The finished page; raises ``CacheError`` if its file changed since ``lay_out`` checked it."""
        return self.cache.page_html(getattr(page, "cache_key", None) or "", self.layout)

    def made_by(self, page: Page) -> str | None:
        """What the finished page comes from: its body's key and the layout, or None if not cached."""
        if isinstance(page, RenderedPage) and page.cache_key is not None:
            return f"{page.cache_key}:{self.layout}"
        return None

    def store_page(self, page: Page, html: str, inline_assets: dict[str, bytes]) -> None:
        if not isinstance(page, RenderedPage) or page.cache_key is None or page.reuses_page:
            return
        names = sorted(set(_INLINE_ASSET.findall(html)))
        for name in names:
            if name in inline_assets:
                self.cache.store_asset(name, inline_assets[name])
        self.cache.store_page(page.cache_key, self.layout, html, names)

    def finish(self, persist: bool = True) -> None:
        self.close()
        self.cache.save(persist)

    def close(self) -> None:
        self._engine_logger.removeHandler(self._recorder)


def build_salt(config: MkDocsConfig) -> str:
    """What every page depends on: the plugin's own code and templates, the engine, mkdocs.yml."""
    engine = running()
    versions = [f"engine:{engine.name}={engine.version}"]
    for name in _RENDERERS:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    config_file = Path(config.config_file_path) if config.config_file_path else None
    config_bytes = config_file.read_bytes() if config_file and config_file.is_file() else b""
    return digest(own_code(), "\n".join(versions), config_bytes, str(config.use_directory_urls))


@functools.cache
def own_code() -> str:
    # Once per process: the code a running preview server uses does not change under it.
    own = hashlib.blake2b(digest_size=20)
    for path in sorted(_package_files(Path(str(resources.files("qinglian"))))):
        own.update(path.as_posix().encode())
        own.update(path.read_bytes())
    return own.hexdigest()


def _package_files(root: Path) -> Iterator[Path]:
    for path in root.rglob("*"):
        if path.suffix in (".py", ".html", ".js", ".css", ".yml") and "__pycache__" not in path.parts:
            yield path


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


def _relative_links(src_uri: str, markdown: str) -> Iterator[tuple[str, str]]:
    """Each link of the Markdown that may lead to a file of the site: (as written, source path it names)."""
    if "](" not in markdown and "]:" not in markdown and "href" not in markdown and "src" not in markdown:
        return
    base = posixpath.dirname(src_uri)
    for match in _LINK.finditer(markdown):
        target = next(group for group in match.groups() if group)
        path = target.split("#", 1)[0].split("?", 1)[0]
        if not path or "://" in path or path.startswith(("mailto:", "data:", "tel:")):
            continue
        yield target, path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join(base, unquote(path)))


def linked_sources(src_uri: str, markdown: str) -> set[str]:
    return {path for _, path in _relative_links(src_uri, markdown)}


def _link_targets(src_uri: str, markdown: str, files: Files) -> str:
    """Each relative link of the Markdown with where it leads now: a new or deleted target changes it."""
    targets = set()
    for target, path in _relative_links(src_uri, markdown):
        file = files.get_file_from_path(path)
        targets.add(f"{target}\t{file.url}\t{file.inclusion}" if file else target)
    return "\n".join(sorted(targets))


def _toc_entry(link: AnchorLink) -> TocEntry:
    return (link.title, link.id, link.level, [_toc_entry(child) for child in link.children])


def _anchor_link(entry: TocEntry) -> AnchorLink:
    title, anchor, level, children = entry
    link = AnchorLink(title, anchor, level)
    link.children = [_anchor_link(child) for child in children]
    return link
