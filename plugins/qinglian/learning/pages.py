"""The learning pages and blocks: 每日一题 on the home page, 往日题目, 错题本, 学习记录, and 已学 under documents.

The pages hold no record: what a reader did is kept in the reader's browser by learning.js, so a
page is the same for every reader and for every build with the same quizzes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..structure.document import Document
from ..structure.quiz import QuizBank
from ..views.generated import GeneratedFile, GeneratedPage, front_matter
from .ids import question_id

LEARNING_SCRIPT = "assets/qinglian/learning.js"
# The views of the home page's daily question and of the learning pages (after learning.js).
PRACTICE_SCRIPT = "assets/qinglian/practice.js"
# Every practice question, as a classic script: the home page draws the day's question from it.
DAILY_DATA = "assets/qinglian/daily-questions.js"
RECORD_URI = "learning/index.md"
MISTAKES_URI = "learning/mistakes.md"
PAST_DAILY_URI = "learning/daily.md"
# Past days 往日题目 lists; the draw is by date, so any day can be shown again.
PAST_DAYS = 30
KIND_CODES = {"单选题": "single", "多选题": "multiple", "判断题": "truefalse", "填空题": "blanks"}
# Documents a reader reads (plans are followed through their readings; quizzes are answered).
READ_COLLECTIONS = frozenset({"speeches", "cases", "regulations"})

Render = Callable[..., str]
# A page's source path (with an optional #fragment) -> its address from the site's root.
SiteUrl = Callable[[str], str]
Source = Callable[[Any], "tuple[str, str] | None"]


class LearningPages:
    def __init__(self, render: Render, site_url: SiteUrl, source_of: Source) -> None:
        self.render = render
        self.site_url = site_url
        self.source_of = source_of

    def daily_file(self, banks: list[QuizBank]) -> GeneratedFile:
        """The pool of 每日一题: every question of every practice quiz, in a fixed order.

        Exams stay out, so their answers are not handed out a question a day.
        """
        pool = []
        for bank in sorted((b for b in banks if not b.exam), key=lambda b: b.document.slug):
            quiz = bank.document
            for question in bank.questions:
                entry: dict[str, Any] = {
                    "id": question_id(quiz.slug, question),
                    "kind": KIND_CODES[question.kind],
                    "type": question.kind,
                    "text": question.text,
                    "options": list(question.options),
                    "p": 1,
                    "e": question.explanation,
                    "quiz": [quiz.title, self.site_url(quiz.src_uri)],
                }
                if question.correct:
                    entry["c"] = list(question.correct)
                if question.truth is not None:
                    entry["t"] = question.truth
                if question.blanks:
                    entry["b"] = [list(accepted) for accepted in question.blanks]
                source = self.source_of(question)
                if source is not None:
                    entry["source"] = [self.site_url(source[0]), source[1]]
                pool.append(entry)
        # Line separators are not allowed in strings before ES2019 (Chromium 66 and older kernels' parsers).
        data = json.dumps(pool, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        data = data.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        script = "window.QinglianDailyPool = " + data + ";\n"
        return GeneratedFile(DAILY_DATA, script.encode("utf-8"))

    def _page(self, uri: str, title: str, template: str, in_nav: bool = False, **context: Any) -> GeneratedPage:
        html = self.render(template, uri, links=self.links(), data=DAILY_DATA, script=PRACTICE_SCRIPT, **context)
        # A reader's own record is not content: nothing here is for the search index.
        return GeneratedPage(uri, title, front_matter(title, hide=("toc",), search_exclude=True) + html + "\n", in_nav)

    def pages(self) -> list[GeneratedPage]:
        return [
            self._page(RECORD_URI, "学习记录", "learning_record.html", in_nav=True),
            self._page(MISTAKES_URI, "错题本", "learning_mistakes.html"),
            self._page(PAST_DAILY_URI, "往日题目", "learning_past_daily.html", days=PAST_DAYS),
        ]

    def links(self) -> dict[str, str]:
        return {"record": RECORD_URI, "mistakes": MISTAKES_URI, "daily": PAST_DAILY_URI}

    def home_block(self, here: str, has_questions: bool) -> str:
        return self.render("learning_daily.html", here, links=self.links(), data=DAILY_DATA, script=PRACTICE_SCRIPT, has_questions=has_questions)

    def done_block(self, doc: Document) -> str | None:
        """The 已学 button at the end of a reading."""
        if doc.collection.name not in READ_COLLECTIONS:
            return None
        return self.render("learning_done.html", doc.src_uri, doc=doc, links=self.links())
