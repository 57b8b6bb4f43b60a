"""Rendered pages kept between builds, so a page whose inputs did not change is not rendered again.

A page is made in two steps, and the cache keeps the result of each under the inputs of that step:

- the page's HTML body, made by Markdown from the page's assembled Markdown: the source as the
  editor wrote it, with the blocks the portal adds (metadata header, related documents, the
  sessions that schedule it, listing rows). Those blocks are placeholders named by a hash of
  their HTML (``PortalViews.render``), so the assembled Markdown states everything the body
  depends on: the related documents' titles and addresses, the sessions, which linked
  documents are withheld, a listing's documents, the build date where it shows. The key is a
  hash of it, the page's metadata and address, the files its links point to, and the
  build-wide inputs (``salt``: the plugin's own code, the engine's versions, the site configuration).
- the whole page, made by the theme from the body, the navigation and the templates, keyed by
  the body's key and a hash of those (``layout``).

Nothing here knows the engine; ``reuse`` decides which pages use it, ``engine_pages`` is the MkDocs side. The cache is a
table of the project's cache database (``database``), safe to delete: a row per page with its
entry (JSON), its body and its finished page. The entry records each one's hash, and a stored
body or page is used only when it matches: a damaged or replaced one is dropped and its page
rendered again. Rows the last build did not use are removed, so the table holds one portal's worth.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cache_guard import made_by_cache
from ..cache_store import CacheError, file_hash, list_of_strings, warn_healed
from .database import FILE_NAME, CacheDatabase

# Bump when an entry's meaning changes; old caches are then ignored.
FORMAT = 4
# What the file-per-page layout before the database kept beside its shards (removed on upgrade).
LEGACY_FILES = ("index.json", "documents.json", "dependencies.json")
_KEY = re.compile(r"[0-9a-f]{40}")
_ASSET = re.compile(r"([0-9a-f]{20})\.(?:js|css)")


def digest(*parts: str | bytes) -> str:
    """A key for these inputs; parts are separated so that ("ab", "c") and ("a", "bc") differ."""
    hashed = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "little"))
        hashed.update(data)
    return hashed.hexdigest()


# A table-of-contents entry: title, id, level and the entries under it.
TocEntry = tuple[str, str, int, list[Any]]


@dataclass
class RenderedBody:
    """What rendering a page's Markdown produced, besides the HTML itself."""

    title: str | None
    toc: list[TocEntry]
    anchors: list[str]
    # Links to headings of other pages, by the linked page's source path (checked each build).
    anchor_links: dict[str, dict[str, str]]
    # Messages the rendering logged (logger, level, text), repeated when the body is reused.
    messages: list[tuple[str, int, str]]
    # The layout key of the finished page stored with it, "" when none is stored.
    layout: str = ""
    inline_assets: list[str] = field(default_factory=list)
    # The hash of each stored file ("body", and the page kind), checked before the file is used.
    hashes: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "toc": self.toc,
            "anchors": self.anchors,
            "anchor_links": self.anchor_links,
            "messages": self.messages,
            "layout": self.layout,
            "inline_assets": self.inline_assets,
            "hashes": self.hashes,
        }

    @classmethod
    def from_json(cls, data: Any) -> RenderedBody | None:
        """The entry ``data`` describes, or None when anything in it is not of its kind."""
        if not isinstance(data, dict):
            return None
        try:
            title, toc, anchors = data["title"], data["toc"], data["anchors"]
            links, messages, layout = data["anchor_links"], data["messages"], data["layout"]
            assets, hashes = data["inline_assets"], data["hashes"]
        except KeyError:
            return None
        well_formed = (
            (title is None or isinstance(title, str))
            and isinstance(toc, list) and all(_is_toc_entry(entry, 0) for entry in toc)
            and list_of_strings(anchors)
            and isinstance(links, dict) and all(_string_map(value) for value in links.values())
            and isinstance(messages, list) and all(_is_message(message) for message in messages)
            and isinstance(layout, str)
            and list_of_strings(assets) and all(_ASSET.fullmatch(name) for name in assets)
            and _string_map(hashes) and "body" in hashes
        )
        if not well_formed:
            return None
        return cls(title, toc, anchors, links, [tuple(m) for m in messages], layout, assets, hashes)


class PageCache:
    """The rendered pages of the cache database. Not thread-safe: one build uses it at a time."""

    def __init__(self, database: CacheDatabase, salt: str) -> None:
        self.database = database
        self.folder = database.folder
        self.salt = salt
        self._entries: dict[str, RenderedBody] = {}
        self._used: set[str] = set()
        # The database holds rows the last ``save`` let go (a preview's rebuild); a persisting save removes them.
        self._unsaved = False
        self._stored_assets: set[str] = set()

    @property
    def unsaved(self) -> bool:
        return self._unsaved

    def begin(self) -> None:
        """Start another build with the entries the last one kept (a preview server's rebuild)."""
        self._used = set()

    def keep(self, keys: Iterable[str]) -> None:
        """Entries this build did not look at but must not lose (pages a preview rebuild left in place)."""
        self._used.update(key for key in keys if key in self._entries)

    def load(self) -> None:
        self._entries = {}
        if self.database.setting("pages") != f"{FORMAT}:{self.salt}":
            # Another version of the code or another configuration: its pages are not these.
            return
        damaged = 0
        for key, data in self.database.rows("SELECT key, entry FROM pages"):
            try:
                entry = RenderedBody.from_json(json.loads(data)) if isinstance(key, str) and _KEY.fullmatch(key) else None
            except (TypeError, ValueError, RecursionError):
                entry = None
            if entry is None:
                damaged += 1
            else:
                self._entries[key] = entry
        if damaged:
            warn_healed(f"缓存数据库 {self.database.path} 中的 {damaged} 个页面条目")

    def entries(self, keys: set[str]) -> dict[str, Any]:
        """The entries of ``keys`` as the database keeps them (for a worker's parent, ``adopt``)."""
        # Through JSON, as stored: tuples become lists, and ``adopt`` checks them as ``load`` does.
        return json.loads(json.dumps({key: self._entries[key].as_json() for key in keys if key in self._entries}))

    def adopt(self, entries: dict[str, Any]) -> None:
        """Entries another process of this build wrote; each is used only if its rows match, as any entry."""
        for key, data in entries.items():
            entry = RenderedBody.from_json(data) if _KEY.fullmatch(key) else None
            if entry is not None:
                self._entries[key] = entry
                self._used.add(key)

    def commit(self) -> None:
        """Make what this process stored visible to others (before forking workers, and at their end)."""
        self.database.commit()

    def body_key(self, *inputs: str) -> str:
        return digest(self.salt, *inputs)

    def body(self, key: str, verify: bool = True) -> RenderedBody | None:
        """What was stored under ``key``, if its body is still there and whole.

        Without ``verify`` (a body this build wrote) the row is not read now; ``body_html`` still checks it.
        """
        entry = self._entries.get(key)
        if entry is None:
            return None
        if verify and self._read(key, "body", entry) is None:
            self._drop(key)
            return None
        self._used.add(key)
        return entry

    def has_body_file(self, key: str) -> bool:
        return key in self._entries and self.database.row("SELECT 1 FROM pages WHERE key = ?", (key,)) is not None

    def body_html(self, key: str) -> str:
        """The body ``body(key)`` found whole; raises ``CacheError`` if it changed since."""
        return self._read_again(key, "body")

    def has_page(self, key: str, layout: str, verify: bool = True) -> bool:
        """Whether the finished page is stored whole; without ``verify`` (a page this build wrote) only ``page_html`` reads it."""
        entry = self._entries.get(key)
        if entry is None or entry.layout != layout:
            return False
        if not verify:
            return True
        whole = self._read(key, _page_kind(layout), entry) is not None
        if not whole or any(self.asset(name) is None for name in entry.inline_assets):
            # Laid out again: the page's own scripts and styles come with it.
            entry.layout = ""
            return False
        return True

    def page_html(self, key: str, layout: str) -> str:
        """The finished page ``has_page`` found whole; raises ``CacheError`` if it changed since."""
        return self._read_again(key, _page_kind(layout))

    def store_body(self, key: str, body: RenderedBody, html: str) -> None:
        data = html.encode("utf-8", "surrogatepass")
        body.hashes = {"body": file_hash(data)}
        body.layout = ""
        # The same body again (a worker renders the pages its navigation shows, which other workers finish) keeps the
        # row and the finished page stored with it; another body under the key replaces both.
        stored = self.database.write(
            "INSERT INTO pages (key, entry, body, page) VALUES (?, ?, ?, NULL) ON CONFLICT (key) DO UPDATE"
            " SET entry = excluded.entry, body = excluded.body, page = NULL WHERE pages.body IS NOT excluded.body",
            (key, _entry_text(body), data),
        )
        if stored:
            self._entries[key] = body
            self._used.add(key)
            self.database.on_rollback(lambda: self._drop(key))

    def store_page(self, key: str, layout: str, html: str, inline_assets: list[str]) -> None:
        entry = self._entries.get(key)
        if entry is None:
            return
        data = html.encode("utf-8", "surrogatepass")
        kind = _page_kind(layout)
        hashes = {"body": entry.hashes["body"], kind: file_hash(data)}
        stored = RenderedBody(entry.title, entry.toc, entry.anchors, entry.anchor_links, entry.messages, layout, inline_assets, hashes)
        if self.database.write("UPDATE pages SET entry = ?, page = ? WHERE key = ?", (_entry_text(stored), data, key)):
            entry.hashes, entry.layout, entry.inline_assets = hashes, layout, inline_assets
            self.database.on_rollback(lambda: self._drop(key))

    def store_asset(self, name: str, data: bytes) -> None:
        # Named by their hash: one stored in this process need not be looked up (a read would end the batch).
        if name in self._stored_assets:
            return
        if self.asset(name) is None:
            self.database.write("INSERT OR REPLACE INTO assets (name, data) VALUES (?, ?)", (name, data))
        self._stored_assets.add(name)

    def asset(self, name: str) -> bytes | None:
        """An inline script or style, named by the hash of its bytes: a row that does not match is not used."""
        found = _ASSET.fullmatch(name)
        if found is None:
            return None
        row = self.database.row("SELECT data FROM assets WHERE name = ?", (name,))
        data = row[0] if row is not None and isinstance(row[0], bytes) else None
        if data is None or hashlib.sha256(data).hexdigest()[:20] != found[1]:
            return None
        return data

    def save(self, persist: bool = True) -> None:
        """Keep what this build used; everything else goes, from the database too.

        Without ``persist`` only this object forgets the rest: the database keeps those rows
        until a persisting save (a preview server's last), so pruning costs a preview's save nothing.
        """
        self._entries = {key: entry for key, entry in self._entries.items() if key in self._used}
        self._unsaved = not persist
        if persist:
            self.persist()
        else:
            self.database.commit()

    def persist(self) -> None:
        """Remove every row the last ``save`` did not keep, and the files of the cache's older layout."""
        kept = self._entries
        self._unsaved = False
        self._stored_assets = set()
        assets = {name for entry in kept.values() for name in entry.inline_assets}
        database = self.database
        if database.keep_only("pages", "key", kept) and database.keep_only("assets", "name", assets):
            database.set_setting("pages", f"{FORMAT}:{self.salt}")
        database.commit()
        remove_file_layout(self.folder)

    def _read(self, key: str, kind: str, entry: RenderedBody) -> str | None:
        expected = entry.hashes.get(kind)
        if not expected:
            return None
        row = self.database.row(f"SELECT {'body' if kind == 'body' else 'page'} FROM pages WHERE key = ?", (key,))
        data = row[0] if row is not None and isinstance(row[0], bytes) else None
        if data is None or file_hash(data) != expected:
            if data is not None:
                warn_healed(f"缓存数据库 {self.database.path} 中的页面")
            return None
        try:
            return data.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return None

    def _read_again(self, key: str, kind: str) -> str:
        entry = self._entries.get(key)
        html = self._read(key, kind, entry) if entry is not None else None
        if html is None:
            # Gone from the cache, so the next build renders the page again.
            self.database.write("DELETE FROM pages WHERE key = ?", (key,))
            self.database.commit()
            self._drop(key)
            raise CacheError(f"缓存数据库 {self.database.path} 中的页面已损坏，或在生成过程中被改动或删除（已从缓存中去掉）；请重新生成。")
        return html

    def _drop(self, key: str) -> None:
        self._entries.pop(key, None)
        self._used.discard(key)


def remove_file_layout(folder: Path) -> None:
    """Remove what the file-per-page cache of earlier versions left (an upgrade): shards, assets and JSON indexes."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if not made_by_cache(entry, "pages") or entry.name == FILE_NAME or entry.name.startswith(f"{FILE_NAME}-"):
            continue
        if entry.is_dir():
            for path in entry.iterdir():
                if path.is_file() or path.is_symlink():
                    path.unlink(missing_ok=True)
            try:
                entry.rmdir()
            except OSError:
                # Something the cache did not make is inside: left alone.
                pass
        elif entry.name in LEGACY_FILES:
            entry.unlink(missing_ok=True)


def _entry_text(entry: RenderedBody) -> str:
    return json.dumps(entry.as_json(), ensure_ascii=False, separators=(",", ":"))


def _page_kind(layout: str) -> str:
    # The layout is part of the name: a page file can only be read back under the layout that
    # made it, even by an index older than the file (a preview that ended without saving it).
    return f"{layout[:20]}.page"


def _string_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(item, str) for item in value.values())


def _is_message(value: Any) -> bool:
    return (
        isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
        and type(value[1]) is int and isinstance(value[2], str)
    )


def _is_toc_entry(value: Any, depth: int) -> bool:
    return (
        depth < 10 and isinstance(value, list) and len(value) == 4
        and isinstance(value[0], str) and isinstance(value[1], str) and type(value[2]) is int
        and isinstance(value[3], list) and all(_is_toc_entry(child, depth + 1) for child in value[3])
    )
