"""Aligning two versions of a regulation article by article, by what the articles say.

Revisions renumber: an article inserted in chapter two moves every later number, and a chapter
may move as a whole. So articles are paired by their words, not their numbers:

1. pairs an editor wrote (``article_map``) come first;
2. then articles whose words are the same, in order;
3. then the closest remaining pairs by the overlap of their two-character pieces (the Dice
   coefficient), best first and, at equal scores, nearest in position. Two texts sharing less
   than ``SIMILAR`` are taken as one deleted and one added article.

Rows follow the new version; a deleted article stands after the old article it followed.
"""

from __future__ import annotations

import difflib
import enum
from dataclasses import dataclass, field

from ..structure.regulation import Article, Chapter, RegulationText

# Below this share of common two-character pieces, two articles are different articles.
SIMILAR = 0.5
# What an editor writes in ``article_map`` for an old article that has no successor.
DELETED_MARK = "删除"


class Change(enum.Enum):
    ADDED = "新增"
    DELETED = "删除"
    MODIFIED = "修改"
    RENUMBERED = "未变（条序调整）"
    SAME = "未变"

    @property
    def code(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Segment:
    """A run of an article's text, and whether the revision changed it."""

    text: str
    changed: bool


@dataclass(frozen=True)
class ArticlePair:
    old: Article | None
    new: Article | None
    change: Change
    old_text: tuple[tuple[Segment, ...], ...] = ()
    new_text: tuple[tuple[Segment, ...], ...] = ()


@dataclass(frozen=True)
class ChapterPair:
    old: Chapter | None
    new: Chapter | None

    @property
    def moved(self) -> bool:
        return self.old is not None and self.new is not None and self.old.number != self.new.number


Row = ArticlePair | ChapterPair


@dataclass
class Alignment:
    rows: list[Row] = field(default_factory=list)
    # Each old article's successor by its anchor (None: deleted).
    successors: dict[str, Article | None] = field(default_factory=dict)

    def count(self, change: Change) -> int:
        return sum(1 for row in self.rows if isinstance(row, ArticlePair) and row.change is change)

    @property
    def summary(self) -> list[tuple[Change, int]]:
        return [(change, self.count(change)) for change in Change]


def _words(article: Article) -> str:
    return "\n".join(paragraph.strip() for paragraph in article.paragraphs)


def _pieces(text: str) -> frozenset[str]:
    squeezed = "".join(text.split())
    return frozenset(squeezed[i : i + 2] for i in range(len(squeezed) - 1)) or frozenset([squeezed])


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


def pair_articles(old: RegulationText, new: RegulationText, fixed: dict[str, str | None] | None = None) -> dict[int, int | None]:
    """Old article index → new article index (None: deleted). ``fixed`` maps anchors and must name existing articles."""
    pairs: dict[int, int | None] = {}
    taken: set[int] = set()
    old_index = {a.anchor: i for i, a in enumerate(old.articles)}
    new_index = {a.anchor: i for i, a in enumerate(new.articles)}
    for old_anchor, new_anchor in (fixed or {}).items():
        target = None if new_anchor is None else new_index[new_anchor]
        pairs[old_index[old_anchor]] = target
        if target is not None:
            taken.add(target)
    by_words: dict[str, list[int]] = {}
    for j, article in enumerate(new.articles):
        if j not in taken:
            by_words.setdefault(_words(article), []).append(j)
    for i, article in enumerate(old.articles):
        same = by_words.get(_words(article))
        if i not in pairs and same:
            j = same.pop(0)
            pairs[i] = j
            taken.add(j)
    left = [i for i in range(len(old.articles)) if i not in pairs]
    right = [j for j in range(len(new.articles)) if j not in taken]
    old_pieces = {i: _pieces(_words(old.articles[i])) for i in left}
    new_pieces = {j: _pieces(_words(new.articles[j])) for j in right}
    scale = max(len(old.articles), len(new.articles), 1)
    candidates = []
    for i in left:
        for j in right:
            score = _similarity(old_pieces[i], new_pieces[j])
            if score >= SIMILAR:
                candidates.append((-score, abs(i / scale - j / scale), i, j))
    candidates.sort()
    for _, _, i, j in candidates:
        if i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    for i in left:
        pairs.setdefault(i, None)
    return pairs


def marked(old: str, new: str) -> tuple[tuple[tuple[Segment, ...], ...], tuple[tuple[Segment, ...], ...]]:
    """Both texts cut into paragraphs of runs, the runs the revision changed marked, character by character."""
    old_runs: list[tuple[str, bool]] = []
    new_runs: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if i2 > i1:
            old_runs.append((old[i1:i2], tag != "equal"))
        if j2 > j1:
            new_runs.append((new[j1:j2], tag != "equal"))
    return _paragraphs(old_runs), _paragraphs(new_runs)


def _paragraphs(runs: list[tuple[str, bool]]) -> tuple[tuple[Segment, ...], ...]:
    paragraphs: list[list[Segment]] = [[]]
    for text, changed in runs:
        for k, piece in enumerate(text.split("\n")):
            if k:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append(Segment(piece, changed))
    return tuple(tuple(p) for p in paragraphs)


def _pair(old: Article | None, new: Article | None) -> ArticlePair:
    if old is None or new is None:
        text = tuple((Segment(p, False),) for p in (old or new).paragraphs)  # type: ignore[union-attr]
        return ArticlePair(old, new, Change.ADDED if old is None else Change.DELETED, text if old else (), text if new else ())
    before, after = _words(old), _words(new)
    if before == after:
        text = tuple((Segment(p, False),) for p in new.paragraphs)
        return ArticlePair(old, new, Change.SAME if old.number == new.number else Change.RENUMBERED, text, text)
    old_text, new_text = marked(before, after)
    return ArticlePair(old, new, Change.MODIFIED, old_text, new_text)


def _chapter_partners(old: RegulationText, new: RegulationText, pairs: dict[int, int | None]) -> dict[int, Chapter]:
    """New chapter number → the old chapter most of its articles came from (each old chapter used once)."""
    votes: dict[tuple[int, int], int] = {}
    for i, j in pairs.items():
        before, after = old.articles[i].chapter, new.articles[j].chapter if j is not None else None
        if before is not None and after is not None:
            votes[(after.number, before.number)] = votes.get((after.number, before.number), 0) + 1
    partners: dict[int, Chapter] = {}
    used: set[int] = set()
    for (after, before), _ in sorted(votes.items(), key=lambda item: (-item[1], item[0])):
        if after not in partners and before not in used:
            partners[after] = old.chapters[before - 1]
            used.add(before)
    return partners


def align(old: RegulationText, new: RegulationText, fixed: dict[str, str | None] | None = None) -> Alignment:
    """The comparison of ``old`` and ``new``; ``fixed`` (old anchor → new anchor or None) must name existing articles."""
    pairs = pair_articles(old, new, fixed)
    partner_of_new = {j: i for i, j in pairs.items() if j is not None}
    chapters = _chapter_partners(old, new, pairs)
    matched_old_chapters = {c.number for c in chapters.values()}
    # Where each deleted old article is shown: after the old article before it in its chapter, at the
    # start of the new chapter its old chapter became, or after the article before it anywhere.
    new_chapter_of_old = {c.number: n for n, c in chapters.items()}
    slots: dict[tuple[str, int], list[int]] = {}
    slot_of: dict[int, tuple[str, int]] = {}
    for i, article in enumerate(old.articles):
        if pairs[i] is not None:
            continue
        previous = old.articles[i - 1] if i else None
        if previous is not None and (previous.chapter is article.chapter or article.chapter is None
                                     or article.chapter.number not in new_chapter_of_old):
            slot = slot_of.get(i - 1, ("after", i - 1))
        elif article.chapter is not None and article.chapter.number in new_chapter_of_old:
            slot = ("chapter", new_chapter_of_old[article.chapter.number])
        else:
            slot = ("top", 0)
        slot_of[i] = slot
        slots.setdefault(slot, []).append(i)

    result = Alignment()
    shown_old_chapters: set[int] = set()

    def emit_deleted(indices: list[int]) -> None:
        for i in indices:
            chapter = old.articles[i].chapter
            if chapter is not None and chapter.number not in matched_old_chapters and chapter.number not in shown_old_chapters:
                shown_old_chapters.add(chapter.number)
                result.rows.append(ChapterPair(chapter, None))
            result.rows.append(_pair(old.articles[i], None))

    emit_deleted(slots.get(("top", 0), []))
    current: Chapter | None = None
    for j, article in enumerate(new.articles):
        if article.chapter is not None and article.chapter is not current:
            current = article.chapter
            result.rows.append(ChapterPair(chapters.get(current.number), current))
            emit_deleted(slots.get(("chapter", current.number), []))
        i = partner_of_new.get(j)
        result.rows.append(_pair(old.articles[i] if i is not None else None, article))
        if i is not None:
            emit_deleted(slots.get(("after", i), []))
    for i, j in pairs.items():
        result.successors[old.articles[i].anchor] = new.articles[j] if j is not None else None
    return result
