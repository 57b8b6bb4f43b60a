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

Nothing here knows the engine; ``reuse`` decides which pages use it, ``engine_pages`` is the MkDocs side. The cache is a folder that
is safe to delete: a JSON index of entries, one file per body and per page, written atomically.
The index records each file's hash, and a file is used only when it matches: a truncated,
damaged or replaced file is dropped and its page rendered again. Entries the last build did
not use are removed, so the folder holds one portal's worth.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import write_atomically
from ..cache_guard import made_by_cache
from ..cache_store import CacheError, file_hash, list_of_strings, read_json, read_verified, warn_healed, write_json

# Bump when an entry's meaning changes; old caches are then ignored.
FORMAT = 3
INDEX = "index.json"
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
    """The folder of rendered pages. Not thread-safe: one build uses it at a time."""

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.salt = salt
        self._entries: dict[str, RenderedBody] = {}
        self._used: set[str] = set()
        # The folder's index is older than the entries kept here.
        self._unsaved = False

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
        index = self.folder / INDEX
        if not index.exists() and not index.is_symlink():
            return
        stored = read_json(index)
        if not isinstance(stored, dict) or not isinstance(stored.get("entries"), dict):
            warn_healed(f"页面缓存索引 {index}")
            return
        if stored.get("format") != FORMAT or stored.get("salt") != self.salt:
            # Another version of the code or another configuration: its pages are not these.
            return
        damaged = 0
        for key, data in stored["entries"].items():
            entry = RenderedBody.from_json(data) if isinstance(key, str) and _KEY.fullmatch(key) else None
            if entry is None:
                damaged += 1
            else:
                self._entries[key] = entry
        if damaged:
            warn_healed(f"页面缓存索引 {index} 中的 {damaged} 个条目")

    def entries(self, keys: set[str]) -> dict[str, Any]:
        """The entries of ``keys`` as the index file keeps them (for a worker's parent, ``adopt``)."""
        # Through JSON, as the index: tuples become lists, and ``adopt`` checks them as it checks the file.
        return json.loads(json.dumps({key: self._entries[key].as_json() for key in keys if key in self._entries}))

    def adopt(self, entries: dict[str, Any]) -> None:
        """Entries another process of this build wrote; each is used only if its files match, as any entry."""
        for key, data in entries.items():
            entry = RenderedBody.from_json(data) if _KEY.fullmatch(key) else None
            if entry is not None:
                self._entries[key] = entry
                self._used.add(key)

    def body_key(self, *inputs: str) -> str:
        return digest(self.salt, *inputs)

    def body(self, key: str, verify: bool = True) -> RenderedBody | None:
        """What was stored under ``key``, if its body file is still there and whole.

        Without ``verify`` (a body this build wrote) the file is not read now; ``body_html`` still checks it.
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
        return key in self._entries and self._path(key, "body").is_file()

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
        body.hashes = {"body": self._write(key, "body", html)}
        body.layout = ""
        self._entries[key] = body
        self._used.add(key)

    def store_page(self, key: str, layout: str, html: str, inline_assets: list[str]) -> None:
        entry = self._entries.get(key)
        if entry is None:
            return
        kind = _page_kind(layout)
        entry.hashes = {"body": entry.hashes["body"], kind: self._write(key, kind, html)}
        entry.layout = layout
        entry.inline_assets = inline_assets

    def store_asset(self, name: str, data: bytes) -> None:
        path = self.folder / "assets" / name
        if self.asset(name) is None:
            write_atomically(path, data, durable=False)

    def asset(self, name: str) -> bytes | None:
        """An inline script or style, named by the hash of its bytes: a file that does not match is not used."""
        found = _ASSET.fullmatch(name)
        if found is None:
            return None
        try:
            path = self.folder / "assets" / name
            data = None if path.is_symlink() else path.read_bytes()
        except OSError:
            return None
        if data is None or hashlib.sha256(data).hexdigest()[:20] != found[1]:
            return None
        return data

    def save(self, persist: bool = True) -> None:
        """Keep what this build used; everything else goes, on disk too.

        Without ``persist`` only this object forgets the rest: the folder keeps the index it
        last wrote and every file that index names (new files are written at once), so it
        stays whole if the process ends without a persisting save; that save prunes it.
        """
        self._entries = {key: entry for key, entry in self._entries.items() if key in self._used}
        self._unsaved = not persist
        if persist:
            self.persist()

    def persist(self) -> None:
        """Write the index of the entries the last ``save`` kept, and remove every other file."""
        kept = self._entries
        self._unsaved = False
        self.folder.mkdir(parents=True, exist_ok=True)
        write_json(
            self.folder / INDEX,
            {"format": FORMAT, "salt": self.salt, "entries": {key: entry.as_json() for key, entry in kept.items()}},
        )
        assets = {name for entry in kept.values() for name in entry.inline_assets}
        for shard in self.folder.iterdir():
            if shard.is_symlink():
                # Never followed: pruning through a link would delete files outside the cache.
                shard.unlink()
                continue
            if not shard.is_dir() or not made_by_cache(shard, "pages"):
                continue
            for path in shard.iterdir():
                key, _, kind = path.name.partition(".")
                entry = kept.get(key)
                if shard.name == "assets":
                    wanted = path.name in assets
                else:
                    wanted = entry is not None and kind in ("body.html", f"{_page_kind(entry.layout)}.html")
                if not wanted:
                    path.unlink(missing_ok=True)

    def _path(self, key: str, kind: str) -> Path:
        return self.folder / key[:2] / f"{key}.{kind}.html"

    def _read(self, key: str, kind: str, entry: RenderedBody) -> str | None:
        expected = entry.hashes.get(kind)
        data = read_verified(self._path(key, kind), expected) if expected else None
        if data is None:
            if expected and self._path(key, kind).exists():
                warn_healed(f"页面缓存文件 {self._path(key, kind)}")
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
            self._path(key, kind).unlink(missing_ok=True)
            raise CacheError(f"页面缓存文件 {self._path(key, kind)} 已损坏，或在生成过程中被改动或删除（已从缓存中去掉）；请重新生成。")
        return html

    def _drop(self, key: str) -> None:
        self._entries.pop(key, None)
        self._used.discard(key)

    def _write(self, key: str, kind: str, html: str) -> str:
        data = html.encode("utf-8", "surrogatepass")
        # Not synced one by one (6 ms a file on a busy disk): a file a power cut left empty or
        # short does not match the hash the index keeps, and is rendered again.
        write_atomically(self._path(key, kind), data, durable=False)
        return file_hash(data)


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
