"""The one Markdown of documents' bodies: CommonMark with GFM tables and strikethrough, CJK-friendly emphasis,
and no space where a line break falls between two Chinese characters.

Editors write it in the workspace (Decap saves CommonMark), its preview shows it, and the site,
search text, packs and comparisons are made from it. comrak (Rust) renders it: it implements
the CJK-friendly emphasis amendment natively and is the fastest of the renderers measured
(docs/benchmarks.md). Raw HTML is kept for the portal's allow-list to judge, as before.
"""

from __future__ import annotations

import re

import comrak

# A soft break ("\n" in the HTML) between two of these characters, perhaps across inline tags, is removed.
# Han, kana, Hangul, CJK symbols and punctuation, full-width forms, and the quotes, dashes and
# ellipsis Chinese text uses between its characters.
_CJK = (
    "\u2014\u2018\u2019\u201c\u201d\u2026\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f"
)
_CJK_CHARACTER = re.compile(f"[{_CJK}]")
_INLINE = r"(?:strong|em|a|code|span|del|s|b|i|u|sup|sub|mark|abbr|small)"
_CLOSING = re.compile(rf"</{_INLINE}>")
_OPENING = re.compile(rf"<{_INLINE}(?:\s[^<>]*)?>")
_PRE = re.compile(r"(<pre[\s>].*?</pre>)", re.S)


def _last_character(text: str) -> str:
    """The last character of ``text`` that is not inside a closing inline tag ("" if a block tag ends it)."""
    end = len(text)
    while end and text[end - 1] == ">":
        start = text.rfind("<", 0, end)
        if start < 0 or not _CLOSING.fullmatch(text, start, end):
            return ""
        end = start
    return text[end - 1] if end else ""


def _first_character(text: str) -> str:
    """The first character of ``text`` after any opening inline tags ("" if a block tag starts it)."""
    start = 0
    while text.startswith("<", start):
        end = text.find(">", start)
        if end < 0 or not _OPENING.fullmatch(text, start, end + 1):
            return ""
        start = end + 1
    return text[start] if start < len(text) else ""


def _joined(part: str) -> str:
    lines = part.split("\n")
    kept = [lines[0]]
    for line in lines[1:]:
        before, after = _last_character(kept[-1]), _first_character(line)
        if before and after and _CJK_CHARACTER.match(before) and _CJK_CHARACTER.match(after):
            kept[-1] += line
        else:
            kept.append(line)
    return "\n".join(kept)


def _extension() -> comrak.ExtensionOptions:
    extension = comrak.ExtensionOptions()
    extension.table = True
    extension.strikethrough = True
    extension.cjk_friendly_emphasis = True
    return extension


def _render(sourcepos: bool) -> comrak.RenderOptions:
    render = comrak.RenderOptions()
    # Raw HTML goes on to the portal's allow-list (content.html_policy), which names what it refuses.
    render.unsafe_ = True
    # Source lines on every block (data-sourcepos), for the migration's report; never on a page.
    render.sourcepos = sourcepos
    return render


_EXTENSION, _PARSE = _extension(), comrak.ParseOptions()
_RENDER = {False: _render(False), True: _render(True)}


def join_cjk_breaks(html: str) -> str:
    """Remove soft breaks between two CJK characters (a browser shows them as a space); code blocks keep theirs."""
    if "<pre" not in html:
        return _joined(html)
    parts = _PRE.split(html)
    return "".join(part if index % 2 else _joined(part) for index, part in enumerate(parts))


def render_body(markdown: str, *, sourcepos: bool = False) -> str:
    """A document body's HTML, as the site, the workspace preview and search all show it."""
    html = comrak.render_markdown(markdown, extension_options=_EXTENSION, parse_options=_PARSE, render_options=_RENDER[sourcepos])
    return join_cjk_breaks(html)
