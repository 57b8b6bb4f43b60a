"""Front-matter keys as an editor sees them in the form: Chinese labels along the path."""

from __future__ import annotations

import re

from ..content.collections import COLLECTIONS
from ..content.schema import ListOf, Nested, Schema
from ..structure.problems import Problem

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def field_label(collection: str, key: str) -> str:
    """``basis[1].articles`` of a case → ``处理依据 › 第 1 项 › 条款``; unknown keys stay as written."""
    if collection not in COLLECTIONS or not key:
        return key
    schema: type[Schema] | None = COLLECTIONS[collection][1]
    shown: list[str] = []
    field = None
    for name, index in _PART.findall(key):
        if index:
            shown.append(f"第 {index} 项")
            item = field.item if isinstance(field, ListOf) else None
            schema = item.schema if isinstance(item, Nested) else None
            continue
        field = schema.fields.get(name) if schema is not None else None
        shown.append(field.label if field is not None else name)
        schema = field.schema if isinstance(field, Nested) else None
    return " › ".join(shown)


def problem_message(problem: Problem, collection: str) -> str:
    """One problem for the form: the field by its label, what was expected and what was found."""
    place = f"第 {problem.line} 行" if problem.line > 1 or not problem.field else ""
    subject = f"“{field_label(collection, problem.field)}”" if problem.field else "正文" if problem.line > 1 else "文件"
    text = f"{problem.path} {place}{subject}：应为{problem.expected}，实际为{problem.found}。"
    return text + problem.hint
