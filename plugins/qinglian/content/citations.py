"""Citations of regulations: case bases, readings and sources, links in text, and the way back.

Kept apart from the loader, which calls these once every document is loaded and resolved.
"""

from __future__ import annotations

from collections.abc import Callable

from ..structure.document import Document, Session
from ..structure.problems import Problem, ProblemLog
from ..structure.references import Reference
from ..structure.regulation import Article, RegulationText, normalise_anchor
from .collections import REGULATIONS
from .links import anchored_links

Resolve = Callable[[Reference, Document], "Document | None"]


def article_suggestion(text: RegulationText, label: str) -> str:
    """How to write ``label`` so that it names an existing article or chapter of ``text``."""
    normal = normalise_anchor(label)
    if normal != label.strip() and (text.article(normal) or text.chapter(normal)):
        return f"请写作“{normal}”（按法规中印刷的写法，用汉字数字）。"
    size = f"该法规共 {len(text.chapters)} 章 {len(text.articles)} 条（第一条至{text.articles[-1].label}）。" if text.articles else ""
    if normal.endswith("章"):
        return size
    nearest = text.nearest_article(label)
    return (f"最接近的是“{nearest.label}”：{nearest.opening(24)}" if nearest else "") + size


def check_anchor(reference: Reference, regulation: Document, log: ProblemLog) -> bool:
    """Whether ``reference.anchor`` names an article or a chapter of ``regulation``, as printed; reports it if not."""
    text: RegulationText = regulation.fields["text"]
    anchor = reference.anchor or ""
    if normalise_anchor(anchor) == anchor and (text.article(anchor) or text.chapter(anchor)):
        return True
    log.add(Problem(
        reference.source_path, reference.line, reference.field, f"{regulation.key} 中已有的条或章（如 #第一条、#第一章）",
        f"“#{anchor}”，该法规没有这一条或章", article_suggestion(text, anchor),
    ))
    return False


def resolve_bases(cases: list[Document], resolve: Resolve, log: ProblemLog) -> None:
    """Each case's 处理依据: the regulation and the articles of it that were applied."""
    for case in cases:
        citations: list[tuple[Document, Article]] = []
        for index, basis in enumerate(case.fields["basis"]):
            reference = basis["regulation"]
            regulation = resolve(reference, case)
            if regulation is None:
                continue
            if regulation.collection is not REGULATIONS:
                log.add(Problem(
                    reference.source_path, reference.line, reference.field, "党纪法规的引用，如 regulations/2024-xx", f"“{reference}”",
                    "basis 只能指向 regulations 栏目中的法规。",
                ))
                continue
            text: RegulationText = regulation.fields["text"]
            for position, label in enumerate(basis["articles"]):
                article = text.article(label)
                if article is None:
                    line = case.lines.get(("basis", index, "articles", position), case.slug_line)
                    log.add(Problem(
                        case.shown_path, line, f"basis[{index + 1}].articles[{position + 1}]", f"{regulation.key} 中已有的条款",
                        f"“{label}”，该法规没有这一条", article_suggestion(text, label),
                    ))
                    continue
                citations.append((regulation, article))
        case.fields["citations"] = citations


def check_regulation_links(documents: list[Document], regulations: list[Document], log: ProblemLog) -> None:
    """Links in document text to an article or chapter of a regulation must name one that exists."""
    by_uri = {d.src_uri: d for d in regulations}
    if not by_uri:
        return
    for document in documents:
        for link in anchored_links(document.body, document.src_uri, document.body_line):
            regulation = by_uri.get(link.target)
            if regulation is not None:
                reference = Reference(REGULATIONS.name, regulation.slug, link.anchor, document.shown_path, link.line, "正文中的链接")
                check_anchor(reference, regulation, log)


def link_regulations(regulations: list[Document], published_cases: list[Document], sessions: list[Session]) -> None:
    """Under each article: the published cases that applied it and the sessions that assign it."""
    for regulation in regulations:
        regulation.fields["cited_by"] = {}
        regulation.fields["assigned_in"] = {}
    for case in published_cases:
        for regulation, article in case.fields.get("citations", []):
            cited = regulation.fields["cited_by"].setdefault(article.anchor, [])
            if case not in cited:
                cited.append(case)
    for session in sessions:
        for reference, target in session.readings:
            if target.collection is REGULATIONS and reference.anchor:
                entries = target.fields["assigned_in"].setdefault(reference.anchor, [])
                if not any(s.plan is session.plan and s.entry == session.entry for s in entries):
                    entries.append(session)
