"""Which pages of one build come from the page cache (``page_cache``), decided on plain values.

A page's body is looked up by the key of its inputs (``PageInputs``): the assembled Markdown
and everything else rendering it depends on. A finished page is looked up by that key and
the build's layout (the navigation, the templates, the site address). The engine side
(``engine_pages``) turns the engine's page objects into these values; a third engine's
adapter would do the same.

What the engine logs while it renders a body (a link to a missing file, say) is recorded
with the body and logged again whenever the body is reused, so warnings and ``--strict``
behave as if the page had been rendered.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..engines import running
from ..inline_assets import FOLDER as INLINE_FOLDER
from .database import CacheDatabase
from .page_cache import PageCache, RenderedBody, digest

# Each message logged while a body rendered: logger name, level, text.
Message = tuple[str, int, str]
_INLINE_ASSET = re.compile(re.escape(INLINE_FOLDER) + r"/([0-9a-f]{20}\.(?:js|css))")
# Inline and reference links and HTML attributes: what Markdown may turn into a link to a file.
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|^\s*\[[^\]]+\]:\s*<?([^\s>]+)|\b(?:href|src)\s*=\s*[\"']([^\"']+)", re.M)
# What renders a page besides the engine itself (whose name and version come from engines.running()).
_RENDERERS = ("mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "comrak")


@dataclass(frozen=True)
class PageInputs:
    """Everything a page's body depends on, as the engine hands it over."""

    src_uri: str
    url: str
    inclusion: str
    navigation_title: str
    meta: dict[str, Any]
    markdown: str
    # Where each relative link of the Markdown leads now (``link_targets``): a new or deleted target changes it.
    link_targets: str

    def parts(self) -> tuple[str, ...]:
        meta = json.dumps(self.meta, sort_keys=True, ensure_ascii=False, default=str)
        return (self.src_uri, self.url, self.inclusion, self.navigation_title, meta, self.markdown, self.link_targets)


class MessageRecorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[Message] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.messages is not None:
            self.messages.append((record.name, record.levelno, record.getMessage()))


class PageReuse:
    """One build's use of the page cache: keys, look-ups, stores and the count of what was reused."""

    def __init__(self, database: CacheDatabase, salt: str, last: PageCache | None = None) -> None:
        """``last`` is the cache of the previous build in this process, already read."""
        if last is not None and last.database is database and last.salt == salt:
            self.cache = last
            self.cache.begin()
        else:
            self.cache = PageCache(database, salt)
            self.cache.load()
        self.layout = ""
        self._recorder = MessageRecorder()
        # Messages are recorded from whichever engine runs (its mkdocs.* loggers hang under it).
        self._engine_logger = running().logger()
        self._engine_logger.addHandler(self._recorder)
        self.reused_bodies = 0
        self.reused_pages = 0
        # Each page's key in this build, by source path.
        self.keys: dict[str, str] = {}
        # Bodies and finished pages made in this build (by workers too): not counted as reused.
        self.fresh_bodies: set[str] = set()
        self.fresh_pages: set[str] = set()

    def look_up(self, inputs: PageInputs) -> tuple[str, RenderedBody | None]:
        """The page's key and its stored body; when there is none, what the engine logs from now on is recorded."""
        key = self.cache.body_key(*inputs.parts())
        self.keys[inputs.src_uri] = key
        # A body a worker of this build wrote was hashed as it was written; it is read when needed.
        body = self.cache.body(key, verify=key not in self.fresh_bodies)
        if body is not None:
            self.reused_bodies += key not in self.fresh_bodies
        else:
            self._recorder.messages = []
        return key, body

    def known(self, src_uri: str, key: str, checked: bool = True) -> RenderedBody | None:
        """The body stored under ``key``, known to be the page's (its inputs did not change).

        Not ``checked``: its file is only looked for now; ``body_html`` reads and checks it if it is needed.
        """
        if checked:
            body = self.cache.body(key, verify=key not in self.fresh_bodies)
        else:
            body = self.cache.body(key, verify=False) if self.cache.has_body_file(key) else None
        if body is not None:
            self.keys[src_uri] = key
            self.reused_bodies += key not in self.fresh_bodies
        return body

    def rendered(self) -> list[Message]:
        """The messages logged since ``look_up`` found no body; call when the body is done."""
        messages, self._recorder.messages = self._recorder.messages or [], None
        return messages

    def store_body(self, key: str, body: RenderedBody, html: str) -> None:
        self.cache.store_body(key, body, html)
        self.fresh_bodies.add(key)

    def lay_out(self, site_url: str, navigation: str, templates: dict[str, str]) -> None:
        """The layout every finished page of this build is stored under."""
        self.layout = digest(site_url, navigation, json.dumps(templates, sort_keys=True))

    def has_page(self, key: str, body: RenderedBody, linked: bool = False) -> bool:
        """Whether the finished page comes whole from the cache.

        A page the publish links from the live release (``linked``) is never read from the cache, so its file is not checked now.
        """
        verify = key not in self.fresh_pages and not linked
        return body.layout == self.layout and self.cache.has_page(key, self.layout, verify=verify)

    def body_html(self, key: str) -> str:
        return self.cache.body_html(key)

    def take_page(self, key: str, body: RenderedBody, inline_assets: dict[str, bytes]) -> None:
        """A finished page comes from the cache: its inline scripts and styles join ``inline_assets``."""
        for name in body.inline_assets:
            if name not in inline_assets:
                data = self.cache.asset(name)
                if data is not None:
                    inline_assets[name] = data
        self.reused_pages += key not in self.fresh_pages

    def stored_page(self, key: str) -> str:
        """The finished page ``has_page`` found; raises ``CacheError`` if its file changed since."""
        return self.cache.page_html(key, self.layout)

    def made_by(self, key: str) -> str:
        """What a finished page comes from: its body's key and the layout."""
        return f"{key}:{self.layout}"

    def store_page(self, key: str, html: str, inline_assets: dict[str, bytes]) -> None:
        names = sorted(set(_INLINE_ASSET.findall(html)))
        for name in names:
            if name in inline_assets:
                self.cache.store_asset(name, inline_assets[name])
        self.cache.store_page(key, self.layout, html, names)
        self.fresh_pages.add(key)

    def handed_over(self, keys: set[str]) -> dict[str, Any]:
        """What a worker made of ``keys``, for the build that forked it (``adopt``)."""
        return {
            "entries": self.cache.entries(keys),
            "rendered": sorted(keys & self.fresh_bodies),
            "stored": sorted(keys & self.fresh_pages),
        }

    def adopt(self, entries: dict[str, Any], rendered: list[str], stored: list[str]) -> None:
        """Take over what a worker rendered: its entries join the cache; made in this build, not reused."""
        self.cache.adopt(entries)
        self.fresh_bodies.update(rendered)
        self.fresh_pages.update(stored)

    def finish(self, persist: bool = True) -> None:
        self.close()
        self.cache.save(persist)

    def close(self) -> None:
        self._engine_logger.removeHandler(self._recorder)


def build_salt(config_file: Path | None, directory_urls: bool) -> str:
    """What every page depends on: the plugin's own code and templates, the engine, mkdocs.yml."""
    engine = running()
    versions = [f"engine:{engine.name}={engine.version}"]
    for name in _RENDERERS:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    config_bytes = config_file.read_bytes() if config_file and config_file.is_file() else b""
    return digest(own_code(), "\n".join(versions), config_bytes, str(directory_urls))


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


def link_targets(src_uri: str, markdown: str, lookup: Callable[[str], tuple[str, str] | None]) -> str:
    """Each relative link of the Markdown with where it leads now; ``lookup`` gives a path's (url, inclusion)."""
    targets = set()
    for target, path in _relative_links(src_uri, markdown):
        found = lookup(path)
        targets.add(f"{target}\t{found[0]}\t{found[1]}" if found else target)
    return "\n".join(sorted(targets))
