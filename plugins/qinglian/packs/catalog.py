"""Which study packs a portal has, what each holds, and which pages link it. No engine imports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..structure.corpus import Corpus
from ..structure.document import Document
from ..structure.regulation import chinese_numeral

PACK_FOLDER = "packs"
# A pack is bound like a book: a year of a large portal's cases (or a topic) comes in volumes, which also
# bounds what one typesetting holds in memory (about 200 pages at the longest cases).
DOCUMENTS_PER_VOLUME = 40
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
            "cases": self.title,
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


def _volumes(stem: str, title: str, kind: str, documents: list[Document], linked: tuple[str, ...], by_document: bool) -> list[Pack]:
    """Documents oldest first; many of them in volumes (第一册, 第二册 …) of at most ``DOCUMENTS_PER_VOLUME``."""
    oldest_first = sorted(documents, key=lambda d: (d.date, d.title, d.slug))
    volumes = [tuple(oldest_first[i : i + DOCUMENTS_PER_VOLUME]) for i in range(0, len(oldest_first), DOCUMENTS_PER_VOLUME)]
    packs = []
    for number, volume in enumerate(volumes, start=1):
        single = len(volumes) == 1
        packs.append(Pack(
            f"{PACK_FOLDER}/{stem}.pdf" if single else f"{PACK_FOLDER}/{stem}-{number}.pdf",
            title if single else f"{title}（第{chinese_numeral(number)}册）",
            kind, _main_unit(list(volume)), max(d.year for d in volume), volume,
            linked + (tuple(d.src_uri for d in volume) if by_document else ()),
        ))
    return packs


def year_packs(year: int, cases: list[Document]) -> list[Pack]:
    linked = (CASES_LISTING, ARCHIVE_INDEX, archive_year_listing(year))
    return _volumes(f"cases-{year}", f"{year}年典型案例汇编", "cases", cases, linked, by_document=True)


def regulation_pack(regulation: Document) -> Pack:
    return Pack(
        f"{PACK_FOLDER}/regulation-{regulation.slug}.pdf", regulation.title, "regulation", regulation.unit, regulation.year,
        (regulation,), (regulation.src_uri,),
    )


def topic_packs(topic: str, slug: str, documents: list[Document]) -> list[Pack]:
    return _volumes(f"topic-{slug}", f"“{topic}”专题学习资料汇编", "topic", documents, (f"topics/{slug}/index.md",), by_document=False)


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
    packs += [pack for year, cases in sorted(cases_by_year.items(), reverse=True) for pack in year_packs(year, cases)]
    packs += [regulation_pack(regulation) for regulation in corpus.by_collection.get("regulations", [])]
    if options.topics:
        packs += [pack for topic, slug in corpus.topics.items() if corpus.by_topic[topic] for pack in topic_packs(topic, slug, corpus.by_topic[topic])]
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
