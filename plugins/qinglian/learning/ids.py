"""Names for questions that survive renumbering, so a reader's 错题本 follows the question, not its place."""

from __future__ import annotations

import hashlib

from ..structure.quiz import Question


def question_id(quiz_slug: str, question: Question) -> str:
    """The quiz and a digest of what the question asks and accepts; an edited question is a new one."""
    data = "\x1f".join((question.kind, question.text, *question.options, repr(question.correct), repr(question.truth), repr(question.blanks)))
    return f"{quiz_slug}:{hashlib.blake2b(data.encode('utf-8'), digest_size=5).hexdigest()}"
