"""Official-document structure to Markdown, keeping every character a reader should see.

Chinese official documents (GB/T 9704 style) mark structure by numbering rather than by
styles: 一、 starts a section, （一） a subsection, 1. or 1． an item, and 一是… a lead-in
sentence within a paragraph. Everything else is text, escaped so that placeholders such as
``**同志`` or ``XX`` show literally instead of turning into formatting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .sources import Paragraph

CHINESE_NUMBER = "一二三四五六七八九十百零〇"
SECTION = re.compile(rf"^[{CHINESE_NUMBER}]+、")
SUBSECTION = re.compile(rf"^[（(][{CHINESE_NUMBER}]+[）)]")
ITEM = re.compile(r"^\d+[.．、]")
LEAD_IN = re.compile(rf"^[{CHINESE_NUMBER}]+是")
SALUTATION = re.compile(r"^[^。！？，]{1,12}[：:]$")
# Tokens such as ##廉政## that some sites glue into copied text.
GLUED_MARKER = re.compile(r"##[^#\s]{1,30}##")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]#|])")
_LONGEST_HEADING = 60


@dataclass(frozen=True)
class Removed:
    line: int
    marker: str


def escape(text: str) -> str:
    """Text that the portal's Markdown (CommonMark, and Python-Markdown before it) renders exactly as written."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    # Characters that only matter at the start of a block: lists, quotes, admonitions.
    if re.match(r"^[-+>!=]", text):
        text = "\\" + text
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", text)


def _split_heading(text: str) -> tuple[str, str]:
    """A numbered line that runs on into its paragraph is cut after its first sentence."""
    if len(text) <= _LONGEST_HEADING and text.count("。") <= 1:
        return text, ""
    end = text.find("。")
    if 0 < end < 40:
        return text[: end + 1], text[end + 1 :].strip()
    return "", text


def _lead_in(paragraph: Paragraph) -> tuple[str, str]:
    text = paragraph.text
    if paragraph.bold_lead and text.startswith(paragraph.bold_lead):
        return paragraph.bold_lead, text[len(paragraph.bold_lead) :]
    match = LEAD_IN.match(text)
    if match is None:
        return "", text
    for end, char in enumerate(text[:50]):
        if char in "。；":
            return text[: end + 1], text[end + 1 :]
    return match[0], text[match.end() :]


_MARKS = {"b": "**", "i": "*", "bi": "***"}


def formatted(spans: tuple[tuple[str, str], ...]) -> str:
    """Bold and italic runs as Markdown emphasis; the spaces at a run's edges stay outside the marks."""
    parts = []
    for text, style in spans:
        mark = _MARKS.get(style, "")
        core = text.strip()
        if not mark or not core:
            parts.append(escape(text))
            continue
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        parts.append(f"{escape(lead)}{mark}{escape(core)}{mark}{escape(trail)}")
    return "".join(parts)


def _paragraph(paragraph: Paragraph) -> str:
    if paragraph.spans and "".join(text for text, _ in paragraph.spans).strip() == paragraph.text:
        return formatted(paragraph.spans).strip()
    lead, rest = _lead_in(paragraph)
    if lead:
        return f"**{escape(lead)}**{escape(rest) if rest else ''}"
    return escape(paragraph.text)


def to_markdown(paragraphs: list[Paragraph]) -> tuple[str, list[str], list[Removed]]:
    """The body's Markdown, the blocks' plain texts (for checking), and the markers removed.

    ``paragraphs`` excludes the title, which goes into the front matter.
    """
    removed: list[Removed] = []
    blocks: list[str] = []
    for paragraph in paragraphs:
        text = paragraph.text
        for marker in GLUED_MARKER.findall(text):
            removed.append(Removed(paragraph.line, marker))
        text = re.sub(r"\s+", " ", GLUED_MARKER.sub("", text)).strip()
        if not text:
            continue
        paragraph = Paragraph(text, paragraph.line, paragraph.bold_lead, paragraph.style_level, paragraph.spans)
        if paragraph.style_level >= 2:
            blocks.append("#" * min(paragraph.style_level, 4) + " " + escape(text))
            continue
        level = 2 if SECTION.match(text) else 3 if SUBSECTION.match(text) else 0
        if level:
            heading, rest = _split_heading(text)
            if heading:
                blocks.append("#" * level + " " + escape(heading))
            if rest:
                blocks.append(escape(rest))
            continue
        blocks.append(_paragraph(paragraph))
    return "\n\n".join(blocks) + "\n", blocks, removed


def regulation_markdown(paragraphs: list[Paragraph]) -> tuple[str, list[int]]:
    """A regulation's body: every paragraph as written, one per block, and each block's source line.

    Chapters, sections and articles are recognised from the plain text later, so nothing is
    turned into headings here; only characters HTML would swallow are escaped.
    """
    blocks, lines = [], []
    for paragraph in paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        blocks.append(text.replace("&", "&amp;").replace("<", "&lt;"))
        lines.append(paragraph.line)
    return "\n\n".join(blocks) + "\n", lines
