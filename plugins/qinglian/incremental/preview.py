"""What a rebuild of ``mkdocs serve`` may take over from the last one, and when.

After a save that changed only the text of speeches or cases (``quick_reload``),
the rebuild keeps the last build's documents, views, generated pages and search records,
gives every other page the cache key it had, and renders the changed documents alone; the
search index takes in their new records. Any other change is a full rebuild (from the
page cache). Only a successful build is taken over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..content.loader import LoadResult
from .memo import DocumentMemo
from .quick_reload import ContentState, reload_texts
from ..search.records import SearchRecord
from ..views.generated import GeneratedFile, GeneratedPage
from ..views.pages import PortalViews


@dataclass
class LastBuild:
    state: ContentState
    loaded: LoadResult
    views: PortalViews
    generated: list[GeneratedPage]
    generated_files: list[GeneratedFile]
    page_cache_salt: str
    # The site's other files and the engine's build date, which must not change for a rebuild
    # that leaves the unchanged pages out (``IncrementalBuild.shown_documents``).
    hand_written: frozenset[str] = frozenset()
    build_date: str = ""
    # Filled in as the build goes on.
    document_records: dict[str, list[SearchRecord]] = field(default_factory=dict)
    page_keys: dict[str, str] = field(default_factory=dict)


@dataclass
class QuickRebuild:
    """This rebuild takes over ``last``; ``changed`` are the documents whose text changed."""

    last: LastBuild
    changed: set[str]
    # The last build's keys; ``last.page_keys`` fills up anew during this build.
    previous_keys: dict[str, str]

    def known_key(self, src_uri: str) -> str | None:
        """The cache key a page keeps, or None when the page must be assembled again."""
        if src_uri in self.changed:
            return None
        return self.previous_keys.get(src_uri)


def quick_rebuild(
    last: LastBuild | None, state: ContentState, today: dt.date, salt: str, memo: DocumentMemo, root: Path
) -> QuickRebuild | None:
    if last is None or last.loaded.today != today or last.page_cache_salt != salt:
        return None
    changed = state.changed_since(last.state)
    if changed is None:
        return None
    documents = reload_texts(last.loaded, changed, memo, root) if changed else []
    if documents is None:
        return None
    last.state = state
    return QuickRebuild(last, {document.src_uri for document in documents}, last.page_keys)
