"""Quiz pages: the self-test form, its answer key, and the index of quizzes by topic."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

from ..content.quizzes import BLANK_MARK, HALF_FOR_PARTIAL, LETTERS, MULTIPLE, SINGLE, TRUE_FALSE
from ..structure.document import Document
from ..structure.quiz import Question, QuizBank, bank_of
from ..revisions.links import successor
from ..learning.ids import question_id
from ..learning.sealing import seal
from .rendering import Rendering
from .generated import GeneratedPage, front_matter


QUIZ_SCRIPT = "assets/qinglian/quiz.js"
EXAM_SCRIPT = "assets/qinglian/exam.js"
KIND_CODES = {SINGLE: "single", MULTIPLE: "multiple", TRUE_FALSE: "truefalse"}


def answers_uri(document: Document) -> str:
    return f"{document.collection.name}/{document.slug}/answers.md"


def question_parts(question: Question) -> list[tuple[str, int | None]]:
    """The text of a 填空题 cut at its blanks: (text, blank number after it or None)."""
    pieces = BLANK_MARK.split(question.text)
    return [(piece, index if index < len(pieces) - 1 else None) for index, piece in enumerate(pieces)]


def answer_text(question: Question) -> str:
    if question.kind in (SINGLE, MULTIPLE):
        return "、".join(LETTERS[i] for i in question.correct)
    if question.kind == TRUE_FALSE:
        return "正确" if question.truth else "错误"
    return "；".join(f"第{n}空：{' / '.join(accepted)}" for n, accepted in enumerate(question.blanks, start=1))


def exam_seed(bank: QuizBank) -> str:
    """What quiz.js seeds the exam key's stream with: the quiz and its version, both on the form."""
    return f"{bank.document.slug}:{bank.version}"


class QuizPages:
    def __init__(self, views: Rendering) -> None:
        self.views = views

    def banks(self) -> list[QuizBank]:
        return [bank_of(d) for d in self.views.corpus.by_collection.get("quizzes", [])]

    def source_target(self, question: Question) -> tuple[str, str] | None:
        if question.source is None:
            return None
        reference, document = question.source
        anchor = f"#{self.views.settings.slugify(reference.anchor)}" if reference.anchor else ""
        now = successor(document, reference.anchor)
        revised = "" if now is None else f"，现为《{now.regulation.title}》{now.article.label}" if now.article else f"，已在《{now.regulation.title}》中删除"
        return document.src_uri + anchor, document.title + (f"（{reference.anchor}{revised}）" if reference.anchor else "")

    def answer_key(self, bank: QuizBank, href: Any) -> str:
        """What the script needs to score an attempt, encoded so it is not readable page text."""
        questions: dict[str, Any] = {}
        # Questions often share a source; each is listed once and named by its position.
        sources: list[list[str]] = []
        for q in bank.questions:
            target = self.source_target(q)
            entry: dict[str, Any] = {"p": q.points, "e": q.explanation}
            if q.correct:
                entry["c"] = list(q.correct)
            if q.truth is not None:
                entry["t"] = q.truth
            if q.blanks:
                entry["b"] = [list(accepted) for accepted in q.blanks]
            if target:
                source = [href(target[0]), target[1]]
                if source not in sources:
                    sources.append(source)
                entry["s"] = sources.index(source)
            questions[str(q.number)] = entry
        data = json.dumps({"q": questions, "s": sources}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if bank.exam:
            return seal(data, exam_seed(bank))
        return base64.b64encode(data).decode("ascii")

    def quiz_html(self, document: Document) -> str:
        bank = bank_of(document)
        return self.views.render(
            "quiz.html",
            document.src_uri,
            doc=document,
            bank=bank,
            key=lambda href: self.answer_key(bank, href),
            kinds=KIND_CODES,
            parts=question_parts,
            letters=LETTERS,
            multiple_mode="half" if bank.multiple_scoring == HALF_FOR_PARTIAL else "all",
            qid=lambda q: question_id(document.slug, q),
            script=QUIZ_SCRIPT,
            exam_script=EXAM_SCRIPT,
            answers=answers_uri(document),
        )

    def answer_pages(self) -> Iterator[GeneratedPage]:
        for bank in self.banks():
            if bank.exam:
                # An exam's answers are shown after it is handed in, never on a page of their own.
                continue
            document = bank.document
            uri = answers_uri(document)
            title = f"{document.title}：答案及解析"
            html = self.views.render("quiz_answers.html", uri, bank=bank, doc=document, letters=LETTERS, answer_text=answer_text, source=self.source_target)
            # Kept out of the search index, so a search does not hand out the answers.
            yield GeneratedPage(uri, title, front_matter(title, hide=("navigation", "toc"), search_exclude=True) + html + "\n", False)

    def index_page(self, uri: str, title: str, intro: str) -> GeneratedPage:
        corpus = self.views.corpus
        by_topic = [
            (topic, [d for d in corpus.by_topic[topic] if d.collection.name == "quizzes"]) for topic in corpus.topics
        ]
        html = self.views.render(
            "quiz_index.html",
            uri,
            intro=intro,
            groups=[(topic, [bank_of(d) for d in docs]) for topic, docs in by_topic if docs],
            total=len(self.banks()),
            script=QUIZ_SCRIPT,
        )
        return GeneratedPage(uri, title, front_matter(title, search_exclude=True) + html + "\n", True)
