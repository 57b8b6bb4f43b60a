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
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..cache_store import read_salted_json, warn_healed, write_salted_json
from ..content.links import anchored_links
from ..content.loader import LoadResult
from ..structure.document import Document
from .page_cache import digest
from .quick_reload import TEXT_ONLY, headings

FORMAT = 1
FILE_NAME = "dependencies.json"


class RecordedKeys:
    """The last build's key of every document page, usable for pages whose dependencies did not change."""

    def __init__(self, salt: str, recorded: dict[str, tuple[str, str]] | None = None) -> None:
        self.salt = salt
        # Source path → (dependency digest, key), as the last build left them.
        self.recorded = recorded or {}
        # Of this build: each document page's dependency digest, and the keys still good.
        self.digests: dict[str, str] = {}
        self.usable: dict[str, str] = {}

    @classmethod
    def read(cls, path: Path, salt: str) -> RecordedKeys:
        keys = cls(salt)
        try:
            entries = read_salted_json(path, FORMAT, salt)
            if entries is not None and not isinstance(entries, dict):
                raise ValueError("not a mapping")
            keys.recorded = {
                src_uri: (entry[0], entry[1]) for src_uri, entry in (entries or {}).items()
                if isinstance(entry, list) and len(entry) == 2 and all(isinstance(part, str) for part in entry)
            }
        except (ValueError, TypeError, RecursionError):
            warn_healed(f"页面依赖记录 {path}")
            keys.recorded = {}
        return keys

    def decide(self, digests: dict[str, str]) -> None:
        """This build's digests: a page whose digest is the recorded one keeps the recorded key."""
        self.digests = digests
        self.usable = {
            src_uri: recorded[1] for src_uri, recorded in self.recorded.items() if digests.get(src_uri) == recorded[0]
        }

    def key(self, src_uri: str) -> str | None:
        return self.usable.get(src_uri)

    def write(self, path: Path, keys: dict[str, str]) -> None:
        """Record this build's key of every document page it has a digest for (after a successful build)."""
        entries = {src_uri: [digest_, keys[src_uri]] for src_uri, digest_ in sorted(self.digests.items()) if src_uri in keys}
        write_salted_json(path, FORMAT, self.salt, entries, durable=False)


def page_digests(
    loaded: LoadResult,
    contents: dict[Path, str],
    site_files: Iterable[tuple[str, str, str]],
    salt: str,
    scheduled: Callable[[Document], bool],
) -> dict[str, str]:
    """Each document page's dependency digest; a document whose file hash is unknown gets none.

    ``contents`` is each source's hash as the documents were read; ``site_files`` every file of
    the site as (source path, address, inclusion); ``scheduled`` whether a plan schedules it.
    """
    documents = sorted([*loaded.corpus.documents, *loaded.withheld], key=lambda d: d.src_uri)
    if any(document.source not in contents for document in documents):
        return {}  # a file read without the memo: nothing to compare it with
    context = context_digest(loaded, documents, contents, site_files, salt)
    today = loaded.today.isoformat()
    digests = {}
    for document in documents:
        withheld = document.withheld(loaded.today)
        dated = document.collection.name not in TEXT_ONLY or scheduled(document)
        digests[document.src_uri] = digest(
            context, contents[document.source], withheld.value if withheld else "", today if dated else ""
        )
    return digests


def context_digest(
    loaded: LoadResult, documents: list[Document], contents: dict[Path, str], site_files: Iterable[tuple[str, str, str]], salt: str
) -> str:
    """What every page may depend on besides its own file (see the module's description)."""
    vocabulary = loaded.memo_context[2] if loaded.memo_context is not None else b""
    withheld = [(d.src_uri, reason.value) for d in documents if (reason := d.withheld(loaded.today)) is not None]
    shown = [(d.src_uri, _shown_to_others(d, contents[d.source])) for d in documents]
    files = sorted(site_files)
    return digest(
        salt, vocabulary if isinstance(vocabulary, bytes) else repr(vocabulary),
        json.dumps([withheld, shown, files], ensure_ascii=False),
    )


def _shown_to_others(document: Document, content: str) -> str:
    """What pages other than the document's own may show of it."""
    if document.collection.name not in TEXT_ONLY:
        return content
    try:
        fields = json.dumps(document.fields, sort_keys=True, ensure_ascii=False, default=_plain)
    except (TypeError, ValueError):
        return content  # a value with no plain form: the whole file stands for it
    links = sorted({(link.target, link.anchor) for link in anchored_links(document.body, document.src_uri, 1)})
    return digest(fields, json.dumps(headings(document.body), ensure_ascii=False), json.dumps(links, ensure_ascii=False))


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

