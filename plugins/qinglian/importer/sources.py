"""Reading what editors receive: Word files and text copied from the web, in any common encoding."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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


def read_text_file(path: Path) -> list[Paragraph]:
    text = decode_text(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")
    return [Paragraph(line.strip(), number) for number, line in enumerate(text.split("\n"), start=1) if line.strip()]


def read_docx(path: Path) -> list[Paragraph]:
    import docx  # python-docx; only the importer needs it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise UnreadableSource(f"不是有效的 Word（.docx）文件（{exc.__class__.__name__}）") from None
    paragraphs = []
    for number, paragraph in enumerate(document.paragraphs, start=1):
        text = paragraph.text.strip()
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
        paragraphs.append(Paragraph(text, number, lead.strip() if lead.strip() != text else "", level))
    return paragraphs


def read_source(path: Path) -> list[Paragraph]:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return read_docx(path)
    if suffix in (".txt", ".text", ".md"):
        return read_text_file(path)
    if suffix == ".doc":
        raise UnreadableSource("旧版 Word（.doc）文件无法读取，请在 Word 中“另存为” .docx 后再导入")
    raise UnreadableSource(f"不支持的文件类型“{suffix or '无扩展名'}”（应为 .docx 或 .txt）")
