"""Each kind of pack put together: a plan's sessions, a year's cases, a regulation, a topic, one document."""

from __future__ import annotations

from html import escape

from ..structure.document import Document
from ..structure.quiz import QuizBank, bank_of
from .catalog import Pack
from .compose import (
    Contents,
    body_html,
    cited_part,
    document_meta,
    document_part,
    masthead,
    regulation_html,
    self_test,
    session_heading,
)


def _cover(pack: Pack, site_name: str) -> str:
    return (
        '<section class="cover">'
        f'<p class="cover__mark">内部学习资料</p><p class="cover__site">{escape(site_name)}</p>'
        f'<h1 class="cover__title">{escape(pack.title)}</h1>'
        f'<p class="cover__unit">{escape(pack.unit)}</p><p class="cover__year">{pack.year}年</p>'
        "</section>"
    )


def _plan_parts(plan: Document, published: set[str], contents: Contents) -> str:
    parts = [f'<section class="part"><h1 id="{contents.target(1, "学习计划")}">学习计划</h1>'
             f'{document_meta(plan)}<div class="body">{body_html(plan)}</div></section>']
    seen: set[str] = set()
    quizzes: list[QuizBank] = []
    for session in sorted(plan.sessions, key=lambda s: (s.date, s.same_day)):
        heading, where = session_heading(session)
        readings = []
        for reference, document in session.readings:
            if document.key not in published:
                continue  # withheld: never printed
            cited = cited_part(reference, document)
            if cited is not None:
                label, words = cited
                title = f"《{document.title}》{label}"
                readings.append(f'<h2 class="reading" id="{contents.target(2, title)}">{escape(title)}</h2>{words}')
            else:
                readings.append(document_part(document, contents, 2, seen))
        if session.quiz is not None and session.quiz.key in published and all(b.document is not session.quiz for b in quizzes):
            quizzes.append(bank_of(session.quiz))
        body = "".join(readings) or '<p class="see">本次学习没有指定学习材料。</p>'
        parts.append(
            f'<section class="part"><h1 id="{contents.target(1, heading)}">{escape(heading)}</h1>'
            f'<p class="meta">{escape(where)}</p>{body}</section>'
        )
    if quizzes:
        papers, answers = self_test(quizzes, Contents())
        test_anchor = contents.target(1, "自测题")
        parts.append(f'<section class="part"><h1 id="{test_anchor}">自测题</h1>{papers}</section>')
        parts.append(f'<section class="part answers-part"><h1 id="{contents.target(1, "参考答案")}">参考答案</h1>{answers}</section>')
    return "".join(parts)


def _documents_parts(documents: tuple[Document, ...], contents: Contents) -> str:
    seen: set[str] = set()
    return "".join(f'<section class="part">{document_part(d, contents, 1, seen)}</section>' for d in documents)


def _regulation_parts(regulation: Document, contents: Contents) -> str:
    return f'<section class="part booklet"><h1 class="booklet__title">{escape(regulation.title)}</h1>{regulation_html(regulation, contents)}</section>'


def _single_document(document: Document) -> str:
    return (
        f'<article class="single">{masthead(document)}<h1 class="single__title">{escape(document.title)}</h1>'
        f'{document_meta(document)}<div class="body">{body_html(document)}</div></article>'
    )


def pack_html(pack: Pack, site_name: str, published: set[str]) -> str:
    """The whole pack as HTML; ``published`` holds the keys of the documents a reader may see."""
    contents = Contents()
    head = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<title>{escape(pack.title)}</title><meta name="author" content="{escape(pack.unit)}">'
        f'<meta name="description" content="{escape(site_name)}内部学习资料"></head><body>'
    )
    if pack.kind == "document":
        return head + _single_document(pack.documents[0]) + "</body></html>"
    if pack.kind == "plan":
        main = _plan_parts(pack.documents[0], published, contents)
    elif pack.kind == "regulation":
        main = _regulation_parts(pack.documents[0], contents)
    else:
        main = _documents_parts(pack.documents, contents)
    return head + _cover(pack, site_name) + contents.html() + f"<main>{main}</main></body></html>"
