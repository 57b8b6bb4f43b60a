"""Reading what editors receive: Word files and text copied from the web, in any common encoding."""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)


class UnreadableSource(Exception):
    """The file cannot be read as a document; the message says why, in Chinese."""


@dataclass(frozen=True)
class Paragraph:
    text: str
    # Where it came from: the line of a text file, or the paragraph number of a Word file.
    line: int
    # The bold text a Word paragraph starts with (an 一是… lead-in), if any.
    bold_lead: str = ""
    # 1 for a Word "Title" style, 2.. for Heading 1.., when the file uses heading styles.
    style_level: int = 0
    # The text in runs of one format ("", "b", "i" or "bi"), when a Word paragraph has bold or italic.
    spans: tuple[tuple[str, str], ...] = ()


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, which covers GBK and GB2312 files from Windows."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableSource("无法识别的文本编码（应为 UTF-8 或 GB18030/GBK）") from None


MAX_TEXT_BYTES = 10 * 1024 * 1024


def read_text_file(path: Path) -> list[Paragraph]:
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise UnreadableSource(f"文件有 {size / 1024 / 1024:.0f} MB，超过上限 {MAX_TEXT_BYTES // 1024 // 1024} MB")
    text = decode_text(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")
    return [Paragraph(line.strip(), number) for number, line in enumerate(text.split("\n"), start=1) if line.strip()]


# Bounds on a Word file, far above any speech or bulletin: a crafted file must not exhaust
# the editor's machine or hang the import.
MAX_DOCX_UNPACKED = 50 * 1024 * 1024
MAX_DOCX_PARAGRAPHS = 20_000
# XML elements in the document body: a long speech has tens of thousands; a file of millions of
# empty runs fits the size bound but costs minutes and gigabytes to read.
MAX_DOCX_ELEMENTS = 400_000
MAX_PARAGRAPH_CHARS = 50_000
_PARAGRAPH_START = re.compile(rb"<w:p[\s>/]")
# Up to three UTF-8 bytes a character: a text run this long holds more than MAX_PARAGRAPH_CHARS.
_OVERLONG_TEXT = re.compile(rb">[^<]{%d,}" % (3 * MAX_PARAGRAPH_CHARS + 1))


def check_docx_package(path: Path) -> None:
    """Refuse a .docx whose unpacked size, paragraph count or entity declarations are out of bounds."""
    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > MAX_DOCX_UNPACKED:
                raise UnreadableSource(
                    f"解压后的内容有 {unpacked / 1024 / 1024:.0f} MB，超过上限 {MAX_DOCX_UNPACKED // 1024 // 1024} MB"
                    "（正常的讲话稿远小于此；文件可能已损坏或被改造）"
                )
            for entry in entries:
                if not entry.filename.endswith((".xml", ".rels")):
                    continue
                # Read no more than the declared size: a lying header cannot make us read more.
                with package.open(entry) as stream:
                    data = stream.read(MAX_DOCX_UNPACKED + 1)
                if len(data) > MAX_DOCX_UNPACKED:
                    raise UnreadableSource(f"{entry.filename} 解压后超过 {MAX_DOCX_UNPACKED // 1024 // 1024} MB")
                if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                    raise UnreadableSource(f"{entry.filename} 含有 XML 实体声明（<!ENTITY>），Word 不会生成这样的文件，已拒绝读取")
                if entry.filename == "word/document.xml":
                    count = len(_PARAGRAPH_START.findall(data))
                    if count > MAX_DOCX_PARAGRAPHS:
                        raise UnreadableSource(f"文件有 {count} 个段落，超过上限 {MAX_DOCX_PARAGRAPHS} 个；请把文件拆开后分别导入")
                    elements = data.count(b"<") - data.count(b"</")
                    if elements > MAX_DOCX_ELEMENTS:
                        raise UnreadableSource(
                            f"文件的正文由 {elements} 个 XML 元素组成，超过上限 {MAX_DOCX_ELEMENTS} 个（正常的讲话稿远少于此；"
                            "文件可能已损坏或被改造）。请在 Word 中“另存为”新文件后再导入"
                        )
                    if _OVERLONG_TEXT.search(data):
                        raise UnreadableSource(f"文件中有一段文字超过上限 {MAX_PARAGRAPH_CHARS} 个字符；请检查该段是否缺少换行")
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UnreadableSource(f"不是有效的 Word（.docx）文件，或文件已损坏（{exc}）") from None


def read_docx(path: Path) -> list[Paragraph]:
    import docx  # python-docx; only the importer needs it
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    check_docx_package(path)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, XMLSyntaxError, zipfile.BadZipFile) as exc:
        raise UnreadableSource(f"不是有效的 Word（.docx）文件（{exc.__class__.__name__}）") from None
    paragraphs = []
    for number, paragraph in enumerate(document.paragraphs, start=1):
        text = paragraph.text.strip()
        if len(text) > MAX_PARAGRAPH_CHARS:
            raise UnreadableSource(f"第 {number} 段有 {len(text)} 个字符，超过上限 {MAX_PARAGRAPH_CHARS} 个；请检查该段是否缺少换行")
        if not text:
            continue
        style = paragraph.style.name if paragraph.style is not None else ""
        level = 1 if style.lower() in ("title", "标题") else 0
        if match := _HEADING_STYLE.match(style):
            level = int(match[1]) + 1
        lead = ""
        for run in paragraph.runs:
            if not run.text.strip() and not lead:
                continue
            if run.bold:
                lead += run.text
            else:
                break
        paragraphs.append(Paragraph(text, number, lead.strip() if lead.strip() != text else "", level, _spans(paragraph.runs)))
    return paragraphs


def _spans(runs: list[Any]) -> tuple[tuple[str, str], ...]:
    """Adjacent runs of the same format joined; empty when nothing is bold or italic."""
    spans: list[tuple[str, str]] = []
    for run in runs:
        if not run.text:
            continue
        style = ("b" if run.bold else "") + ("i" if run.italic else "")
        if spans and spans[-1][1] == style:
            spans[-1] = (spans[-1][0] + run.text, style)
        else:
            spans.append((run.text, style))
    return tuple(spans) if any(style for _, style in spans) else ()


def read_source(path: Path) -> list[Paragraph]:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return read_docx(path)
    if suffix in (".txt", ".text", ".md"):
        return read_text_file(path)
    if suffix in (".doc", ".wps"):
        from .legacy import via_docx

        return via_docx(path, read_docx)
    raise UnreadableSource(f"不支持的文件类型“{suffix or '无扩展名'}”（应为 .docx、.doc、.wps 或 .txt）")
