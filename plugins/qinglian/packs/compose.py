"""A pack as one HTML document for the typesetter: cover, contents, then the documents in order.

Every metadata value is escaped here; bodies are the portal's Markdown dialect, checked against
the raw-HTML policy again, with links turned into their text (paper has no links).
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape

from ..content.html_policy import check_html
from ..markdown import render_body
from ..structure.document import Document, Session
from ..structure.quiz import Question, QuizBank
from ..structure.references import Reference
from ..structure.regulation import Article, RegulationText
from .catalog import Pack

_LINK = re.compile(r"</?a\b[^>]*>", re.I)
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def chinese_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def anchor_of(document: Document) -> str:
    return "d-" + re.sub(r"[^A-Za-z0-9_-]", "-", document.key)


class Contents:
    """The contents entries, collected while the parts are written, so every entry has a target."""

    def __init__(self) -> None:
        self.entries: list[tuple[int, str, str]] = []
        self._count = 0

    def target(self, level: int, title: str) -> str:
        self._count += 1
        anchor = f"c{self._count}"
        self.entries.append((level, title, anchor))
        return anchor

    def html(self) -> str:
        items = "".join(
            f'<li class="contents__entry contents__entry--{level}"><a href="#{anchor}">{escape(title)}</a></li>'
            for level, title, anchor in self.entries
        )
        return f'<nav class="contents" aria-label="目录"><h1 class="contents__title">目　录</h1><ol>{items}</ol></nav>'


def body_html(document: Document) -> str:
    """The body as the site shows it, less its links; a body the policy refuses prints as plain text."""
    html = render_body(document.body)
    if check_html(html):
        return f"<pre>{escape(document.body)}</pre>"
    return _LINK.sub("", html)


def document_meta(document: Document) -> str:
    parts = [document.unit, chinese_date(document.date), document.fields.get("doc_number") or ""]
    return f'<p class="meta">{"　".join(escape(part) for part in parts if part)}</p>'


def masthead(document: Document) -> str:
    """A 公文's red masthead, its 文号 and the red line, as GB/T 9704 lays them out."""
    number = document.fields.get("doc_number")
    if not number:
        return ""
    return (
        f'<div class="masthead"><p class="masthead__issuer">{escape(document.unit)}文件</p>'
        f'<p class="masthead__number">{escape(number)}</p><hr class="masthead__rule"></div>'
    )


def article_html(article: Article) -> str:
    first, *rest = article.paragraphs or [""]
    paragraphs = [f'<p class="article"><span class="article__label">{escape(article.label)}</span>　{escape(first)}</p>']
    paragraphs += [f'<p class="article">{escape(text)}</p>' for text in rest]
    return "".join(paragraphs)


def regulation_html(regulation: Document, contents: Contents | None) -> str:
    text: RegulationText = regulation.fields["text"]
    effective = regulation.fields.get("effective")
    dates = f"（{chinese_date(regulation.date)}通过" + (f"，{chinese_date(effective)}起施行）" if effective else "）")
    parts = [f'<p class="regulation__dates">{escape(dates)}</p>']
    parts += [f"<p>{escape(paragraph)}</p>" for paragraph in text.preamble]
    parts += [article_html(article) for article in text.articles if article.chapter is None]
    for chapter in text.chapters:
        title = f"{chapter.label}　{chapter.title}".strip()
        anchor = f' id="{contents.target(1, title)}"' if contents is not None else ""
        parts.append(f'<h2 class="chapter"{anchor}>{escape(title)}</h2>')
        section = None
        for article in chapter.articles:
            if article.section is not None and article.section is not section:
                section = article.section
                parts.append(f'<h3 class="section">{escape(f"{section.label}　{section.title}".strip())}</h3>')
            parts.append(article_html(article))
    return "".join(parts)


def cited_part(reference: Reference, document: Document) -> tuple[str, str] | None:
    """A reading of one article or chapter of a regulation: its label and its words alone."""
    if reference.anchor is None or document.collection.name != "regulations":
        return None
    text: RegulationText = document.fields["text"]
    article = text.article(reference.anchor)
    if article is not None:
        return article.label, article_html(article)
    chapter = text.chapter(reference.anchor)
    if chapter is not None:
        return f"{chapter.label}　{chapter.title}", "".join(article_html(a) for a in chapter.articles)
    return None


def document_part(document: Document, contents: Contents, level: int, seen: set[str]) -> str:
    """A whole document: printed once; a second reading of it points to the page it is on."""
    title = escape(document.title)
    if document.key in seen:
        return (
            f'<h{level} class="reading">{title}</h{level}>'
            f'<p class="see">（全文见本汇编第<a class="page-ref" href="#{anchor_of(document)}"></a>页）</p>'
        )
    seen.add(document.key)
    anchor = contents.target(level, document.title)
    if document.collection.name == "regulations":
        body = regulation_html(document, None)
    else:
        body = document_meta(document) + f'<div class="body">{body_html(document)}</div>'
    return (
        f'<article class="document"><h{level} class="reading" id="{anchor}">'
        f'<span id="{anchor_of(document)}"></span>{title}</h{level}>{body}</article>'
    )


def session_heading(session: Session) -> tuple[str, str]:
    """A session's date and topic, and where and how it meets."""
    where = "　".join(part for part in (session.unit, session.form, session.location or "") if part)
    return f"{chinese_date(session.date)}　{session.topic}", where


def question_html(question: Question) -> str:
    options = "".join(
        f'<li><span class="option__letter">{_LETTERS[i]}.</span> {escape(option)}</li>' for i, option in enumerate(question.options)
    )
    kind = f"（{escape(question.kind)}，{question.points}分）"
    choice = f'<ol class="options">{options}</ol>' if options else ""
    return f'<li class="question"><p>{escape(question.text)}{kind}</p>{choice}</li>'


def answer_text(question: Question) -> str:
    if question.truth is not None:
        return "正确" if question.truth else "错误"
    if question.blanks:
        return "；".join("或".join(accepted) for accepted in question.blanks)
    return "".join(_LETTERS[i] for i in question.correct)


def self_test(banks: list[QuizBank], contents: Contents) -> tuple[str, str]:
    """The quizzes as a paper to fill in, and their answers for the pages at the end."""
    papers, answers = [], []
    for bank in banks:
        title = bank.document.title
        papers.append(
            f'<section class="paper"><h2 id="{contents.target(2, title)}">{escape(title)}</h2>'
            f'<p class="meta">满分{bank.total}分，{bank.pass_mark}分及格。</p>'
            f'<ol class="questions">{"".join(question_html(q) for q in bank.questions)}</ol></section>'
        )
        if bank.exam:
            answers.append(f"<h2>{escape(title)}</h2><p>这是考试题目，汇编不附答案。</p>")
            continue
        rows = "".join(
            f"<li><p>{answer_text(q)}{'　' + escape(q.explanation) if q.explanation else ''}</p></li>" for q in bank.questions
        )
        answers.append(f'<h2>{escape(title)}</h2><ol class="answers">{rows}</ol>')
    return "".join(papers), "".join(answers)
