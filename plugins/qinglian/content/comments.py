"""HTML comments in editors' Markdown: dropped before anything is published.

Editors keep internal notes in comments (``<!-- 内部意见：… -->``). Markdown passes a comment
into the page's source, where any reader can see it, and the search index would take its
words. So every comment outside code is removed before a page is rendered or indexed, and
``qinglian check`` warns about it, once per comment, with its line.
"""

from __future__ import annotations

import re

from ..structure.problems import Problem, Severity
from .html_policy import without_code

_OPEN, _CLOSE = "<!--", "-->"
# The marker that lets a line keep a number that looks personal (content/scan.py).
_MARKER_ONLY = re.compile(r"<!--\s*qinglian-allow\s*-->")


def comment_spans(body: str) -> list[tuple[int, int]]:
    """Where the comments of ``body`` stand (start, end); an unclosed one runs to the end, as in a browser."""
    if _OPEN not in body:
        return []
    masked = without_code(body)
    spans = []
    start = masked.find(_OPEN)
    while start >= 0:
        end = masked.find(_CLOSE, start + len(_OPEN))
        end = len(body) if end < 0 else end + len(_CLOSE)
        spans.append((start, end))
        start = masked.find(_OPEN, end)
    return spans


def without_comments(body: str) -> str:
    """``body`` with its comments removed; their line breaks stay, so lines keep their numbers."""
    spans = comment_spans(body)
    if not spans:
        return body
    parts, last = [], 0
    for start, end in spans:
        parts.append(body[last:start])
        parts.append("\n" * body.count("\n", start, end))
        last = end
    parts.append(body[last:])
    return "".join(parts)


def comment_problems(body: str, first_line: int, shown: str) -> list[Problem]:
    """A warning for each comment an editor wrote (the qinglian-allow marker aside)."""
    problems = []
    for start, end in comment_spans(body):
        text = body[start:end]
        if _MARKER_ONLY.fullmatch(text):
            continue
        inside = " ".join(text[len(_OPEN):].removesuffix(_CLOSE).split())
        closed = text.endswith(_CLOSE) and len(text) >= len(_OPEN) + len(_CLOSE)
        problems.append(Problem(
            shown,
            first_line + body.count("\n", 0, start),
            "正文",
            "发布给读者的正文",
            f"HTML 注释“<!-- {inside[:30]}{'…' if len(inside) > 30 else ''} -->”" if closed else "没有结束的 HTML 注释（缺少 -->）",
            "注释不会发布，读者和站内搜索都看不到；内部意见请另行保存，不要写在文档中。",
            Severity.WARNING,
        ))
    return problems
