"""Revision links between versions of a regulation, checked both ways, and where a cited article went.

The new version names the version it revises (``revises``), and the old one its successor
(``replaced_by``, with ``status: 已修订``). Both must agree; an old version whose
``replaced_by`` names a version that does not say ``revises`` is taken as revised by it, so
portals written before ``revises`` existed keep working. Every problem names both files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..structure.document import Document
from ..structure.problems import Problem, ProblemLog
from ..structure.references import Reference
from ..structure.regulation import Article, RegulationText
from .align import DELETED_MARK, Alignment, align

Resolve = Callable[[Reference, Document], "Document | None"]
REVISED = "已修订"


@dataclass
class Revision:
    """One revision: the version it revised, the version it made and their alignment."""

    old: Document
    new: Document
    alignment: Alignment

    @property
    def uri(self) -> str:
        """The comparison page (新旧条文对照), beside the new version."""
        return f"{self.new.collection.name}/{self.new.slug}/compare.md"

    @property
    def title(self) -> str:
        return f"《{self.new.title}》新旧条文对照"


@dataclass(frozen=True)
class Successor:
    """Where a cited article of an old version stands in the newest published version."""

    regulation: Document
    # None: the article was deleted by ``revision``.
    article: Article | None
    revision: Revision


def _line(document: Document, *path: str | int) -> int:
    while path:
        if path in document.lines:
            return document.lines[path]
        path = path[:-1]
    return document.slug_line


def _mismatch(document: Document, field: str, expected: str, found: str, hint: str = "") -> Problem:
    return Problem(document.shown_path, _line(document, field), field, expected, found, hint)


def _fixed(old: Document, new: Document, log: ProblemLog) -> dict[str, str | None] | None:
    """The new version's ``article_map`` as anchors, or None after reporting an article that does not exist."""
    before: RegulationText = old.fields["text"]
    after: RegulationText = new.fields["text"]
    fixed: dict[str, str | None] = {}
    ok = True
    for old_label, new_label in (new.fields.get("article_map") or {}).items():
        if before.article(old_label) is None:
            log.add(Problem(
                new.shown_path, _line(new, "article_map", old_label), f"article_map.{old_label}",
                f"旧版本《{old.title}》（{old.shown_path}）中已有的条", f"“{old_label}”，旧版本没有这一条",
                f"旧版本共 {len(before.articles)} 条。",
            ))
            ok = False
        elif new_label != DELETED_MARK and after.article(new_label) is None:
            log.add(Problem(
                new.shown_path, _line(new, "article_map", old_label), f"article_map.{old_label}",
                f"本版本中已有的条，或“{DELETED_MARK}”", f"“{new_label}”，本版本没有这一条",
                f"本版本共 {len(after.articles)} 条。",
            ))
            ok = False
        else:
            fixed[before.article(old_label).anchor] = None if new_label == DELETED_MARK else after.article(new_label).anchor  # type: ignore[union-attr]
    return fixed if ok else None


def _older(new: Document, resolve: Resolve, log: ProblemLog) -> Document | None:
    """The version ``new`` says it revises, when the link holds both ways."""
    reference: Reference | None = new.fields.get("revises")
    if reference is None:
        return None
    old = resolve(reference, new)
    if old is None:
        return None
    if old.collection is not new.collection or old is new:
        log.add(_mismatch(new, "revises", "本版本所修订的旧版本法规，如 regulations/2019-xx", f"“{reference}”"))
        return None
    successor: Reference | None = old.fields.get("replaced_by")
    if successor is None or successor.key != new.key or old.fields.get("status") != REVISED:
        found = f"它写的是 status: {old.fields.get('status')}" + (f"，replaced_by: {successor}" if successor else "，没有 replaced_by")
        log.add(_mismatch(
            new, "revises", f"旧版本 {old.shown_path} 同时写明 status: {REVISED} 和 replaced_by: {new.key}", found,
            f"修订关系要在两个文件中都写明：请修改 {old.shown_path}。",
        ))
        return None
    return old


def link_revisions(regulations: list[Document], published: set[str], resolve: Resolve, log: ProblemLog) -> list[Revision]:
    """Every revision between published versions, each version's fields ``revision_of``/``revised_by`` set."""
    for document in regulations:
        document.fields.pop("revision_of", None)
        document.fields.pop("revised_by", None)
    by_key = {d.key: d for d in regulations}
    older: dict[str, Document] = {}
    for new in regulations:
        old = _older(new, resolve, log)
        if old is not None:
            rival = next((n for n, o in older.items() if o is old), None)
            if rival is not None:
                log.add(_mismatch(new, "revises", f"尚未被其他版本修订的旧版本（{by_key[rival].shown_path} 已写明修订 {old.key}）", f"“{old.key}”"))
                continue
            older[new.key] = old
    for old in regulations:
        successor: Reference | None = old.fields.get("replaced_by")
        if successor is None:
            continue
        new = by_key.get(successor.key)
        if new is None:
            resolve(successor, old)
            continue
        written: Reference | None = new.fields.get("revises")
        if written is not None and written.key != old.key:
            log.add(_mismatch(
                old, "replaced_by", f"写明 revises: {old.key} 的新版本", f"“{successor}”，{new.shown_path} 写的是 revises: {written.key}",
                "请修改两个文件中的一个，使修订关系一致。",
            ))
        elif written is None and old.fields.get("status") == REVISED and new.key not in older and old not in older.values():
            older[new.key] = old
    revisions = []
    for new_key, old in older.items():
        new = by_key[new_key]
        if _in_cycle(new, older, by_key):
            log.add(_mismatch(new, "revises", "由旧到新的修订链", "循环的修订关系（某一版本间接修订了它自己）"))
            continue
        fixed = _fixed(old, new, log)
        if fixed is None or new_key not in published or old.key not in published:
            continue
        revision = Revision(old, new, align(old.fields["text"], new.fields["text"], fixed))
        old.fields["revised_by"] = revision
        new.fields["revision_of"] = revision
        revisions.append(revision)
    return revisions


def _in_cycle(new: Document, older: dict[str, Document], by_key: dict[str, Document]) -> bool:
    seen = {new.key}
    current = older.get(new.key)
    while current is not None:
        if current.key in seen:
            return True
        seen.add(current.key)
        current = older.get(current.key)
    return False


def successor(regulation: Document, anchor: str | None) -> Successor | None:
    """Where article ``anchor`` of ``regulation`` is in the newest published version, if it was revised."""
    revision: Revision | None = regulation.fields.get("revised_by")
    text: RegulationText | None = regulation.fields.get("text")
    article = text.article(anchor) if text is not None and anchor else None
    if revision is None or article is None:
        return None
    found: Successor | None = None
    while revision is not None and article is not None:
        article = revision.alignment.successors.get(article.anchor)
        found = Successor(revision.new, article, revision)
        revision = revision.new.fields.get("revised_by")
    return found
