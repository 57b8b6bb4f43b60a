"""Controlled vocabularies (units, topics, speaker roles), declared once for the whole portal."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..structure.problems import Problem, ProblemLog, display_path
from .frontmatter import FrontMatterError, parse_yaml, type_name
from .tree import Link, link_problem, size_problem

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# Units and topics get pages of their own, so each needs an ASCII address.
KINDS_WITH_PAGES = ("units", "topics")
PLAIN_KINDS = ("roles",)
# Thousands of units and topics fit in far less.
MAX_VOCABULARY_BYTES = 1024 * 1024


@dataclass
class Vocabulary:
    source: str
    slugs: dict[str, dict[str, str]] = field(default_factory=dict)
    plain: dict[str, list[str]] = field(default_factory=dict)

    def terms(self, kind: str) -> list[str] | None:
        """The allowed values of ``kind``, or ``None`` when the portal leaves it open."""
        if kind in self.slugs:
            return list(self.slugs[kind])
        return self.plain.get(kind)

    def slug(self, kind: str, term: str) -> str:
        return self.slugs[kind][term]


def load_vocabulary(path: Path, root: Path, log: ProblemLog) -> Vocabulary:
    shown = display_path(path, root)
    vocabulary = Vocabulary(source=shown)

    def report(line: int, key: str, expected: str, found: str, hint: str = "") -> None:
        log.add(Problem(shown, line, key, expected, found, hint))

    if path.is_symlink():
        log.add(link_problem(Link.at(path), root))
        return vocabulary
    if not path.is_file():
        report(1, "", "词表文件（声明发文单位 units 和专题 topics）", "文件不存在", "请按编辑指南创建该文件。")
        return vocabulary
    if path.stat().st_size > MAX_VOCABULARY_BYTES:
        log.add(size_problem(path, root, MAX_VOCABULARY_BYTES, "词表"))
        return vocabulary
    try:
        document = parse_yaml(path.read_text(encoding="utf-8-sig"))
    except FrontMatterError as exc:
        report(exc.line, "", exc.expected, exc.found, exc.hint)
        return vocabulary
    except UnicodeDecodeError:
        report(1, "", "UTF-8 编码的文本", "其他编码", "请用 UTF-8 编码另存该文件。")
        return vocabulary
    data = document.data
    if not isinstance(data, dict):
        report(1, "", "“units:”“topics:”等分组", type_name(data))
        return vocabulary

    for kind in KINDS_WITH_PAGES:
        entries = data.get(kind)
        line = document.lines.get((kind,), 1)
        if not isinstance(entries, dict) or not entries:
            report(line, kind, "“名称: 英文地址”形式的条目，如“廉洁文化: clean-culture”", type_name(entries))
            continue
        seen_slugs: dict[str, str] = {}
        terms: dict[str, str] = {}
        for term, slug in entries.items():
            entry_line = document.lines.get((kind, str(term)), line)
            if not isinstance(slug, str) or not SLUG.match(slug):
                report(entry_line, f"{kind}.{term}", "由小写字母、数字和连字符组成的英文地址", type_name(slug))
                continue
            if slug in seen_slugs:
                report(entry_line, f"{kind}.{term}", "各条目不同的英文地址", f"“{slug}”与“{seen_slugs[slug]}”重复")
                continue
            seen_slugs[slug] = str(term)
            terms[str(term)] = slug
        vocabulary.slugs[kind] = terms

    for kind in PLAIN_KINDS:
        if kind not in data:
            continue
        entries = data[kind]
        if not isinstance(entries, list) or not all(isinstance(entry, str) for entry in entries):
            report(document.lines.get((kind,), 1), kind, "文本列表，每项以“- ”开头", type_name(entries))
            continue
        vocabulary.plain[kind] = list(entries)
    return vocabulary
