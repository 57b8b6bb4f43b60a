"""What changed between two versions of a document, field by field and paragraph by paragraph.

A reviewer reads this before signing off, and a sign-off that would undo a change made on the
published branch since the draft began is refused with it, naming the field or paragraph.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from ..content.frontmatter import FrontMatterError, split_front_matter

_EXCERPT = 40


@dataclass(frozen=True)
class Change:
    """One field or paragraph: ``kind`` is "field" or "paragraph", ``what`` names it in Chinese."""

    kind: str
    what: str
    before: str
    after: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "what": self.what, "before": self.before, "after": self.after}


def _parts(data: bytes | None) -> tuple[dict[str, Any], list[str]]:
    if data is None:
        return {}, []
    text = data.decode("utf-8", "replace")
    try:
        split = split_front_matter(text)
        fields, body = dict(split.data or {}), split.body
    except (FrontMatterError, AttributeError, TypeError, ValueError):
        fields, body = {}, text
    paragraphs = [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return fields, paragraphs


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def excerpt(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _EXCERPT else line[:_EXCERPT] + "……"


def document_changes(before: bytes | None, after: bytes | None, labels: dict[str, str] | None = None) -> list[Change]:
    """Fields (in the order the newer version has them) and paragraphs that differ from ``before`` to ``after``.

    ``labels`` names fields as the form does (outcome → 处理结果).
    """
    labels = labels or {}
    old_fields, old_paragraphs = _parts(before)
    new_fields, new_paragraphs = _parts(after)
    found = []
    for key in [*new_fields, *(k for k in old_fields if k not in new_fields)]:
        if key == "slug":
            continue
        old, new = _shown(old_fields.get(key)), _shown(new_fields.get(key))
        if old != new:
            found.append(Change("field", f"“{labels[key]}”（{key}）" if key in labels else f"字段“{key}”", old, new))
    matcher = difflib.SequenceMatcher(a=old_paragraphs, b=new_paragraphs, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        number = b0 + 1 if b1 > b0 else a0 + 1
        span = f"正文第 {number} 段" if max(a1 - a0, b1 - b0) <= 1 else f"正文第 {number}–{number + max(a1 - a0, b1 - b0) - 1} 段"
        found.append(Change("paragraph", span, "\n\n".join(old_paragraphs[a0:a1]), "\n\n".join(new_paragraphs[b0:b1])))
    return found


def named(changes: list[Change], limit: int = 5) -> str:
    """The changes as one Chinese phrase: 字段“outcome”、正文第 3 段（“……”）."""
    parts = []
    for change in changes[:limit]:
        text = change.after or change.before
        parts.append(change.what + (f"（“{excerpt(text)}”）" if change.kind == "paragraph" and text else ""))
    more = f" 等 {len(changes)} 处" if len(changes) > limit else ""
    return "、".join(parts) + more
