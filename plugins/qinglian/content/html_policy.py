"""The raw-HTML policy: which HTML an editor's page may contain.

Markdown lets an editor write HTML, and whatever is written reaches every reader. A page
may hold only the harmless HTML that documents need (tables, line breaks, superscripts,
classed spans and divs, relative images, ordinary links); anything that can run code,
load another site or restyle the page is refused, with the line where it stands.

The same allow-list judges an editor's Markdown source (``qinglian check`` and the start
of a build, before the previous site is touched) and the HTML a page turns into (every
build, as a second line of defence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from markdown.extensions.attr_list import get_attrs_and_remainder

from ..structure.problems import Problem

ALLOWED_TAGS = frozenset(
    """
    p br hr h1 h2 h3 h4 h5 h6 strong b em i u s del ins sup sub small mark abbr q cite kbd
    span div blockquote pre code ul ol li dl dt dd table caption colgroup col thead tbody tfoot tr th td
    figure figcaption img a details summary
    """.split()
)
# Attributes any allowed element may carry. ``markdown`` is md_in_html's switch.
GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir", "markdown"})
ELEMENT_ATTRIBUTES = {
    "a": frozenset({"href", "name", "rel"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "td": frozenset({"colspan", "rowspan", "align", "valign"}),
    "th": frozenset({"colspan", "rowspan", "align", "valign", "scope"}),
    "col": frozenset({"span", "width"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "table": frozenset({"summary"}),
    "details": frozenset({"open"}),
    "li": frozenset({"value"}),
}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# The blocks the portal generates (listings, calendars, quizzes, charts, the search form) use
# more of HTML than an editor may; they are checked by the same parser, which still refuses
# anything that runs code, loads another site or leaves the page.
GENERATED_FORBIDDEN_TAGS = frozenset(
    "script style link meta base iframe frame frameset object embed applet template portal".split()
)
# A forbidden tag, an attribute starting with "on", a scheme or host, an entity that could hide
# one, or a URL attribute beyond href/src: a block without any of these passes unparsed.
_GENERATED_RISK = re.compile(
    r"<\s*/?\s*(?:script|style|link|meta|base|iframe|frame|object|embed|applet|template|portal)"
    r"|\son|script\s*:|data\s*:|&(?:#|colon|tab|newline)|//|\\|srcset|background|poster|action",
    re.I,
)
_STYLE_LOADS = re.compile(r"url\s*\(|@import|expression\s*\(|\\", re.I)
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "srcset", "background"})
_IMAGE_DATA = re.compile(r"data:image/(?:png|jpe?g|gif|webp|bmp);", re.I)
# Markdown's tables align columns with this style and nothing else; other styles are refused.
_ALIGN_STYLE = re.compile(r"\s*text-align:\s*(?:left|right|center)\s*;?\s*", re.I)
# Characters browsers drop from a URL before reading its scheme (``java\tscript:``).
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")

HINTS = {
    "tag": "正文只能使用表格、换行、上下标、带 class 的 span/div、相对地址的图片和普通链接等 HTML；"
    "请删去该标签，或改用 Markdown 写法。见编辑指南“正文中的 HTML”。",
    "event": "on 开头的属性会在读者的浏览器中运行脚本，正文中一律不允许；请删去该属性。",
    "attribute": "该属性不在允许范围内（样式请用 class，不要用 style）；请删去该属性。",
    "url": "链接只能是 http(s) 网址、站内相对地址或 mailto: 邮件地址；图片只能用站内相对地址或 data:image。",
}


@dataclass(frozen=True)
class Violation:
    """One piece of HTML the policy refuses; ``line`` counts from 1 within the text checked."""

    line: int
    kind: str  # tag, event, attribute or url
    found: str

    @property
    def hint(self) -> str:
        return HINTS[self.kind]

    def problem(self, shown: str) -> Problem:
        """The violation as a problem of the file ``shown``."""
        return Problem(shown, self.line, "正文", "允许的 HTML", self.found, self.hint)


def url_allowed(url: str, *, image: bool) -> bool:
    """Links: relative, http(s) or mailto. Images: relative to the site, or inline data:image."""
    cleaned = _URL_NOISE.sub("", url)
    if image and _IMAGE_DATA.match(cleaned):
        return True
    scheme = urlsplit(cleaned).scheme.lower()
    if not scheme:
        # //host/x leaves the site as surely as http://host/x does.
        return not cleaned.startswith(("//", "\\\\"))
    return not image and scheme in LINK_SCHEMES


def attribute_violation(tag: str, name: str, value: str | None, line: int) -> Violation | None:
    name = name.lower()
    shown = f"<{tag} {name}=\"{(value or '')[:60]}\">" if tag else f"{{: {name}=\"{(value or '')[:60]}\" }}"
    if name.startswith("on"):
        return Violation(line, "event", shown)
    # Other URL attributes (action, formaction, poster…) are not allowed at all, below.
    if name in ("href", "src") and value is not None and not url_allowed(value, image=(name == "src")):
        return Violation(line, "url", shown)
    if name in GLOBAL_ATTRIBUTES or name.startswith(("aria-", "data-")):
        return None
    if name == "style" and value is not None and _ALIGN_STYLE.fullmatch(value):
        return None
    allowed = ELEMENT_ATTRIBUTES.get(tag, frozenset())
    if not tag and any(name in names for names in ELEMENT_ATTRIBUTES.values()):
        # attr_list attaches to whatever element precedes it; judge the name alone there.
        return None
    if name in allowed:
        return None
    return Violation(line, "attribute", shown)


class _PolicyParser(HTMLParser):
    def __init__(self, generated: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.violations: list[Violation] = []
        self.generated = generated
        self._in_script = self._in_style = False

    def _line(self) -> int:
        return self.getpos()[0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self._line()
        if self.generated:
            self._generated(tag, attrs, line)
            return
        if tag not in ALLOWED_TAGS:
            self.violations.append(Violation(line, "tag", f"<{tag}>"))
            return
        for name, value in attrs:
            violation = attribute_violation(tag, name, value, line)
            if violation is not None:
                self.violations.append(violation)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.violations.append(Violation(self._line(), "tag", f"<script>{data.strip()[:40]}"))
        if self._in_style and _STYLE_LOADS.search(data):
            self.violations.append(Violation(self._line(), "tag", f"<style>{data.strip()[:40]}"))

    def _generated(self, tag: str, attrs: list[tuple[str, str | None]], line: int) -> None:
        source = dict(attrs).get("src") or ""
        if tag == "script" and source and not urlsplit(_URL_NOISE.sub("", source)).scheme and not source.startswith("//"):
            # The portal's own scripts (quiz.js, regulation.js), loaded from the site; never inline code.
            self._in_script = True
        elif tag == "style" and not attrs:
            # A template's own print rule (@page); it may load nothing.
            self._in_style = True
        elif tag in GENERATED_FORBIDDEN_TAGS:
            self.violations.append(Violation(line, "tag", f"<{tag}>"))
            return
        for name, value in attrs:
            name = name.lower()
            shown = f"<{tag} {name}=\"{(value or '')[:60]}\">"
            if name.startswith("on"):
                self.violations.append(Violation(line, "event", shown))
            elif name in _URL_ATTRIBUTES and value is not None and not url_allowed(value, image=(name != "href")):
                # Calendar subscriptions open in Outlook by their own scheme.
                if not (name == "href" and urlsplit(_URL_NOISE.sub("", value)).scheme.lower() == "webcal"):
                    self.violations.append(Violation(line, "url", shown))

    def unknown_decl(self, data: str) -> None:
        self.violations.append(Violation(self._line(), "tag", f"<![{data[:40]}"))


def check_html(html: str, generated: bool = False) -> list[Violation]:
    """Everything in ``html`` (a page's rendered body, or with ``generated`` a block the portal made) that the policy refuses."""
    if generated and not _GENERATED_RISK.search(html):
        # Nothing the generated policy refuses can be written without one of these.
        return []
    parser = _PolicyParser(generated)
    parser.feed(html)
    parser.close()
    return parser.violations


# -- Markdown source ------------------------------------------------------------------------

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)
# An escaped brace (\{) is text, not an attribute list.
_ATTR_LIST = re.compile(r"(?<!\\)\{:?[ ]*([^\}\n ][^\}\n]*)[ ]*\}")
_INLINE_LINK = re.compile(r"\]\(\s*<?([^\s)>]+)")
_REFERENCE = re.compile(r"^[ ]{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
# Markdown's autolinks, <https://…> and <name@host>: links, not tags.
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s@]+)>")
_IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(\s*<?([^\s)>]+)")


def _blank(text: str) -> str:
    # Keep line breaks so positions still map to the editor's lines.
    return re.sub(r"[^\n]", " ", text)


def without_code(body: str) -> str:
    """``body`` with fenced code blocks and code spans blanked: code shows markup, it does not run it.

    Every character keeps its place (blanks are spaces), so positions and lines still map to the file.
    """
    lines = body.split("\n")
    fence: str | None = None
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match[1][0] * len(match[1])
            lines[index] = _blank(line)
        elif fence is not None:
            if match and match[1].startswith(fence):
                fence = None
            lines[index] = _blank(line)
    return _CODE_SPAN.sub(lambda m: _blank(m[0]), "\n".join(lines))


def check_markdown(body: str, first_line: int = 1) -> list[Violation]:
    """Everything in a Markdown body that the policy refuses, with file lines.

    ``first_line`` is the file line on which ``body`` starts. Raw HTML is read by a real HTML
    parser; Markdown's own link syntax and attr_list blocks are judged by the same rules.
    """
    text = without_code(body)
    violations = [
        Violation(text.count("\n", 0, m.start()) + first_line, "url", m[0][:60])
        for m in _AUTOLINK.finditer(text)
        if "@" not in m[1].split(":", 1)[0] and not url_allowed(m[1], image=False)
    ]
    text = _AUTOLINK.sub(lambda m: _blank(m[0]), text)
    violations += [
        Violation(v.line + first_line - 1, v.kind, v.found)
        for v in check_html(text)
    ]
    for number, line in enumerate(text.split("\n"), start=first_line):
        for match in _ATTR_LIST.finditer(line):
            attrs, remainder = get_attrs_and_remainder(match[1])
            if remainder.strip():
                continue  # not an attribute list after all (Markdown leaves it as text)
            for name, value in attrs:
                if name in (".", "#"):
                    continue
                violation = attribute_violation("", name, value, number)
                if violation is not None:
                    violations.append(violation)
        images = {m.start(1) for m in _IMAGE_LINK.finditer(line)}
        for match in _INLINE_LINK.finditer(line):
            if not url_allowed(match[1], image=match.start(1) in images):
                violations.append(Violation(number, "url", f"({match[1][:60]})"))
        reference = _REFERENCE.match(line)
        if reference and not url_allowed(reference[1], image=False) and not url_allowed(reference[1], image=True):
            violations.append(Violation(number, "url", reference[0].strip()[:60]))
    return sorted(set(violations), key=lambda v: (v.line, v.found))
