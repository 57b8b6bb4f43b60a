"""Rendered HTML as ElementTree elements, so Python-Markdown's tree steps (heading ids and the table of
contents, the engine's link rewriting and checks) run on a body another renderer made.

Every text is an ``AtomicString``: it is finished text, and Markdown's inline patterns must not
read it again.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from urllib.parse import unquote

from markdown.util import AtomicString

# comrak percent-encodes non-ASCII in link targets (#%E7%AC%AC...); the portal writes them as typed
# (#第五条), which is what its anchors, link checks and earlier pages have. Only such sequences are
# decoded: a %20 an editor typed stays as it is.
_ENCODED_TEXT = re.compile(r"(?:%[C-Fc-f][0-9A-Fa-f](?:%[89ABab][0-9A-Fa-f])+)+")


def _as_typed(value: str) -> str:
    return _ENCODED_TEXT.sub(_decoded, value)


def _decoded(match: re.Match[str]) -> str:
    try:
        return unquote(match.group(0), errors="strict")
    except UnicodeDecodeError:
        return match.group(0)


def _attributes(attrs: list[tuple[str, str | None]]) -> dict[str, str]:
    found = {}
    for name, value in attrs:
        value = value if value is not None else name
        found[name] = _as_typed(value) if name in ("href", "src") and "%" in value else value
    return found


VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


class _TreeBuilder(HTMLParser):
    def __init__(self, root: etree.Element) -> None:
        super().__init__(convert_charrefs=True)
        self.stack = [root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = etree.SubElement(self.stack[-1], tag, _attributes(attrs))
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        etree.SubElement(self.stack[-1], tag, _attributes(attrs))

    def handle_endtag(self, tag: str) -> None:
        # An end tag closes the nearest open element of its name (and any left open inside it); a stray one is dropped.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if len(parent):
            last = parent[-1]
            last.tail = AtomicString((last.tail or "") + data)
        else:
            parent.text = AtomicString((parent.text or "") + data)


def append_html(parent: etree.Element, html: str) -> None:
    """Parse ``html`` and append its elements (and leading text) to ``parent``.

    What comrak makes of Markdown is well-formed XML, which expat (in C) reads several times
    faster; raw HTML an editor wrote may not be (``<br>``, ``&nbsp;``), and is read as HTML.
    """
    try:
        wrapper = etree.fromstring(f"<div>{html}</div>")
    except etree.ParseError:
        builder = _TreeBuilder(parent)
        builder.feed(html)
        builder.close()
        return
    if wrapper.text:
        if len(parent):
            parent[-1].tail = AtomicString((parent[-1].tail or "") + wrapper.text)
        else:
            parent.text = AtomicString((parent.text or "") + wrapper.text)
    for element in wrapper.iter():
        if element is not wrapper:
            if element.text:
                element.text = AtomicString(element.text)
            for name in ("href", "src"):
                value = element.get(name)
                if value is not None and "%" in value:
                    element.set(name, _as_typed(value))
        if element.tail:
            element.tail = AtomicString(element.tail)
    parent.extend(list(wrapper))
