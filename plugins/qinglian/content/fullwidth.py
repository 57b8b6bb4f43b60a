"""Full-width punctuation typed by a Chinese input method where YAML needs ASCII.

``outcome：开除党籍`` (a full-width colon) is not a field for YAML, and the parser's own message
names the next line and speaks English. These lines are found before parsing, each is
reported with the corrected line, and the front matter is read as corrected, so one check
also reports every other problem of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A key (ASCII, as every field name is) followed by a full-width colon, at the start of a line or list item.
_KEY = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[A-Za-z_][A-Za-z0-9_-]*)\s*：\s*(?P<value>.*)$")
# A half-width key whose value is a list in full-width brackets: topics: ［警示教育］ or 【…】.
_LIST = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[A-Za-z_][A-Za-z0-9_-]*):\s+[［【](?P<items>.*)[］】]\s*$")


@dataclass(frozen=True)
class Repair:
    """A line read as corrected: where, which field, what was typed and what it should be."""

    line: int
    key: str
    found: str
    corrected: str
    what: str
    expected: str


def repaired(yaml_text: str, first_line: int) -> tuple[str, list[Repair]]:
    """``yaml_text`` with full-width structure made ASCII, and the repairs made (file lines)."""
    lines = yaml_text.split("\n")
    repairs: list[Repair] = []
    for index, line in enumerate(lines):
        if "：" not in line and not any(mark in line for mark in "［【"):
            continue
        match = _KEY.match(line)
        if match:
            value = match["value"]
            corrected = f"{match['lead']}{match['key']}: {value}".rstrip()
            repairs.append(Repair(first_line + index, match["key"], line.strip(), corrected.strip(), "全角冒号“：”", "半角冒号加空格“: ”（切换到英文标点后输入）"))
            lines[index] = corrected
            line = corrected
        listed = _LIST.match(line)
        if listed:
            items = [item.strip() for item in re.split(r"[，,、]", listed["items"]) if item.strip()]
            corrected = f"{listed['lead']}{listed['key']}: [{', '.join(items)}]"
            repairs.append(Repair(first_line + index, listed["key"], line.strip(), corrected.strip(), "全角方括号", "半角方括号“[ ]”，各项之间用半角逗号分隔"))
            lines[index] = corrected
    return "\n".join(lines), repairs


# What PyYAML's problems mean for an editor; an unknown one gets the general advice.
_ADVICE = (
    ("could not find expected ':'", "这一行缺少半角冒号和空格“: ”。若是上一行的值太长换了行，请把值写回同一行，或给整个值加引号。"),
    ("mapping values are not allowed", "值中含有“: ”（冒号加空格）时，请把整个值用引号括起来，例如 title: \"关于……: ……的通报\"。"),
    ("cannot start any token", "这一行以 YAML 的特殊符号（如 @、`、% 或制表符）开头；请删去它、改用空格缩进，或给整个值加引号。"),
    ("found character '\\t'", "请用空格代替制表符（Tab）缩进。"),
    ("expected <block end>", "同一层的字段应左侧对齐；请检查这一行的缩进。"),
    ("did not find expected key", "同一层的字段应左侧对齐；请检查这一行的缩进。"),
    ("did not find expected '-' indicator", "列表项应都以“- ”开头，并左侧对齐。"),
    ("found unexpected end of stream", "引号或括号没有成对；请检查这一行的引号“\"”和方括号“[ ]”。"),
    ("while scanning a quoted scalar", "引号没有成对；请检查这一行的引号。"),
    ("did not find expected ',' or ']'", "方括号中的列表项之间用半角逗号“,”分隔，并以“]”结束。"),
    ("did not find expected ',' or '}'", "花括号中的项之间用半角逗号“,”分隔，并以“}”结束。"),
    ("found undefined alias", "元数据中不允许使用 YAML 的引用（*）；若 * 是值的一部分，请给整个值加上引号。"),
)
GENERAL_ADVICE = "每行写“字段: 值”（冒号为半角、后面有空格），列表项以“- ”开头；含冒号、#、引号等符号的值请用引号括起来。"


def advice(problem: str) -> str:
    """The editor's advice for one of PyYAML's problem texts (never the English itself)."""
    return next((text for marker, text in _ADVICE if marker in problem), GENERAL_ADVICE)


def points_before(problem: str, context: str) -> bool:
    """PyYAML marks the line after the culprit (or the end) for these: where the key or quote began is the editor's line."""
    return "could not find expected ':'" in problem or "quoted scalar" in context or "end of stream" in problem


_SEPARATORS = re.compile(r"\s*[，、,；;]\s*")


def split_terms(text: str) -> list[str]:
    """``警示教育，以案促改`` or ``警示教育、以案促改`` as the terms the editor meant."""
    return [part for part in _SEPARATORS.split(text.strip()) if part]


def has_separator(text: str) -> bool:
    return len(split_terms(text)) > 1
