"""A regulation's page: chapters as headings, articles with stable anchors and their uses."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..structure.document import Document, Session
from ..structure.regulation import Article, RegulationText
from .charts import bar_chart

Render = Callable[..., str]
MOST_CITED = 5
# Copies an article's link; loaded by regulation pages only.
REGULATION_SCRIPT = "assets/qinglian/regulation.js"


def grouped_citations(case: Document) -> list[tuple[Document, list[Article]]]:
    """A case's cited articles, grouped by regulation in the order the editor wrote them."""
    groups: dict[str, tuple[Document, list[Article]]] = {}
    for regulation, article in case.fields.get("citations", []):
        articles = groups.setdefault(regulation.key, (regulation, []))[1]
        if article not in articles:
            articles.append(article)
    return list(groups.values())


def most_cited(regulation: Document, limit: int = MOST_CITED) -> list[tuple[Article, int]]:
    text: RegulationText = regulation.fields["text"]
    cited: dict[str, list[Document]] = regulation.fields.get("cited_by", {})
    counted = [(article, len(cited.get(article.anchor, []))) for article in text.articles]
    return sorted((pair for pair in counted if pair[1]), key=lambda pair: (-pair[1], pair[0].number))[:limit]


class RegulationPages:
    """Renders a regulation's text; ``render`` holds a template's HTML back from Markdown."""

    def __init__(self, render: Render, session_target: Callable[[Session], str]) -> None:
        self.render = render
        self.session_target = session_target

    def body_markdown(self, regulation: Document) -> str:
        text: RegulationText = regulation.fields["text"]
        here = regulation.src_uri
        cited: dict[str, list[Document]] = regulation.fields.get("cited_by", {})
        assigned: dict[str, list[Session]] = regulation.fields.get("assigned_in", {})
        common: dict[str, Any] = {"session_target": self.session_target, "regulation": regulation}
        per_chapter = bar_chart(
            f"cited-{regulation.slug}", "各章被案例引用的次数", "次",
            [(f"{c.label} {c.title}", sum(len(cited.get(a.anchor, [])) for a in c.articles)) for c in text.chapters],
        )
        blocks = [self.render(
            "regulation_overview.html", here, text=text, preamble=text.preamble, most_cited=most_cited(regulation),
            chart_list=[per_chapter] if per_chapter else [],
        )]

        def articles(members: list[Article]) -> None:
            section = None
            for article in members:
                if article.section is not None and article.section is not section:
                    section = article.section
                    blocks.append(f"### {section.label}　{html.escape(section.title)}".rstrip())
                blocks.append(self.render(
                    "regulation_article.html", here, article=article,
                    cases=cited.get(article.anchor, []), sessions=assigned.get(article.anchor, []), **common,
                ))

        articles([a for a in text.articles if a.chapter is None])
        for chapter in text.chapters:
            blocks.append(self.render("regulation_chapter.html", here, chapter=chapter, sessions=assigned.get(chapter.anchor, []), **common))
            blocks.append(f"## {chapter.label}　{html.escape(chapter.title)}".rstrip())
            articles(chapter.articles)
        return "\n\n".join(blocks)


@dataclass(frozen=True)
class CitedPart:
    """What a reading or basis pointing into a regulation shows: the article (第五条) or chapter, and the article's words."""

    label: str
    text: str


def cited_part(document: Document, anchor: str | None) -> CitedPart | None:
    """The article or chapter of ``document`` (a regulation) that ``anchor`` names; None for any other reading."""
    text = document.fields.get("text") if document.collection.name == "regulations" and anchor else None
    if text is None:
        return None
    article = text.article(anchor)
    if article is not None:
        return CitedPart(article.label, article.opening(120))
    chapter = text.chapter(anchor)
    return CitedPart(f"{chapter.label}　{chapter.title}".rstrip(), "") if chapter is not None else None
