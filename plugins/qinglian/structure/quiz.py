"""Question banks as the quiz pages and the exporters see them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .document import Document
from .references import Reference


@dataclass(frozen=True)
class Question:
    number: int
    kind: str
    text: str
    points: int
    explanation: str
    options: tuple[str, ...] = ()
    # Indexes into ``options`` of the right choices (单选题, 多选题).
    correct: tuple[int, ...] = ()
    # The right answer of a 判断题.
    truth: bool | None = None
    # Accepted answers of each blank (填空题).
    blanks: tuple[tuple[str, ...], ...] = ()
    source: tuple[Reference, Document] | None = None


@dataclass(frozen=True)
class QuizBank:
    document: Document
    questions: tuple[Question, ...]
    pass_mark: int
    total: int
    draw: int | None
    multiple_scoring: str
    # An exam: timed (minutes), with an answer sheet and no answers shown before it is handed in.
    time_limit: int | None = None

    @property
    def exam(self) -> bool:
        return self.time_limit is not None

    @property
    def version(self) -> str:
        """Changes whenever the questions do, so a saved attempt never meets edited questions."""
        data = json.dumps(
            [(q.kind, q.text, q.options, q.correct, q.truth, q.blanks, q.points) for q in self.questions],
            ensure_ascii=False,
        )
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:12]


def bank_of(document: Document) -> QuizBank:
    bank = document.fields.get("bank")
    if not isinstance(bank, QuizBank):
        raise ValueError(f"{document.key} is not a loaded question bank")
    return bank
