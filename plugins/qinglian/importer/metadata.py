"""Front matter for a new or imported document: what the text tells, placeholders for the rest."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..content.scan import placeholder

# Document kinds as editors name them on the command line, and their collection folders.
KINDS = {"speech": "speeches", "case": "cases", "plan": "plans", "quiz": "quizzes", "regulation": "regulations"}

_FULL_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_LINE = re.compile(r"^[（(〔\[]?\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*[）)〕\]]?$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# 〔2023年3月18日XX市纪委监委第X次委务会议通过〕 and 自2023年5月1日起施行, as regulations print them.
_ADOPTED = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日[^，。）)]*?(?:通过|审议|印发|发布)")
_EFFECTIVE = re.compile(r"自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日起施行")
_SPEECH_TITLE = re.compile(r"^(?P<speaker>.+?)(?:同志)?在(?P<occasion>.+?)上的(?:讲话|发言|主持词|总结讲话|讲话提纲|报告)")


@dataclass
class Guess:
    title: str
    date: dt.date | None = None
    year: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    # Hints for placeholders: what the text said where it could not fill a field.
    hints: dict[str, str] = field(default_factory=dict)


def _date(match: re.Match[str]) -> dt.date | None:
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def guess(kind: str, title: str, texts: list[str], roles: list[str]) -> Guess:
    """Fill what the title and text make certain; leave the rest to the editor."""
    result = Guess(title)
    dated = [d for text in texts if (m := _DATE_LINE.match(text)) and (d := _date(m))]
    in_title = _FULL_DATE.search(title)
    result.date = dated[0] if dated else (_date(in_title) if in_title else None)
    year = _YEAR.search(title)
    result.year = result.date.year if result.date else int(year[1]) if year else None
    if result.year is None:
        years = [int(m[1]) for text in texts for m in _YEAR.finditer(text)]
        result.year = years[0] if years else None
    if result.date is None and result.year:
        result.hints["date"] = f"原文年份为 {result.year} 年"
    if kind == "speech" and (match := _SPEECH_TITLE.match(title)):
        speaker, occasion = match["speaker"].strip(), match["occasion"].strip()
        result.fields["occasion"] = occasion
        # Titles often name the place or person before the role (XX市纪委书记): match the role at the end.
        role = max((r for r in roles if speaker.endswith(r)), key=len, default=None)
        if role:
            result.fields["speaker"] = role
        else:
            result.hints["speaker"] = f"原文为“{speaker}”，须为词表 roles 中的一项"
    if kind == "plan" and result.year:
        result.fields["year"] = result.year
    if kind == "regulation":
        adopted = next((d for text in texts[:5] if (m := _ADOPTED.search(text)) and (d := _date(m))), None)
        effective = next((d for text in texts if (m := _EFFECTIVE.search(text)) and (d := _date(m))), None)
        if adopted:
            result.fields["adopted"] = adopted
        if effective:
            result.fields["effective"] = effective
    return result


# Words every official title has, which would make every address alike.
_TITLE_FRAME = re.compile(r"^关于(?:印发)?|的(?:通知|通报|讲话|决定|意见|报告|批复|函)$")
_SLUG_WORDS = 6
SLUG_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slug_for(kind: str, title: str, year: int | None, name: str | None = None) -> str:
    """Stable and ASCII: the year and the editor's short English ``name``, or the pinyin of the title's first words.

    The same title always gives the same address; a title with no Chinese or ASCII words falls
    back to the kind and a hash of the title.
    """
    prefix = str(year) if year else "undated"
    if name:
        return f"{prefix}-{name}"
    from pypinyin import lazy_pinyin  # only the importer needs it

    core = _TITLE_FRAME.sub("", re.sub(r"[《》〈〉“”\"'（）()\s]", "", title))
    words = [word.lower() for word in lazy_pinyin(core) if re.fullmatch(r"[A-Za-z0-9]+", word)]
    # XX (an anonymised name) says nothing about the document.
    words = [word for word in words if word != "xx"][:_SLUG_WORDS]
    if not words:
        return f"{prefix}-{kind}-{hashlib.sha1(title.encode('utf-8')).hexdigest()[:6]}"
    return f"{prefix}-" + "-".join(words)


# Each field: (key, comment, required). Optional fields are written commented out.
COMMON = [
    ("title", "标题", True),
    ("date", "发布日期，如 2024-03-05", True),
    ("unit", "发文单位，须为词表 units 中的一项", True),
    ("topics", "专题，至少一项，须为词表 topics 中的项", True),
    ("doc_number", "文号，如 XX县纪发〔2025〕5号，可不写", False),
    ("distribution", "发文范围，如 此件发至县处级，可不写", False),
    ("summary", "摘要，显示在列表和页面顶部，可不写", False),
    ("draft", "草稿：true 时不发布", False),
    ("publish_date", "定时发布：这一天起发布，可不写", False),
    ("expire_date", "到期撤下：这一天之后不再发布，可不写", False),
]
BY_KIND = {
    "speech": [("speaker", "讲话人职务，须为词表 roles 中的一项", True), ("occasion", "会议名称", True)],
    "case": [
        ("discipline", "违反的纪律：政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律之一", True),
        ("outcome", "处理结果，如 党内严重警告、政务撤职", True),
        ("lessons", "警示要点，至少一项", True),
        ("basis", "处理依据：所依据的党纪法规和条款，可不写", False),
    ],
    "plan": [("year", "计划年度", True), ("sessions", "学习安排，至少一次", True)],
    "quiz": [
        ("pass_mark", "及格分", True),
        ("full_marks", "满分：各题分值之和不是 100 分时写明，可不写", False),
        ("mode", "作答方式：practice 为练习，exam 为限时考试，不写即为练习", False),
        ("time_limit", "考试限时（分钟）：mode 为 exam 时必填", False),
        ("questions", "题目，至少一题", True),
    ],
    "regulation": [
        ("status", "效力状态：现行有效、已修订、已废止之一，不写即为现行有效", False),
        ("revised", "修订日期列表，可不写", False),
        ("replaced_by", "已修订时写新版本，如 regulations/2025-xx", False),
        ("revises", "本版本修订的旧版本，如 regulations/2018-xx，可不写", False),
        ("article_map", "新旧条号对照：自动对照有误时写明，可不写", False),
    ],
}
# A regulation names its issuer and its adoption and effective dates instead of a unit and a date.
REGULATION_HEAD = [
    ("title", "标题", True),
    ("issuer", "制定机关，须为词表 units 中的一项", True),
    ("adopted", "通过日期，如 2024-03-05", True),
    ("effective", "施行日期，如 2024-05-01", True),
]


def fields_of(kind: str) -> list[tuple[str, str, bool]]:
    if kind == "regulation":
        return REGULATION_HEAD + [entry for entry in COMMON if entry[0] not in ("title", "date", "unit")] + BY_KIND[kind]
    return COMMON + BY_KIND[kind]
class RawYaml(str):
    """An example value already written as YAML (flow style), printed as it is."""


OPTIONAL_EXAMPLES = {"basis": RawYaml("[{regulation: regulations/2023-xx, articles: [第十条]}]"),
                     "summary": "一句话介绍本文", "doc_number": "XX县纪发〔2025〕5号", "distribution": "此件发至县处级", "full_marks": 100, "mode": "exam", "time_limit": 30, "draft": True, "publish_date": "2025-01-06", "expire_date": "2025-12-31",
                     "status": "现行有效", "revised": ["2025-06-30"], "replaced_by": "regulations/2025-xx",
                     "revises": "regulations/2018-xx", "article_map": RawYaml("{第十条: 第十二条}")}

_LIST_FIELDS = {"topics", "lessons"}
_PLAN_SESSION = """\
  - date: {date}   # 学习日期，须在计划年度内；定期学习改写 repeat，见编辑指南“学习日历”
    topic: {topic}   # 学习主题
    form: {form}   # 集中学习、专题研讨、警示教育、自学、知识测试之一
    readings: []   # 学习材料，如 speeches/2024-xxx"""
_QUIZ_QUESTION = """\
  - type: 单选题   # 单选题、多选题、判断题、填空题之一
    question: {question}
    options: [{option}, 选项二]
    answer: A
    points: 1
    explanation: {explanation}   # 解析"""


def _value(value: Any) -> str:
    if isinstance(value, RawYaml):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, (bool, int)):
        return json.dumps(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(str(value), ensure_ascii=False)


def front_matter(kind: str, values: dict[str, Any], hints: dict[str, str], note: str) -> str:
    """The YAML block, every field with its comment; unknown required values as placeholders."""
    lines = ["---", *(f"# {line}" for line in note.splitlines())]
    for key, comment, required in fields_of(kind):
        label = comment.split("，")[0].split("：")[0]
        hint = f"，{hints[key]}" if key in hints else ""
        if key in values and values[key] not in (None, "", []):
            lines.append(f"{key}: {_value(values[key])}   # {comment}")
        elif key == "sessions":
            lines.append(f"{key}:   # {comment}")
            lines.append(_PLAN_SESSION.format(date=placeholder("学习日期"), topic=placeholder("学习主题"), form=placeholder("学习形式")))
        elif key == "questions":
            lines.append(f"{key}:   # {comment}")
            lines.append(_QUIZ_QUESTION.format(question=placeholder("题目"), option=placeholder("选项一"), explanation=placeholder("解析")))
        elif required:
            empty = placeholder(label + hint)
            lines.append(f"{key}: {_value([empty]) if key in _LIST_FIELDS else _value(empty)}   # {comment}")
        else:
            lines.append(f"# {key}: {_value(OPTIONAL_EXAMPLES.get(key, ''))}   # {comment}")
    lines.append("---")
    return "\n".join(lines) + "\n"
