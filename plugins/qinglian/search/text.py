"""Plain text for the search index: the words a reader sees in a Markdown body, without its markup.

A document's body is rendered by the portal's own Markdown (``qinglian.markdown``), the one the
page shows, so search reads the same lists, emphasis and line breaks; a hand-written page's is
taken from its Markdown by patterns (it keeps Python-Markdown and Material's syntax).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from ..content.comments import without_comments
from ..markdown import render_body

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_HTML_TAG = re.compile(r"<[^>\n]+>")
# In rendered HTML every "<" starts a tag (text has &lt;), and a tag may span lines.
_RENDERED_TAG = re.compile(r"<[^>]+>")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_REFERENCE_LINK = re.compile(r"\[([^\]]*)\]\[[^\]]*\]")
_LINK_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s+\S.*$", re.M)
_ATTRIBUTES = re.compile(r"\{:?\s*[#.][^}]*\}")
_LINE_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+|!!!\s*\w+|\?\?\?\+?\s*\w+)", re.M)
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|`+|~~)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.M)
_TABLE_ROW = re.compile(r"^[ \t]*\|(.*?)\|?[ \t]*$", re.M)
# Between the cells of a table row, so an excerpt reads as cells, not one run-on phrase.
CELL_SEPARATOR = "　"


# Texts already converted, by their Markdown, while a preview server keeps rebuilding the same
# bodies (``remember_texts``); None in a one-off build, which would only grow it.
_remembered: dict[str, str] | None = None


def remember_texts() -> None:
    """Keep converted texts for the life of the process (a preview server's rebuilds)."""
    global _remembered
    if _remembered is None:
        _remembered = {}


def markdown_to_text(markdown: str) -> str:
    """The words a reader sees in a hand-written page's Markdown, without its markup."""
    return _converted(markdown, _markdown_to_text)


def body_text(markdown: str) -> str:
    """The words a reader sees in a document's body, as the site renders it."""
    return _converted(markdown, _body_text)


def _converted(markdown: str, convert: Callable[[str], str]) -> str:
    if _remembered is None:
        return convert(markdown)
    key = f"{convert.__name__}\0{markdown}"
    text = _remembered.get(key)
    if text is None:
        text = _remembered[key] = convert(markdown)
    return text


_CELL_BOUNDARY = re.compile(r"</t[dh]>\s*<t[dh][^>]*>")
_BLOCK_BOUNDARY = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|tr|pre|blockquote|ul|ol|table|thead|tbody|div|dd|dt)>|<(?:ul|ol|table|blockquote|pre|li)(?:\s[^>]*)?>")


def _body_text(markdown: str) -> str:
    rendered = render_body(without_comments(markdown))
    rendered = _CELL_BOUNDARY.sub(CELL_SEPARATOR, rendered)
    rendered = _BLOCK_BOUNDARY.sub("\n", rendered)
    text = html.unescape(_RENDERED_TAG.sub("", rendered))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _markdown_to_text(markdown: str) -> str:
    # Comments are never published, so they are not searchable either.
    text = without_comments(markdown)
    # Each pass runs only when the text holds what its pattern needs (most bodies are plain
    # paragraphs): searching first costs a fraction of running the pattern.
    if "```" in text or "~~~" in text:
        text = _FENCE.sub(lambda m: m.group(0).split("\n", 1)[-1].rsplit("\n", 1)[0], text)
    if "]:" in text:
        text = _LINK_DEFINITION.sub("", text)
    if "![" in text:
        text = _IMAGE.sub(r"\1", text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "][" in text:
        text = _REFERENCE_LINK.sub(r"\1", text)
    if "<" in text:
        text = _HTML_TAG.sub(" ", text)
    if "{" in text:
        text = _ATTRIBUTES.sub("", text)
    if "---" in text:
        text = _TABLE_RULE.sub("", text)
    if "|" in text:
        text = _TABLE_ROW.sub(lambda row: CELL_SEPARATOR.join(cell.strip() for cell in row[1].split("|") if cell.strip()), text)
    text = _LINE_MARKUP.sub("", text)
    if "*" in text or "_" in text or "`" in text or "~" in text:
        text = _EMPHASIS.sub("", text)
    text = text.replace("|", " ")
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
