"""Where a body reads differently under the portal's CommonMark than under the Python-Markdown it had before.

The switch of dialect is made once, for every body; editors should not find out from a reader
that a list became a run-on paragraph. ``dialect_changes`` renders a body both ways, compares
the blocks (their kind, nesting and words; not the spaces a line break used to leave between two
Chinese characters, which the new dialect removes on purpose), and names the first line of
each block that changed, with what it was and what it is now.
"""

from __future__ import annotations

import difflib
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import markdown as python_markdown

from ..structure.document import Document
from ..structure.problems import Problem, Severity, display_path
from .dialect import render_body
from .tree import append_html

_KINDS = {"p": "段落", "ol": "编号列表", "ul": "项目列表", "pre": "代码块", "blockquote": "引用", "table": "表格", "hr": "分隔线",
          "h1": "一级标题", "h2": "二级标题", "h3": "三级标题", "h4": "四级标题", "h5": "五级标题", "h6": "六级标题", "div": "HTML 块"}
_SPACE = re.compile(r"\s+")
_EXCERPT = 24


@dataclass(frozen=True)
class DialectChange:
    line: int
    before: str
    after: str


def _old_html(body: str) -> str:
    # What bodies were rendered with before: the engine's Python-Markdown with the portal's extensions.
    return python_markdown.markdown(body, extensions=["tables", "attr_list", "md_in_html", "fenced_code"])


def _blocks(html: str) -> list[etree.Element]:
    root = etree.Element("div")
    append_html(root, html)
    return list(root)


def _signature(element: etree.Element) -> str:
    """A block's kind, the kinds nested in it, and its words without spaces."""
    kinds = "/".join(child.tag for child in element.iter() if child.tag in _KINDS or child.tag == "li")
    return kinds + "|" + _SPACE.sub("", "".join(element.itertext()))


def _described(elements: list[etree.Element]) -> str:
    if not elements:
        return "（没有内容）"
    parts = []
    for element in elements[:3]:
        kind = _KINDS.get(element.tag, f"<{element.tag}>")
        if element.tag in ("ol", "ul"):
            items = element.findall("li")
            nested = any(child.tag in ("ol", "ul") for item in items for child in item)
            kind += f"（{len(items)} 项{'，含嵌套列表' if nested else ''}）"
        text = _SPACE.sub(" ", "".join(element.itertext())).strip()
        parts.append(kind + (f"“{text[:_EXCERPT]}{'……' if len(text) > _EXCERPT else ''}”" if text else ""))
    more = f" 等 {len(elements)} 块" if len(elements) > 3 else ""
    return "、".join(parts) + more


def _line(element: etree.Element) -> int | None:
    position = element.get("data-sourcepos", "")
    match = re.match(r"(\d+):", position)
    return int(match.group(1)) if match else None


def dialect_changes(body: str, first_line: int = 1) -> list[DialectChange]:
    """Blocks of ``body`` (whose first line is file line ``first_line``) that the two dialects read differently."""
    old, new = _blocks(_old_html(body)), _blocks(render_body(body, sourcepos=True))
    matcher = difflib.SequenceMatcher(a=[_signature(e) for e in old], b=[_signature(e) for e in new], autojunk=False)
    changes = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        lines = [n for n in (_line(e) for e in new[b0:b1]) if n is not None]
        line = min(lines) if lines else (_line(new[b0 - 1]) if 0 < b0 <= len(new) else None) or 1
        changes.append(DialectChange(first_line + line - 1, _described(old[a0:a1]), _described(new[b0:b1])))
    return changes


def dialect_problems(documents: Iterable[Document], root: Path) -> list[Problem]:
    """A warning for each block of a document's body that the new dialect reads differently (``qinglian check``)."""
    problems = []
    for document in documents:
        if document.collection.name == "regulations":
            # Written as printed and read by the regulation parser, not as Markdown.
            continue
        for change in dialect_changes(document.body, document.body_line):
            problems.append(Problem(
                display_path(document.source, root), change.line, "正文",
                "在新的 Markdown 规则（CommonMark）下与原来显示相同",
                f"不同：原来显示为{change.before}，现在显示为{change.after}",
                "正文的 Markdown 规则已统一为编辑工作台使用的 CommonMark（见编辑指南“正文的写法”）。请核对这一处："
                "列表前空一行、嵌套列表缩进到上一级文字的位置、不要用缩进表示代码，改好后这条提示会消失。",
                Severity.WARNING,
            ))
    return problems
