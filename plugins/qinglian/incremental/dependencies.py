"""Document pages' cache keys from what each depended on at the last build, kept between builds.

A page's cache key is a hash of its assembled Markdown (``reuse.PageInputs``), and assembling
a document's Markdown (its header, related documents, reading schedule) is most of what a
nightly rebuild does for a page that did not change. So every build records, for each
document page, its key beside a digest of what the page depends on:

- everything every page depends on (``context_digest``): the plugin's code and mkdocs.yml
  (the page cache's salt), the vocabulary, every file of the site with its address, which
  documents are withheld and why, and of every document what other pages show of it. A
  speech or case shows others its metadata, its headings (readings point to them) and its
  links to regulation articles (the articles list them), never its text (``quick_reload``
  says the same); every other collection is taken whole;
- the page's own file, by the hash of its bytes;
- the build date, for a document that depends on it: one a plan schedules (the schedule
  links the next occurrence) and every document outside speeches and cases.

Generated pages (listings, calendar, quizzes) are recorded too: their Markdown is front
matter and placeholders named by the hash of each block's HTML, so with the context it is
all their body depends on. Listings, which are most of them, are not even made again: each
listing block is recorded by a digest of its template, address, plain values and the files
of the documents it shows (``RecordedBlocks``), and keeps its placeholder while these stay.

The record also keeps two things that depend only on a file, by the file's hash: each page's
source split into Markdown and metadata (``source_meta``), so an unchanged page is not parsed
by PyYAML again, and each speech's or case's outline (``Outlines``).

When the next build finds the same digest for a page, the recorded key is the page's key and
its Markdown is not assembled again. Anything not named above changes the context, and with
it every digest: the record errs towards assembling again, never towards a stale page.

The record is JSON with a first line naming its format, the cache's salt and a hash of the
rest; a file that does not match is dropped with one warning, and every page is assembled.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ..cache_store import warn_healed
from ..content.links import anchored_links
from ..content.loader import LoadResult
from ..structure.document import Document
from .database import CacheDatabase
from .page_cache import digest
from .quick_reload import TEXT_ONLY, headings
from .source_meta import KnownSources

FORMAT = 3
_PARTS = ("pages", "blocks", "sources", "outlines")


class RecordedBlocks:
    """Listing blocks' placeholders by what they were made from (``views.rendering.BlockMemo``).

    ``base`` stands for what every block depends on (code, mkdocs.yml, vocabulary), ``hashes``
    for each document file as read; a block is made again when any of these changes.
    """

    def __init__(self, base: str, hashes: dict[Path, str], recorded: dict[str, str]) -> None:
        self.base = base
        self.hashes = hashes
        self.recorded = recorded
        self.made: dict[str, str] = {}

    def inputs(self, template: str, here: str, documents: Sequence[Document], context: dict[str, Any]) -> str | None:
        try:
            plain = json.dumps(context, sort_keys=True, ensure_ascii=False)
        except (TypeError, ValueError):
            return None
        shown = [(document.src_uri, self.hashes.get(document.source)) for document in documents]
        if any(file_hash is None for _, file_hash in shown):
            return None
        return digest(self.base, template, here, plain, json.dumps(shown, ensure_ascii=False))

    def marker(self, inputs: str) -> str | None:
        return self.recorded.get(inputs)

    def note(self, inputs: str, marker: str) -> None:
        self.made[inputs] = marker


class Outlines:
    """Each speech's or case's headings and article links, as a digest by the hash of its file: they depend on nothing else."""

    def __init__(self, recorded: dict[str, tuple[str, str]] | None = None) -> None:
        self.recorded = recorded or {}
        self.made: dict[str, tuple[str, str]] = {}

    def of(self, document: Document, content: str) -> str:
        known = self.recorded.get(document.src_uri)
        if known is not None and known[0] == content:
            outline = known[1]
        else:
            links = sorted({(link.target, link.anchor) for link in anchored_links(document.body, document.src_uri, 1)})
            outline = digest(json.dumps(headings(document.body), ensure_ascii=False), json.dumps(links, ensure_ascii=False))
        self.made[document.src_uri] = (content, outline)
        return outline


class RecordedKeys:
    """The last build's key of every portal page, usable for pages whose dependencies did not change."""

    def __init__(self, salt: str, recorded: dict[str, tuple[str, str]] | None = None) -> None:
        self.salt = salt
        # Source path → (dependency digest, key), as the last build left them.
        self.recorded = recorded or {}
        # Listing blocks' placeholders by their inputs, as the last build left them.
        self.blocks: dict[str, str] = {}
        # Each page's source split into Markdown and metadata, by its hash (read and written by the engine's pages).
        self.sources = KnownSources()
        self.outlines = Outlines()
        # Of this build: each page's dependency digest, the keys still good, the listing blocks.
        self.digests: dict[str, str] = {}
        self.usable: dict[str, str] = {}
        self.made_blocks: RecordedBlocks | None = None
        # The rows as read (part, name → JSON text): a write changes only the rows that differ. None: not read, all are written.
        self.stored: dict[tuple[str, str], str] | None = None

    @classmethod
    def read(cls, database: CacheDatabase, salt: str) -> RecordedKeys:
        keys = cls(salt)
        if database.setting("records") != f"{FORMAT}:{salt}":
            return keys
        entries: dict[str, dict[str, Any]] = {part: {} for part in _PARTS}
        stored: dict[tuple[str, str], str] = {}
        try:
            for part, name, value in database.rows("SELECT part, name, value FROM records"):
                if part not in entries or not isinstance(name, str):
                    raise ValueError("not a record")
                entries[part][name] = json.loads(value)
                stored[(part, name)] = value
            keys.recorded, keys.outlines = _pairs(entries["pages"]), Outlines(_pairs(entries["outlines"]))
            keys.blocks = {inputs: marker for inputs, marker in entries["blocks"].items() if isinstance(marker, str)}
            keys.sources = KnownSources({
                src_uri: (entry[0], entry[1], entry[2]) for src_uri, entry in entries["sources"].items()
                if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str) and type(entry[1]) is int
                and isinstance(entry[2], dict)
            })
            keys.stored = stored
        except (ValueError, TypeError, RecursionError):
            warn_healed(f"缓存数据库 {database.path} 中的页面依赖记录")
            keys.recorded, keys.blocks, keys.sources, keys.outlines = {}, {}, KnownSources(), Outlines()
            keys.stored = None
        return keys

    def block_memo(self, loaded: LoadResult, hashes: dict[Path, str]) -> RecordedBlocks:
        """This build's listing blocks: the recorded placeholders to go by, and the ones to record."""
        self.made_blocks = RecordedBlocks(digest(self.salt, _vocabulary(loaded)), hashes, self.blocks)
        return self.made_blocks

    def decide(self, digests: dict[str, str]) -> None:
        """This build's digests: a page whose digest is the recorded one keeps the recorded key."""
        self.digests = digests
        self.usable = {
            src_uri: recorded[1] for src_uri, recorded in self.recorded.items() if digests.get(src_uri) == recorded[0]
        }

    def key(self, src_uri: str) -> str | None:
        return self.usable.get(src_uri)

    def write(self, database: CacheDatabase, keys: dict[str, str]) -> None:
        """Record this build's key of every page it has a digest for, its listing blocks and its pages' sources as split
        (after a successful build): only the rows that differ from what was read are written."""
        pages = {src_uri: [digest_, keys[src_uri]] for src_uri, digest_ in self.digests.items() if src_uri in keys}
        blocks = dict(self.made_blocks.made) if self.made_blocks is not None else {}
        sources = {src_uri: list(entry) for src_uri, entry in self.sources.made.items()}
        outlines = {src_uri: list(entry) for src_uri, entry in self.outlines.made.items()}
        rows = {
            (part, name): json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            for part, values in zip(_PARTS, (pages, blocks, sources, outlines)) for name, value in values.items()
        }
        # A database made again since it was read holds none of the rows read.
        if database.setting("records") != f"{FORMAT}:{self.salt}":
            self.stored = None
        stored = self.stored or {}
        changed = sorted((part, name, value) for (part, name), value in rows.items() if stored.get((part, name)) != value)
        gone = sorted(row for row in stored if row not in rows)
        if database.update_rows("records", f"{FORMAT}:{self.salt}", changed, gone, anew=self.stored is None):
            self.stored = rows


def _pairs(entries: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {
        key: (entry[0], entry[1]) for key, entry in entries.items()
        if isinstance(entry, list) and len(entry) == 2 and all(isinstance(part, str) for part in entry)
    }


def page_digests(
    loaded: LoadResult,
    contents: dict[Path, str],
    site_files: Iterable[tuple[str, str, str]],
    salt: str,
    scheduled: Callable[[Document], bool],
    generated: Iterable[tuple[str, str]] = (),
    outlines: Outlines | None = None,
) -> dict[str, str]:
    """Each portal page's dependency digest; none at all when a document's file hash is unknown.

    ``contents`` is each source's hash as the documents were read; ``site_files`` every file of
    the site as (source path, address, inclusion); ``scheduled`` whether a plan schedules it;
    ``generated`` each generated page as (source path, Markdown); ``outlines`` the speeches' and cases' outlines as recorded.
    """
    documents = sorted([*loaded.corpus.documents, *loaded.withheld], key=lambda d: d.src_uri)
    if any(document.source not in contents for document in documents):
        return {}  # a file read without the memo: nothing to compare it with
    context = context_digest(loaded, documents, contents, site_files, salt, outlines or Outlines())
    today = loaded.today.isoformat()
    digests = {}
    for document in documents:
        withheld = document.withheld(loaded.today)
        dated = document.collection.name not in TEXT_ONLY or scheduled(document)
        digests[document.src_uri] = digest(
            context, contents[document.source], withheld.value if withheld else "", today if dated else ""
        )
    for src_uri, markdown in generated:
        digests[src_uri] = digest(context, "generated", markdown)
    return digests


def context_digest(
    loaded: LoadResult,
    documents: list[Document],
    contents: dict[Path, str],
    site_files: Iterable[tuple[str, str, str]],
    salt: str,
    outlines: Outlines,
) -> str:
    """What every page may depend on besides its own file (see the module's description)."""
    withheld = [(d.src_uri, reason.value) for d in documents if (reason := d.withheld(loaded.today)) is not None]
    shown = [(d.src_uri, _shown_to_others(d, contents[d.source], outlines)) for d in documents]
    files = sorted(site_files)
    return digest(salt, _vocabulary(loaded), json.dumps([withheld, shown, files], ensure_ascii=False))


def _vocabulary(loaded: LoadResult) -> bytes | str:
    vocabulary = loaded.memo_context[2] if loaded.memo_context is not None else b""
    return vocabulary if isinstance(vocabulary, bytes) else repr(vocabulary)


def _shown_to_others(document: Document, content: str, outlines: Outlines) -> str:
    """What pages other than the document's own may show of it."""
    if document.collection.name not in TEXT_ONLY:
        return content
    try:
        fields = json.dumps(document.fields, sort_keys=True, ensure_ascii=False, default=_plain)
    except (TypeError, ValueError):
        return content  # a value with no plain form: the whole file stands for it
    return digest(fields, outlines.of(document, content))


def _plain(value: Any) -> Any:
    """A resolved field's value as data: another document by its path (its own entry holds the rest)."""
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Document):
        return value.src_uri
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A part of another document (an article, its chapter) by its own plain fields: the
        # document's entry holds the rest, and the parts refer to each other in cycles.
        named = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
        return [type(value).__name__, {name: item for name, item in named.items() if _is_plain(item)}]
    raise TypeError(f"no plain form for {type(value).__name__}")


def _is_plain(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_is_plain(item) for item in value)
    return value is None or isinstance(value, (str, int, float, dt.date, dt.time))

