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

Nothing here knows the engine; ``cached_pages`` is the MkDocs side. The cache is a folder that
is safe to delete: an index of entries, one file per body and per page, written atomically.
Entries the last build did not use are removed, so the folder holds one portal's worth.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .atomic import write_atomically

# Bump when an entry's meaning changes; old caches are then ignored.
FORMAT = 2
INDEX = "index.pickle"


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
        index = self.folder / INDEX
        try:
            with index.open("rb") as stream:
                stored = pickle.load(stream)
            if stored.get("format") == FORMAT and stored.get("salt") == self.salt:
                self._entries = stored["entries"]
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, TypeError, ValueError):
            # A missing, foreign or damaged index: start afresh.
            self._entries = {}

    def body_key(self, *inputs: str) -> str:
        return digest(self.salt, *inputs)

    def body(self, key: str) -> RenderedBody | None:
        """What was stored under ``key``, if the files are still there."""
        entry = self._entries.get(key)
        if entry is None or not self._path(key, "body").is_file():
            return None
        self._used.add(key)
        return entry

    def body_html(self, key: str) -> str | None:
        return self._read(key, "body")

    def has_page(self, key: str, layout: str) -> bool:
        entry = self._entries.get(key)
        return entry is not None and entry.layout == layout and self._path(key, _page_kind(layout)).is_file()

    def page_html(self, key: str, layout: str) -> str | None:
        """The finished page stored for ``key`` if it was laid out under the same ``layout``."""
        entry = self._entries.get(key)
        if entry is None or entry.layout != layout:
            return None
        return self._read(key, _page_kind(layout))

    def store_body(self, key: str, body: RenderedBody, html: str) -> None:
        self._write(key, "body", html)
        body.layout = ""
        self._entries[key] = body
        self._used.add(key)

    def store_page(self, key: str, layout: str, html: str, inline_assets: list[str]) -> None:
        entry = self._entries.get(key)
        if entry is None:
            return
        self._write(key, _page_kind(layout), html)
        entry.layout = layout
        entry.inline_assets = inline_assets

    def store_asset(self, name: str, data: bytes) -> None:
        path = self.folder / "assets" / name
        if not path.is_file():
            write_atomically(path, data)

    def asset(self, name: str) -> bytes | None:
        try:
            return (self.folder / "assets" / name).read_bytes()
        except OSError:
            return None

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
        write_atomically(
            self.folder / INDEX,
            pickle.dumps({"format": FORMAT, "salt": self.salt, "entries": kept}, protocol=pickle.HIGHEST_PROTOCOL),
        )
        assets = {name for entry in kept.values() for name in entry.inline_assets}
        for shard in self.folder.iterdir():
            if not shard.is_dir():
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

    def _read(self, key: str, kind: str) -> str | None:
        try:
            return self._path(key, kind).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def _write(self, key: str, kind: str, html: str) -> None:
        write_atomically(self._path(key, kind), html.encode("utf-8", "surrogatepass"))


def _page_kind(layout: str) -> str:
    # The layout is part of the name: a page file can only be read back under the layout that
    # made it, even by an index older than the file (a preview that ended without saving it).
    return f"{layout[:20]}.page"
