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

# Han, kana, Hangul, CJK symbols and punctuation, full-width forms, and the quotes, dashes and
# ellipsis Chinese text uses between its characters.
_CJK = (
    "\u2014\u2018\u2019\u201c\u201d\u2026\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f"
)
_INLINE_TAGS = r"(?:strong|em|a|code|span|del|s|b|i|u|sup|sub|mark|abbr|small)"
# A soft break ("\n" in the HTML) between two CJK characters, perhaps across inline tags.
_CJK_BREAK = re.compile(
    rf"(?<=[{_CJK}])((?:</{_INLINE_TAGS}>)*)\n(?=(?:<{_INLINE_TAGS}(?:\s[^<>]*)?>)*[{_CJK}])"
)
_PRE = re.compile(r"(<pre[\s>].*?</pre>)", re.S)


def _options() -> tuple[comrak.ExtensionOptions, comrak.ParseOptions, comrak.RenderOptions]:
    extension = comrak.ExtensionOptions()
    extension.table = True
    extension.strikethrough = True
    extension.cjk_friendly_emphasis = True
    parse = comrak.ParseOptions()
    render = comrak.RenderOptions()
    # Raw HTML goes on to the portal's allow-list (content.html_policy), which names what it refuses.
    render.unsafe_ = True
    return extension, parse, render


_EXTENSION, _PARSE, _RENDER = _options()


def join_cjk_breaks(html: str) -> str:
    """Remove soft breaks between two CJK characters (a browser shows them as a space); code blocks keep theirs."""
    parts = _PRE.split(html)
    return "".join(part if index % 2 else _CJK_BREAK.sub(r"\1", part) for index, part in enumerate(parts))


def render_body(markdown: str) -> str:
    """A document body's HTML, as the site, the workspace preview and search all show it."""
    html = comrak.render_markdown(markdown, extension_options=_EXTENSION, parse_options=_PARSE, render_options=_RENDER)
    return join_cjk_breaks(html)


RENDERER = f"comrak {getattr(comrak, '__version__', '')}".strip()
