"""A small reader for Moodle GIFT, written from the format's documentation to check our exports.

It knows questions separated by blank lines, ``::title::``, answer blocks in braces, answers
introduced by an unescaped ``=`` or ``~`` (with an optional ``%weight%``), general feedback
after ``####``, and backslash escapes of ``~ = # { } : \\`` and ``\\n``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ESCAPE = re.compile(r"\\(.)")


def unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: "\n" if m[1] == "n" else m[1], text).strip()


def split_unescaped(text: str, separators: str) -> list[tuple[str, str]]:
    """Split ``text`` before each unescaped separator; returns (separator, piece) pairs."""
    parts: list[tuple[str, str]] = []
    current, marker, index = "", "", 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current += text[index : index + 2]
            index += 2
            continue
        if char in separators:
            parts.append((marker, current))
            current, marker = "", char
        else:
            current += char
        index += 1
    parts.append((marker, current))
    return parts


@dataclass
class GiftQuestion:
    title: str
    text: str
    answers: list[tuple[bool, str | None, str]] = field(default_factory=list)
    feedback: str = ""
    truth: bool | None = None


def _find_unescaped(text: str, char: str, start: int = 0) -> int:
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == char:
            return index
        index += 1
    return -1


def read_gift(source: str) -> list[GiftQuestion]:
    questions = []
    blocks = re.split(r"\n\s*\n", "\n".join(line for line in source.splitlines() if not line.startswith("//")))
    for block in blocks:
        block = block.strip()
        if not block or block.startswith("$CATEGORY"):
            continue
        match = re.match(r"::(.*?)(?<!\\)::", block, re.S)
        if match is None:
            raise ValueError(f"no title in {block!r}")
        rest = block[match.end() :]
        opening = _find_unescaped(rest, "{")
        closing = _find_unescaped(rest, "}", opening)
        if opening < 0 or closing < 0:
            raise ValueError(f"no answer block in {block!r}")
        inside = rest[opening + 1 : closing]
        text = unescape(rest[:opening] + "____" + rest[closing + 1 :]) if rest[closing + 1 :].strip() else unescape(rest[:opening])
        question = GiftQuestion(unescape(match[1]), text)
        feedback_at = inside.find("####")
        while feedback_at > 0 and inside[feedback_at - 1] == "\\":
            feedback_at = inside.find("####", feedback_at + 1)
        if feedback_at >= 0:
            question.feedback = unescape(inside[feedback_at + 4 :])
            inside = inside[:feedback_at]
        if inside.strip() in ("TRUE", "FALSE", "T", "F"):
            question.truth = inside.strip().startswith("T")
        else:
            for marker, piece in split_unescaped(inside, "=~"):
                if not marker:
                    continue
                weight = None
                found = re.match(r"\s*%(-?[\d.]+)%", piece)
                if found:
                    weight, piece = found[1], piece[found.end() :]
                question.answers.append((marker == "=", weight, unescape(piece)))
        questions.append(question)
    return questions
