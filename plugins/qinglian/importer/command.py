"""``qinglian import`` and ``qinglian new``: a document from a Word or text file, or from a template."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.loader import DEFAULT_VOCABULARY_FILE
from ..content.vocabulary import load_vocabulary
from ..structure.problems import ProblemLog, display_path
from ..content.scan import placeholder
from ..structure.regulation import parse_regulation
from .markdown import regulation_markdown, to_markdown
from .metadata import KINDS, front_matter, guess, slug_for
from .official import OfficialFrame, official_frame
from .sources import Paragraph, UnreadableSource, read_source
from ..revisions.importing import RevisionImportError, mark_revised, old_version, summary


def _roles(content_dir: Path) -> list[str]:
    vocabulary = load_vocabulary(content_dir / DEFAULT_VOCABULARY_FILE, content_dir, ProblemLog())
    return list(vocabulary.terms("roles") or [])


def _target(kind: str, slug: str, content_dir: Path, out: Path | None) -> Path:
    return (out if out is not None else content_dir / KINDS[kind]) / f"{slug}.md"


def _write(path: Path, text: str, force: bool) -> bool:
    if path.exists() and not force:
        print(f"{display_path(path, Path.cwd())} 已存在，没有覆盖。确需覆盖请加 --force。", file=sys.stderr)
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


@dataclass
class Converted:
    """A source file as a new document: its front-matter values, body and suggested file name."""

    values: dict[str, Any]
    hints: dict[str, str]
    markdown: str
    slug: str
    notices: list[str] = field(default_factory=list)


def convert(source: Path, kind: str, unit: str | None, roles: list[str], name: str | None = None) -> Converted:
    """Read ``source`` (.docx or .txt) as a ``kind`` document; raises UnreadableSource or OSError."""
    shown = source.name
    paragraphs = read_source(source)
    if not paragraphs:
        raise UnreadableSource("文件中没有文字")
    notices: list[str] = []
    # A regulation is kept as written; other documents lose the official frame to the front matter.
    frame = official_frame(paragraphs) if kind != "regulation" else OfficialFrame(paragraphs[0].text, paragraphs[1:])
    body = frame.body
    if kind == "regulation":
        markdown, removed = regulation_body(body, shown, source.suffix.lower() == ".docx", notices), []
    else:
        markdown, _, removed = to_markdown(body)
    for marker in removed:
        place = "第 {} 段".format(marker.line) if source.suffix.lower() == ".docx" else f"第 {marker.line} 行"
        notices.append(f"警告  {shown}:{marker.line}: {place}删除了网页残留标记“{marker.marker}”。")
    for item in frame.removed:
        notices.append(f"{shown}: 识别出{item}，已写入元数据或删去，不在正文中。")
    found = guess(kind, frame.title, [p.text for p in body], roles)
    if frame.date is not None:
        # The document's own date (its sign-off), never a year read from the 文号.
        found.date, found.year = frame.date, frame.date.year
        found.hints.pop("date", None)
    values = {"title": frame.title, "date": found.date, "unit": unit, "issuer": unit, "doc_number": frame.doc_number,
              "distribution": frame.distribution, **found.fields}
    return Converted(values, found.hints, markdown, slug_for(kind, frame.title, found.year, name), notices)


def import_files(
    files: list[Path], kind: str, unit: str | None, content_dir: Path, out: Path | None, force: bool, name: str | None = None,
    revises: str | None = None,
) -> int:
    roles = _roles(content_dir)
    failed = 0
    try:
        old = revision_target(kind, files, content_dir, revises)
    except RevisionImportError as exc:
        print(f"{exc}。", file=sys.stderr)
        return 2
    for source in files:
        shown = display_path(source.resolve(), Path.cwd())
        try:
            converted = convert(source, kind, unit, roles, name)
        except (OSError, UnreadableSource) as exc:
            print(f"{shown}: 无法导入：{exc}。", file=sys.stderr)
            failed += 1
            continue
        for notice in converted.notices:
            print(notice, file=sys.stderr)
        note = f"由 qinglian import 从 {source.name} 导入（{_today()}）。\n标有“待填写”的字段请补全后再提交，qinglian check 会逐一指出。"
        if old is not None:
            converted.values["revises"] = f"regulations/{old.stem}"
        text = front_matter(kind, converted.values, converted.hints, note) + "\n" + converted.markdown
        target = _target(kind, converted.slug, content_dir, out)
        if _write(target, text, force):
            print(display_path(target.resolve(), Path.cwd()))
            if old is not None:
                report = link_old_version(old, f"regulations/{converted.slug}", converted.markdown)
                print(report, file=sys.stderr)
        else:
            failed += 1
    return 1 if failed else 0


def revision_target(kind: str, files: list[Path], content_dir: Path, revises: str | None) -> Path | None:
    """The old version's file for ``--revises``; raises RevisionImportError when it cannot be used."""
    if revises is None:
        return None
    if kind != "regulation" or len(files) != 1:
        raise RevisionImportError("--revises 只用于导入一个党纪法规文件（--type regulation）")
    return old_version(content_dir, revises)


def link_old_version(old: Path, new_key: str, new_body: str) -> str:
    try:
        old_body = mark_revised(old, new_key)
    except (OSError, RevisionImportError) as exc:
        return f"{old.name}：没有写入修订关系（{exc}），请手工写明 status: 已修订 和 replaced_by: {new_key}。"
    return f"{old.name}：已写明 status: 已修订、replaced_by: {new_key}。与旧版本对照：{summary(old_body, new_body)}。"


def regulation_body(body: list[Paragraph], shown: str, from_word: bool, notices: list[str]) -> str:
    """The regulation's text kept as written; numbering problems are reported with the source line."""
    markdown, lines = regulation_markdown(body)
    text = parse_regulation(markdown, 1)
    for problem in text.problems:
        # Blocks are separated by blank lines: block k starts on Markdown line 2k + 1.
        source_line = lines[min((problem.line - 1) // 2, len(lines) - 1)] if lines else 1
        place = f"第 {source_line} 段" if from_word else f"第 {source_line} 行"
        notices.append(f"警告  {shown}:{source_line}: {place}应为{problem.expected}，实际为{problem.found}。")
    notices.append(f"{shown}: 识别出 {len(text.chapters)} 章 {len(text.articles)} 条。")
    return markdown


def new_document(kind: str, title: str, content_dir: Path, out: Path | None, force: bool) -> int:
    year = dt.date.today().year
    values = {"title": title, "date": None}
    note = f"由 qinglian new 生成（{_today()}）。每行“#”之后是说明；可不写的字段以“# ”开头，需要时删去行首的“# ”。"
    # Placeholders, not sample text: a scaffold left unfilled fails check and the build.
    text_here = placeholder("正文")
    body = {
        "speech": f"同志们：\n\n## 一、第一部分小标题\n\n{text_here}\n",
        "case": f"## 基本案情\n\n{placeholder('基本案情')}\n\n## 处理情况\n\n{placeholder('处理情况')}\n\n## 案件警示\n\n{placeholder('案件警示')}\n",
        "plan": f"## 学习要求\n\n{text_here}\n",
        "quiz": f"{placeholder('测试说明，显示在题目上方')}\n",
        "regulation": f"第一章　总则\n\n第一条　{placeholder('第一条的条文')}\n\n第二条　{placeholder('第二条的条文')}\n",
    }[kind]
    text = front_matter(kind, values, {}, note) + "\n" + body
    target = _target(kind, slug_for(kind, title, year), content_dir, out)
    if not _write(target, text, force):
        return 1
    print(display_path(target.resolve(), Path.cwd()))
    return 0


def _today() -> str:
    today = dt.date.today()
    return f"{today.year}年{today.month}月{today.day}日"

