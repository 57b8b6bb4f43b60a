"""Which study packs a portal has, what each holds, and which pages link it. No engine imports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..structure.corpus import Corpus
from ..structure.document import Document

PACK_FOLDER = "packs"
PACK_INDEX = f"{PACK_FOLDER}/index.json"

# Pages that link packs without being a document: the case listing and the archive.
CASES_LISTING = "cases/index.md"
ARCHIVE_INDEX = "archive/index.md"


def archive_year_listing(year: int) -> str:
    return f"archive/{year}/index.md"


@dataclass(frozen=True)
class PackOptions:
    """What an operator turned on: plans, years of cases and regulations always; topics and single documents on request."""

    topics: bool = False
    documents: bool = False


@dataclass(frozen=True)
class Pack:
    uri: str
    title: str
    # plan, cases, regulation, topic or document: which composition it gets.
    kind: str
    # What the cover names: the issuing unit and the year.
    unit: str
    year: int
    documents: tuple[Document, ...]
    # The page addresses (src_uri) that link this pack.
    linked_from: tuple[str, ...] = field(default=())

    @property
    def link_text(self) -> str:
        return {
            "plan": "学习资料汇编",
            "cases": f"{self.year}年典型案例汇编",
            "regulation": "单行本",
            "topic": "专题资料汇编",
            "document": "本文 PDF 版",
        }[self.kind]


def _main_unit(documents: list[Document]) -> str:
    """The unit most of the documents come from (the first by name on a tie): the cover's 编印单位."""
    counts = Counter(d.unit for d in documents)
    return min(counts, key=lambda unit: (-counts[unit], unit))


def plan_pack(plan: Document) -> Pack:
    return Pack(f"{PACK_FOLDER}/plan-{plan.slug}.pdf", f"{plan.title}学习资料汇编", "plan", plan.unit, plan.year, (plan,), (plan.src_uri,))


def year_pack(year: int, cases: list[Document]) -> Pack:
    oldest_first = tuple(sorted(cases, key=lambda d: (d.date, d.title, d.slug)))
    return Pack(
        f"{PACK_FOLDER}/cases-{year}.pdf", f"{year}年典型案例汇编", "cases", _main_unit(cases), year, oldest_first,
        (CASES_LISTING, ARCHIVE_INDEX, archive_year_listing(year), *(case.src_uri for case in oldest_first)),
    )


def regulation_pack(regulation: Document) -> Pack:
    return Pack(
        f"{PACK_FOLDER}/regulation-{regulation.slug}.pdf", regulation.title, "regulation", regulation.unit, regulation.year,
        (regulation,), (regulation.src_uri,),
    )


def topic_pack(topic: str, slug: str, documents: list[Document]) -> Pack:
    oldest_first = tuple(sorted(documents, key=lambda d: (d.date, d.title, d.slug)))
    year = max(d.year for d in documents)
    return Pack(
        f"{PACK_FOLDER}/topic-{slug}.pdf", f"“{topic}”专题学习资料汇编", "topic", _main_unit(documents), year, oldest_first,
        (f"topics/{slug}/index.md",),
    )


def document_pdf(document: Document) -> Pack:
    return Pack(
        f"{PACK_FOLDER}/{document.collection.name}-{document.slug}.pdf", document.title, "document", document.unit, document.year,
        (document,), (document.src_uri,),
    )


def pack_catalog(corpus: Corpus, options: PackOptions) -> list[Pack]:
    """Every pack of the published documents, in a stable order (withheld documents are not in ``corpus``)."""
    packs = [plan_pack(plan) for plan in corpus.by_collection.get("plans", [])]
    cases_by_year: dict[int, list[Document]] = {}
    for case in corpus.by_collection.get("cases", []):
        cases_by_year.setdefault(case.year, []).append(case)
    packs += [year_pack(year, cases) for year, cases in sorted(cases_by_year.items(), reverse=True)]
    packs += [regulation_pack(regulation) for regulation in corpus.by_collection.get("regulations", [])]
    if options.topics:
        packs += [topic_pack(topic, slug, corpus.by_topic[topic]) for topic, slug in corpus.topics.items() if corpus.by_topic[topic]]
    if options.documents:
        packs += [
            document_pdf(document) for document in corpus.documents
            if document.collection.name not in ("regulations", "plans", "quizzes")
        ]
    return packs


def packs_by_page(packs: list[Pack]) -> dict[str, list[Pack]]:
    """The packs each page links, by the page's src_uri."""
    linked: dict[str, list[Pack]] = {}
    for pack in packs:
        for uri in pack.linked_from:
            linked.setdefault(uri, []).append(pack)
    return linked
