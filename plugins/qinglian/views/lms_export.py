"""A question bank as Moodle GIFT or Moodle XML, so offices can load it into a learning platform."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..content.quizzes import BLANK_MARK, MULTIPLE, SINGLE, TRUE_FALSE
from ..structure.quiz import Question, QuizBank

# Moodle accepts only these answer weights (percent); 100/n for n = 1..10 are all among them.
_MOODLE_WEIGHTS = ["100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333", "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5"]


def moodle_weight(parts: int) -> str:
    """The allowed weight closest to an even share of 100 among ``parts`` correct answers."""
    share = 100 / parts
    return min(_MOODLE_WEIGHTS, key=lambda w: abs(float(w) - share))


def explanation_with_source(question: Question) -> str:
    if question.source is None:
        return question.explanation
    reference, document = question.source
    where = document.title + (f"（{reference.anchor}）" if reference.anchor else "")
    return f"{question.explanation}\n出处：{where}"


# GIFT


_GIFT_SPECIAL = re.compile(r"([\\~=#{}:])")


def gift_escape(text: str) -> str:
    """Escape GIFT's control characters and keep line breaks as \\n."""
    return _GIFT_SPECIAL.sub(r"\\\1", text).replace("\r\n", "\n").replace("\n", "\\n")


def _gift_question(question: Question, title: str) -> list[str]:
    name = f"::{gift_escape(title)}::"
    feedback = f"####{gift_escape(explanation_with_source(question))}"
    text = gift_escape(question.text)
    if question.kind == SINGLE:
        answers = [("=" if i in question.correct else "~") + gift_escape(o) for i, o in enumerate(question.options)]
        return [f"{name} {text} {{", *(f"\t{a}" for a in answers), f"\t{feedback}", "}"]
    if question.kind == MULTIPLE:
        right = moodle_weight(len(question.correct))
        answers = [
            (f"~%{right}%" if i in question.correct else "~%-100%") + gift_escape(o) for i, o in enumerate(question.options)
        ]
        return [f"{name} {text} {{", *(f"\t{a}" for a in answers), f"\t{feedback}", "}"]
    if question.kind == TRUE_FALSE:
        return [f"{name} {text} {{{'TRUE' if question.truth else 'FALSE'}{feedback}}}"]
    # GIFT has room for one blank per question: a question with several becomes one per blank.
    pieces = BLANK_MARK.split(question.text)
    lines: list[str] = []
    for index, accepted in enumerate(question.blanks):
        before = "____".join(pieces[: index + 1])
        after = "____".join(pieces[index + 1 :])
        blank = " ".join(f"={gift_escape(a)}" for a in accepted)
        label = title if len(question.blanks) == 1 else f"{title}（第{index + 1}空）"
        lines += [f"::{gift_escape(label)}:: {gift_escape(before)}{{{blank} {feedback}}}{gift_escape(after)}", ""]
    return lines[:-1]


def to_gift(bank: QuizBank) -> str:
    document = bank.document
    lines = [
        f"// {document.title}",
        f"// 满分 {bank.total} 分，{bank.pass_mark} 分及格；GIFT 不记录分值，请在平台中设置每题分数。",
        f"$CATEGORY: $course$/top/{gift_escape(document.title)}",
        "",
    ]
    for question in bank.questions:
        lines += _gift_question(question, f"{document.slug}-{question.number:02d}")
        lines.append("")
    return "\n".join(lines)


# Moodle XML


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    ET.SubElement(element, "text").text = text
    return element


_CLOZE_SPECIAL = re.compile(r"([\\}#~/\"])")


def _xml_question(root: ET.Element, question: Question, name: str) -> None:
    kinds = {SINGLE: "multichoice", MULTIPLE: "multichoice", TRUE_FALSE: "truefalse"}
    kind = kinds.get(question.kind, "shortanswer" if len(question.blanks) == 1 else "multianswer")
    element = ET.SubElement(root, "question", {"type": kind})
    _text(element, "name", name)
    text = question.text
    if kind == "shortanswer":
        text = BLANK_MARK.sub("____", text)
    if kind == "multianswer":
        # Moodle's cloze syntax embeds each blank's answers in the text.
        pieces = BLANK_MARK.split(text)
        text = pieces[0]
        for accepted, after in zip(question.blanks, pieces[1:]):
            answers = "~".join("=" + _CLOZE_SPECIAL.sub(r"\\\1", a) for a in accepted)
            text += f"{{1:SHORTANSWER:{answers}}}" + after
    _text(element, "questiontext", text, format="plain_text")
    _text(element, "generalfeedback", explanation_with_source(question), format="plain_text")
    ET.SubElement(element, "defaultgrade").text = str(question.points)
    ET.SubElement(element, "penalty").text = "0"
    ET.SubElement(element, "hidden").text = "0"
    if kind == "multichoice":
        single = question.kind == SINGLE
        ET.SubElement(element, "single").text = "true" if single else "false"
        ET.SubElement(element, "shuffleanswers").text = "1"
        ET.SubElement(element, "answernumbering").text = "ABCD"
        right = "100" if single else moodle_weight(len(question.correct))
        wrong = "0" if single else "-100"
        for index, option in enumerate(question.options):
            answer = _text(element, "answer", option, fraction=right if index in question.correct else wrong, format="plain_text")
            _text(answer, "feedback", "", format="plain_text")
    elif kind == "truefalse":
        for word, value in (("true", True), ("false", False)):
            answer = _text(element, "answer", word, fraction="100" if question.truth is value else "0")
            _text(answer, "feedback", "")
    elif kind == "shortanswer":
        ET.SubElement(element, "usecase").text = "0"
        for accepted in question.blanks[0]:
            answer = _text(element, "answer", accepted, fraction="100", format="plain_text")
            _text(answer, "feedback", "", format="plain_text")


def to_moodle_xml(bank: QuizBank) -> str:
    document = bank.document
    root = ET.Element("quiz")
    category = ET.SubElement(root, "question", {"type": "category"})
    _text(category, "category", f"$course$/top/{document.title}")
    _text(category, "info", f"满分 {bank.total} 分，{bank.pass_mark} 分及格。", format="plain_text")
    for question in bank.questions:
        _xml_question(root, question, f"{document.slug}-{question.number:02d}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

