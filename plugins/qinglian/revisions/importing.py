"""``qinglian import --type regulation --revises …``: link the imported text to the version it revises.

The old version's file gets ``status: 已修订`` and ``replaced_by`` (its other lines stay as the
editor wrote them), and the import reports how the two texts align.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..atomic import write_atomically
from ..content.frontmatter import FrontMatterError, split_front_matter
from ..structure.regulation import parse_regulation
from .align import align
from .links import REVISED

_KEY = re.compile(r"^(status|replaced_by)\s*:")


class RevisionImportError(ValueError):
    """The version to revise cannot be used; the message says why, in Chinese."""


def old_version(content_dir: Path, key: str) -> Path:
    """The file of ``regulations/<slug>``; raises RevisionImportError if it is not a regulation in ``content_dir``."""
    collection, _, slug = key.removesuffix(".md").partition("/")
    path = content_dir / collection / f"{slug}.md"
    if collection != "regulations" or not slug or "/" in slug or path.is_symlink() or not path.is_file():
        raise RevisionImportError(f"--revises 应为内容目录中已有的法规，如 regulations/2018-xx，实际为“{key}”，没有这个文件")
    return path


def summary(old_body: str, new_body: str) -> str:
    """How the new text aligns with the old: 新增 3 条，删除 1 条 …"""
    alignment = align(parse_regulation(old_body), parse_regulation(new_body))
    return "，".join(f"{change.value} {count} 条" for change, count in alignment.summary if count)


def mark_revised(path: Path, new_key: str) -> str:
    """Set ``status: 已修订`` and ``replaced_by: new_key`` in ``path``'s front matter; returns the old body."""
    text = path.read_text(encoding="utf-8")
    try:
        front = split_front_matter(text)
    except FrontMatterError as exc:
        raise RevisionImportError(f"{path.name} 的元数据无法读取，没有修改：{exc}") from exc
    lines = text.splitlines(keepends=True)
    closing = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    values = {"status": REVISED, "replaced_by": new_key}
    for index in range(1, closing):
        match = _KEY.match(lines[index])
        if match:
            lines[index] = f"{match[1]}: {values.pop(match[1])}\n"
    lines[closing:closing] = [f"{key}: {value}\n" for key, value in values.items()]
    write_atomically(path, "".join(lines).encode("utf-8"))
    return front.body
