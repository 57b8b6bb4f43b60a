"""Checks a finished build must pass before readers see it."""

from __future__ import annotations

import gzip
import html
import json
import posixpath
import os
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import icalendar

from ..inline_assets import FOLDER as INLINE_FOLDER, ThemeScripts
from ..structure.document import Document

# Files that cannot hold a document's text.
_BINARY = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".svgz", ".woff", ".woff2", ".ttf", ".eot", ".pdf", ".wasm", ".zip"}
_LINK_ATTRIBUTES = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"), ("iframe", "src")}
_SENTENCE_BREAK = re.compile(r"[，。；：！？、,.;:!?（）()“”\"《》\s#*_>|`\[\]-]+")
MAX_EXAMPLES = 5
_INDEX_VERSIONS = "search-index/v-"


@dataclass(frozen=True)
class PageLinks:
    """What the checks read from one page: link targets, script sources, inline scripts, event handlers."""

    targets: tuple[str, ...] = ()
    script_sources: tuple[str, ...] = ()
    inline_scripts: tuple[str, ...] = ()
    handlers: tuple[str, ...] = ()


class _PageParts(HTMLParser):
    """What the checks read from one page: link targets, scripts and event handlers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: list[str] = []
        self.script_sources: list[str] = []
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if (tag, name) in _LINK_ATTRIBUTES and value:
                self.targets.append(value)
        self.handlers += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]
        self.handlers += [f"<{tag} {name}=javascript:>" for name, value in attrs
                          if value and name in ("href", "src", "action") and _SCRIPT_URL.match(value)]
        if tag == "script":
            if values.get("src"):
                self.script_sources.append(values["src"] or "")
            elif (values.get("type") or "").lower() != "application/json":
                self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data.strip())


_SCRIPT_URL = re.compile(r"^[\x00-\x20]*(?:java|vb)script:", re.I)


def _pages(site: Path, known: dict[str, PageLinks], files: set[str]) -> Iterator[tuple[str, PageLinks]]:
    """Each HTML page of ``files``: as ``known`` records it (a page linked unchanged from the live release), else parsed."""
    for relative in sorted((name for name in files if name.endswith(".html")), key=lambda name: name.split("/")):
        if relative in known:
            yield relative, known[relative]
            continue
        parts = _PageParts()
        parts.feed((site / relative).read_text(encoding="utf-8", errors="replace"))
        yield relative, PageLinks(tuple(parts.targets), tuple(parts.script_sources), tuple(parts.inline_scripts), tuple(parts.handlers))


def release_files(site: Path) -> set[str]:
    """Every file of the release, by its path in it."""
    found = set()
    for current, _, names in os.walk(site):
        relative = os.path.relpath(current, site).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        found.update(prefix + name for name in names)
    return found


def _exists(files: set[str], path: str) -> bool:
    normal = posixpath.normpath(path.lstrip("/"))
    normal = "" if normal == "." else normal
    return normal in files or (f"{normal}/index.html" if normal else "index.html") in files


def _site_relative(here: str, path: str, site_path: str) -> str | None:
    """``path`` (from the page ``here``) relative to the site root; None when it leaves the site."""
    if path.startswith("/"):
        return path[len(site_path):] if path.startswith(site_path) else None
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(here), path))
    return None if resolved.startswith("..") else resolved


def _broken_links_of(files: set[str], here: str, parts: PageLinks, site_path: str) -> list[str]:
    broken = []
    for target in parts.targets:
        split = urlsplit(target)
        if split.scheme or split.netloc or not split.path:
            continue
        resolved = _site_relative(here, unquote(split.path), site_path)
        if resolved is None or not _exists(files, resolved):
            broken.append(f"{here}: {target}")
    return broken


def _foreign_scripts_of(
    site: Path, here: str, parts: PageLinks, theme_scripts: ThemeScripts, site_path: str, judged: dict[Path, bool]
) -> list[str]:
    found = [f"{here}：内嵌脚本“{script[:40]}”" for script in parts.inline_scripts]
    found += [f"{here}：事件处理属性 {handler}" for handler in parts.handlers]
    for source in parts.script_sources:
        split = urlsplit(source)
        if split.scheme or split.netloc:
            found.append(f"{here}：外部脚本 {source}")
            continue
        resolved = _site_relative(here, unquote(split.path), site_path) or unquote(split.path)
        if resolved.startswith(INLINE_FOLDER + "/"):
            if not _theme_script(site / resolved, theme_scripts, judged):
                found.append(f"{here}：{resolved} 不是主题自带的脚本")
        elif not resolved.startswith("assets/"):
            found.append(f"{here}：脚本 {resolved} 不在 assets/ 中")
    return found


def _theme_script(target: Path, theme_scripts: ThemeScripts, judged: dict[Path, bool]) -> bool:
    """Whether the inline-script file ``target`` is one the theme writes, or absent; ``judged`` remembers each file."""
    if target not in judged:
        judged[target] = not target.is_file() or theme_scripts.allows(target.read_text(encoding="utf-8", errors="replace"))
    return judged[target]


def foreign_scripts(site: Path, theme_scripts: ThemeScripts, site_path: str = "/") -> list[str]:
    """Scripts in the release that are not the theme's or Qinglian's own files.

    The build refuses such scripts already; this is the second line of defence, judged on
    the files that would go live.
    """
    judged: dict[Path, bool] = {}
    return [item for here, parts in _pages(site, {}, release_files(site)) for item in _foreign_scripts_of(site, here, parts, theme_scripts, site_path, judged)]


def probes(document: Document) -> list[str]:
    """Strings that would show a document's presence: its title and its longest phrases."""
    phrases = sorted({p for p in _SENTENCE_BREAK.split(document.body) if len(p) >= 8}, key=len, reverse=True)
    return [document.title, *phrases[:3]]


def readable_text(path: Path) -> str:
    """A file's text as a reader or a search engine would see it, whatever its encoding."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    text = data.decode("utf-8", errors="replace")
    if path.name.endswith((".json", ".json.gz")):
        try:
            # Search indexes escape Chinese as \uXXXX; decode so a title is found either way.
            text += json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return html.unescape(text)


def leaks(site: Path, withheld: list[Document], page_of: dict[str, str], unchanged: Collection[str] = (), checked: Collection[str] = ()) -> list[str]:
    found = []
    for document in withheld:
        if (site / page_of[document.key]).exists():
            found.append(f"{page_of[document.key]}：未发布文档 {document.key} 的页面")
    return found + text_leaks(site, withheld, unchanged, checked)


def text_leaks(site: Path, withheld: list[Document], unchanged: Collection[str] = (), checked: Collection[str] = ()) -> list[str]:
    """Files under ``site`` holding a withheld document's title or phrases.

    ``unchanged`` files are the live release's, byte for byte, which was searched for the
    ``checked`` phrases when it went live: only the other phrases are looked for in them.
    """
    found: list[str] = []
    needles = [(d, p) for d in withheld for p in probes(d)]
    if not needles:
        return found
    fresh = [(d, p) for d, p in needles if p not in checked]
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix.lower() in _BINARY:
            continue
        wanted = fresh if path.relative_to(site).as_posix() in unchanged else needles
        if not wanted:
            continue
        text = readable_text(path)
        for document, needle in wanted:
            if needle in text:
                found.append(f"{path.relative_to(site).as_posix()}：含有未发布文档 {document.key} 的“{needle[:30]}”")
    return found


def unreadable_files(site: Path, json_files: list[str], feeds: list[str]) -> list[str]:
    problems = []
    for name in json_files:
        try:
            json.loads((site / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{name}：搜索索引缺失或无法解析（{exc.__class__.__name__}）")
    for name in feeds:
        try:
            calendar = icalendar.Calendar.from_ical((site / name).read_bytes())
            if not calendar.walk("VEVENT"):
                problems.append(f"{name}：日历订阅中没有学习安排")
        except (OSError, ValueError) as exc:
            problems.append(f"{name}：日历订阅缺失或无法解析（{exc}）")
    return problems


def verify_release(
    site: Path,
    published: dict[str, str],
    withheld: list[Document],
    withheld_pages: dict[str, str],
    search_indexes: list[str],
    feeds: list[str],
    site_path: str = "/",
    theme_scripts: ThemeScripts | None = None,
    known: dict[str, PageLinks] | None = None,
    checked: Collection[str] = (),
    read: dict[str, PageLinks] | None = None,
    live: Path | None = None,
) -> list[str]:
    """Every reason the release in ``site`` must not go live; empty when it may.

    ``known``: pages linked unchanged from the live release (in ``live``), with what its
    verification read from them (the link graph kept with it), and the withheld phrases it
    was searched for (``checked``); only the other pages are read again. Their links all led
    somewhere in the live release, so while the new release keeps every file of it, they
    still do; when a file is gone, every link is followed again. ``read`` receives every
    page's links.
    """
    files = release_files(site)
    # The search index versions a release keeps from earlier ones are carried over after verification.
    kept_all = live is not None and {f for f in release_files(live) if not f.startswith(_INDEX_VERSIONS)} <= files
    judged: dict[Path, bool] = {}
    problems = [f"{page}：文档 {key} 的页面缺失" for key, page in published.items() if page not in files]
    links: list[str] = []
    scripts: list[str] = []
    for here, parts in _pages(site, known or {}, files):
        if read is not None:
            read[here] = parts
        if not (kept_all and known and here in known):
            links += _broken_links_of(files, here, parts, site_path)
        if theme_scripts is not None:
            scripts += _foreign_scripts_of(site, here, parts, theme_scripts, site_path, judged)
    problems += [f"站内链接无法打开：{link}" for link in links[:MAX_EXAMPLES]]
    if len(links) > MAX_EXAMPLES:
        problems.append(f"……另有 {len(links) - MAX_EXAMPLES} 个无法打开的站内链接")
    problems += unreadable_files(site, search_indexes, feeds)
    problems += leaks(site, withheld, withheld_pages, set(known or {}), checked)
    if scripts:
        problems += scripts[:MAX_EXAMPLES]
        if len(scripts) > MAX_EXAMPLES:
            problems.append(f"……另有 {len(scripts) - MAX_EXAMPLES} 处不允许的脚本")
    return problems
