"""A Python-Markdown extension that hands a document's body to the portal's dialect.

The engine renders every page with Python-Markdown and its own extensions (link rewriting and
checks, heading ids, the table of contents). A page whose Markdown starts with ``MARKER`` is
rendered by ``render_body`` instead, and the HTML is put into Markdown's tree, where those
steps run as before: the same Chinese heading ids, the same link warnings, nothing private.
Hand-written pages under docs/ carry no marker and keep Python-Markdown and Material's extensions.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.preprocessors import Preprocessor

from .dialect import render_body
from .tree import append_html

# The first line of a document page's Markdown: "this body is CommonMark".
MARKER = "<!-- qinglian:commonmark -->"
# What Markdown is left with: all the text was taken, so no body can contain it.
_SLOT = "qinglian-commonmark-body"


class _TakeBody(Preprocessor):
    """Render the whole marked text first, and leave Markdown one placeholder block."""

    def run(self, lines: list[str]) -> list[str]:
        if not lines or lines[0].strip() != MARKER:
            return lines
        # Markdown's own placeholders use STX/ETX; text must not forge one.
        body = "\n".join(lines[1:]).replace("\x02", "").replace("\x03", "")
        self.md.qinglian_body_html = render_body(body)  # type: ignore[attr-defined]
        return [_SLOT]


class _PlaceBody(BlockProcessor):
    def test(self, parent: etree.Element, block: str) -> bool:
        return block.strip() == _SLOT

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        blocks.pop(0)
        append_html(parent, getattr(self.parser.md, "qinglian_body_html", ""))
        return True


class CommonMarkBodies(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # Before every other preprocessor (normalize_whitespace is 30, html_block 20).
        md.preprocessors.register(_TakeBody(md), "qinglian_commonmark", 100)
        md.parser.blockprocessors.register(_PlaceBody(md.parser), "qinglian_commonmark", 1000)


def makeExtension(**kwargs: Any) -> CommonMarkBodies:  # noqa: N802 - Python-Markdown's name
    return CommonMarkBodies(**kwargs)
