"""Taking in a save that changed only the text of speeches or cases, without loading everything again.

Between two builds of a preview server, most saves change a document's text and nothing
else. Such a change reaches one page and one search record: listings, related documents,
the calendar and regulation pages show a document's metadata, never its text. This module
decides whether a change is of that kind and, if so, puts the new texts into the documents
of the last load. Anything else (new, deleted or moved files, metadata, headings that
readings point to, links to regulation articles, other collections, a new error) makes the
caller load the portal in full.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..structure.document import Document
from ..structure.problems import ProblemLog, Severity
from ..content.links import anchored_links
from ..content.loader import LoadResult, load_document
from .memo import DocumentMemo
from ..content.tree import walk

# Collections whose text no other page shows.
TEXT_ONLY = ("speeches", "cases")
# An ATX heading, or a setext heading's underline, on a line of its own.
_HEADING = re.compile(r"^[^\S\n]*(?:#[^\n]*|[=-]+[^\S\n]*)$", re.M)


@dataclass(frozen=True)
class ContentState:
    """Every file and link under the content folder, by size, modification time and inode."""

    stamps: dict[str, tuple[int, int, int]]

    @classmethod
    def of(cls, content_dir: Path) -> ContentState:
        tree = walk(content_dir, with_stats=True)
        stamps = {}
        for path, stat in tree.stats.items():
            stamps[str(path)] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        for link in tree.links:
            stamps[f"{link.path} -> {link.target}"] = (0, 0, 0)
        return cls(stamps)

    def changed_since(self, before: ContentState) -> list[Path] | None:
        """Files changed in place; None when a file or link came or went."""
        if self.stamps.keys() != before.stamps.keys():
            return None
        return [Path(path) for path, stamp in self.stamps.items() if before.stamps[path] != stamp]


def reload_texts(loaded: LoadResult, changed: list[Path], memo: DocumentMemo, root: Path) -> list[Document] | None:
    """Put the new texts of ``changed`` into ``loaded``; the documents changed, or None to load in full."""
    if loaded.vocabulary is None or loaded.memo_context is None or not changed:
        return None
    content_dir = Path(loaded.memo_context[0])
    by_source = {document.source: document for document in [*loaded.corpus.documents, *loaded.withheld]}
    updates: list[tuple[Document, Document, list, list]] = []
    for path in changed:
        document = by_source.get(path)
        previous = memo.remembered(path)
        if document is None or document.collection.name not in TEXT_ONLY or previous is None or previous[0] is None:
            return None
        before, before_problems = previous
        fresh_log = ProblemLog()
        vocabulary = loaded.vocabulary
        fresh = memo.load(path, loaded.memo_context, lambda log: load_document(path, content_dir, root, vocabulary, log), fresh_log)
        if fresh is None or any(problem.severity is Severity.ERROR for problem in fresh_log.problems):
            return None
        same_metadata = (fresh.fields, fresh.lines, fresh.body_line, fresh.slug) == (before.fields, before.lines, before.body_line, before.slug)
        if not same_metadata or headings(fresh.body) != headings(before.body):
            return None
        if anchored_links(fresh.body, fresh.src_uri, 1) or anchored_links(before.body, before.src_uri, 1):
            return None
        updates.append((document, fresh, before_problems, fresh_log.problems))
    for document, fresh, before_problems, problems in updates:
        document.body = fresh.body
        for problem in before_problems:
            if problem in loaded.log.problems:
                loaded.log.problems.remove(problem)
        loaded.log.problems += problems
    return [document for document, *_ in updates]


def headings(body: str) -> list[str]:
    # Readings and quiz sources point to headings; a text whose headings stay the same keeps them valid.
    return [match[0].strip() for match in _HEADING.finditer(body)]
