"""Question banks: the front-matter schema of a quiz and the rules of each question type."""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Any

from ..structure.problems import Severity
from .frontmatter import KeyPath, type_name
from .schema import Choice, Field, Integer, ListOf, Ref, Schema, Text, ValidationContext

SINGLE, MULTIPLE, TRUE_FALSE, BLANKS = "单选题", "多选题", "判断题", "填空题"
QUESTION_TYPES = (SINGLE, MULTIPLE, TRUE_FALSE, BLANKS)
ALL_OR_NOTHING, HALF_FOR_PARTIAL = "全对得分", "少选得一半"
# A practice quiz shows each answer after submitting and may be retried; an exam is timed, has an
# answer sheet and shows nothing about the answers until it is handed in.
PRACTICE, EXAM = "practice", "exam"
QUIZ_MODES = (PRACTICE, EXAM)
TRUE_WORDS = {"正确", "对", "√", "是"}
FALSE_WORDS = {"错误", "错", "×", "否"}
LETTERS = string.ascii_uppercase
# Three or more underscores (half- or full-width) mark a blank in the question text.
BLANK_MARK = re.compile(r"[_＿]{3,}")


def normalise(text: str) -> str:
    """How answers and options are compared: full-width folded, spaces collapsed, case ignored."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


class Anything(Field[Any]):
    """A value whose shape depends on other fields; the schema's check decides."""

    expected = "答案"

    def convert(self, value: Any, ctx: ValidationContext, key_path: KeyPath) -> Any:
        return value


class QuestionSchema(Schema):
    type = Choice("题型", QUESTION_TYPES)
    question = Text("题目")
    options = ListOf("选项", Text("选项"), required=False, default=[])
    answer = Anything("答案", required=False)
    blanks = Anything("填空答案", required=False)
    points = Integer("分值", minimum=1, maximum=100, required=False, default=1)
    explanation = Text("解析")
    source = Ref("出处", required=False)

    @classmethod
    def check(cls, values: dict[str, Any], ctx: ValidationContext, base: KeyPath) -> dict[str, Any] | None:
        kind = values["type"]
        checker = {SINGLE: _choice, MULTIPLE: _choice, TRUE_FALSE: _true_false, BLANKS: _blanks}[kind]
        try:
            checker(values, ctx, base)
        except _Reported:
            return None
        return values


class _Reported(Exception):
    pass


def _fail(ctx: ValidationContext, at: KeyPath, expected: str, found: str, hint: str = "") -> None:
    ctx.report(at, expected, found, hint)
    raise _Reported


def _letters(answer: Any) -> list[str]:
    if isinstance(answer, list):
        return [str(item).strip().upper() for item in answer]
    if isinstance(answer, str):
        return [ch.upper() for ch in re.sub(r"[\s,，、;；]", "", answer)]
    return []


def _choice(values: dict[str, Any], ctx: ValidationContext, base: KeyPath) -> None:
    kind, options = values["type"], values["options"]
    if len(options) < 2 or len(options) > len(LETTERS):
        _fail(ctx, base + ("options",), f"{kind}的 2 至 26 个选项", f"{len(options)} 个选项")
    seen: dict[str, int] = {}
    for index, option in enumerate(options):
        key = normalise(option)
        if key in seen:
            _fail(ctx, base + ("options", index), "与其他选项不同的选项", f"“{option}”，与选项 {LETTERS[seen[key]]} 重复")
        seen[key] = index
    labels = LETTERS[: len(options)]
    letters = _letters(values["answer"])
    if not letters:
        _fail(ctx, base + ("answer",), f"选项字母（{labels[0]}—{labels[-1]}）", type_name(values["answer"]) if values["answer"] is not None else "缺少该字段")
    wrong = [letter for letter in letters if letter not in labels]
    if wrong:
        _fail(ctx, base + ("answer",), f"选项字母 {labels[0]}—{labels[-1]} 之一", f"“{'、'.join(wrong)}”，没有这个选项", f"本题只有 {len(options)} 个选项。")
    if kind == SINGLE and len(letters) != 1:
        _fail(ctx, base + ("answer",), "单选题的一个答案", f"{len(letters)} 个答案“{'、'.join(letters)}”", "多个正确答案请把题型改为多选题。")
    if kind == MULTIPLE and len(set(letters)) < 2:
        _fail(ctx, base + ("answer",), "多选题至少两个正确选项", f"“{'、'.join(letters)}”", "只有一个正确答案请把题型改为单选题。")
    values["correct"] = sorted({labels.index(letter) for letter in letters})


def _true_false(values: dict[str, Any], ctx: ValidationContext, base: KeyPath) -> None:
    answer = values["answer"]
    if isinstance(answer, bool):
        values["truth"] = answer
    elif isinstance(answer, str) and answer.strip() in TRUE_WORDS | FALSE_WORDS:
        values["truth"] = answer.strip() in TRUE_WORDS
    else:
        found = f"“{answer}”" if isinstance(answer, str) else (type_name(answer) if answer is not None else "缺少该字段")
        _fail(ctx, base + ("answer",), "“正确”或“错误”", found)
    if values["options"]:
        _fail(ctx, base + ("options",), "判断题不写选项（选项固定为正确、错误）", f"{len(values['options'])} 个选项")


def _blanks(values: dict[str, Any], ctx: ValidationContext, base: KeyPath) -> None:
    raw = values["blanks"]
    if not isinstance(raw, list) or not raw:
        found = type_name(raw) if raw is not None else "缺少该字段"
        _fail(ctx, base + ("blanks",), "每个空一项的列表，每项是该空可接受的答案", found, "例如 blanks: [[廉洁纪律], [生活纪律]]。")
    blanks: list[list[str]] = []
    for index, accepted in enumerate(raw):
        answers = accepted if isinstance(accepted, list) else [accepted]
        cleaned = [str(a).strip() for a in answers if a is not None and str(a).strip()]
        if not cleaned:
            _fail(ctx, base + ("blanks", index), "该空至少一个可接受的答案", "没有答案")
        blanks.append(cleaned)
    marks = len(BLANK_MARK.findall(values["question"]))
    if marks != len(blanks):
        _fail(ctx, base + ("question",), f"题目中有 {len(blanks)} 处“___”，与 blanks 的项数相同", f"{marks} 处“___”")
    values["blanks"] = blanks


def check_mode(values: dict[str, Any], ctx: ValidationContext, base: KeyPath) -> dict[str, Any] | None:
    """One pass mark under either name, and a time limit exactly when the quiz is an exam."""
    if values["pass_mark"] is not None and values["pass_score"] is not None:
        ctx.report(base + ("pass_score",), "pass_mark 和 pass_score 只写一个（两者都是及格分）", f"pass_mark: {values['pass_mark']}，pass_score: {values['pass_score']}")
        return None
    if values["pass_mark"] is None and values["pass_score"] is None:
        ctx.report(base + ("pass_mark",), "及格分（pass_mark，考试也可写 pass_score）", "缺少该字段")
        return None
    if values["pass_mark"] is None:
        values["pass_mark"] = values["pass_score"]
    exam = values["mode"] == EXAM
    if exam and values["time_limit"] is None:
        ctx.report(base + ("time_limit",), "考试的限时分钟数，如 time_limit: 30", "缺少该字段")
        return None
    if not exam and values["time_limit"] is not None:
        ctx.report(base + ("time_limit",), "只有考试（mode: exam）才写限时", f"练习中写了 time_limit: {values['time_limit']}", "要限时作答，请加一行 mode: exam。")
        return None
    return values


def check_bank(values: dict[str, Any], ctx: ValidationContext, base: KeyPath) -> dict[str, Any] | None:
    """Rules across a bank's questions: the draw, equal points for draws, a reachable pass mark."""
    questions = values["questions"]
    draw = values["draw"]
    if draw is not None and draw > len(questions):
        ctx.report(base + ("draw",), f"不超过题库题数（{len(questions)}）的抽题数", str(draw))
        return None
    if draw is not None and len({q["points"] for q in questions}) > 1:
        ctx.report(base + ("draw",), "抽题时题库中每题分值相同，每次作答总分才一致", "题目分值不一", "请统一 points，或删去 draw。")
        return None
    total = sum(q["points"] for q in (questions[:draw] if draw else questions))
    if values["pass_mark"] > total:
        ctx.report(base + ("pass_mark",), f"不超过总分 {total} 的及格分", str(values["pass_mark"]))
        return None
    full = values.get("full_marks") or 100
    if total != full:
        # Adding a question raises the total while the pass mark stays: say both numbers.
        pass_mark = values["pass_mark"]
        meant = f"满分 {full} 分时及格分占 {round(100 * pass_mark / full)}%"
        ctx.report(
            base + ("full_marks",) if values.get("full_marks") else base + ("pass_mark",),
            f"题目分值合计为满分 {full} 分（{'full_marks 写明' if values.get('full_marks') else '未写 full_marks 时按 100 分'}）",
            f"合计 {total} 分，及格分 {pass_mark} 分只占 {round(100 * pass_mark / total) if total else 0}%（{meant}）",
            "增删题目或修改分值后，请核对 pass_mark；满分确实不是 100 分时，写一行 full_marks 注明满分。",
            Severity.WARNING,
        )
    values["total"] = total
    return values
