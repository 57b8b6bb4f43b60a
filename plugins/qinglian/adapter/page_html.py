"""A page's text on its way through the engine: Markdown in, checked and finished HTML out."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from ..content.html_policy import check_html
from ..content.links import unlink_withheld
from ..content.loader import LoadResult
from ..inline_assets import ForeignScript, InlineAssets
from ..structure.document import Document
from ..structure.problems import display_path
from ..views.pages import GeneratedHtmlRefused, PortalViews, StaleBlock
from ..views.search_box import with_search_box

log = get_plugin_logger(__name__)


def shown_path(page: Page, document: Document | None, root: Path) -> str:
    """The page's file as messages name it."""
    if document is not None:
        return document.shown_path
    return display_path(Path(page.file.abs_src_path), root) if page.file.abs_src_path else page.file.src_uri


def read_source(page: Page, shown: Callable[[], str]) -> str | None:
    """The page's file as MkDocs would read it; a file moved away during the build is an error, not a traceback."""
    path = page.file.abs_src_path
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None
    except OSError:
        raise PluginError(
            f"{shown()}: 文件在生成过程中被移动、改名或删除。网站没有生成，原有输出保持不变；请再生成一次。"
        ) from None


def escape_meta(page: Page) -> None:
    # The theme prints these as HTML; a value from front matter is text.
    for key in ("title", "description", "subtitle"):
        if isinstance(page.meta.get(key), str):
            page.meta[key] = html.escape(page.meta[key])


def without_withheld_links(
    markdown: str, page: Page, document: Document | None, loaded: LoadResult, withheld: dict[str, Document], root: Path
) -> str:
    """Links to ``withheld`` documents (by source path) become plain text, each with a warning."""
    if not withheld:
        return markdown
    unlinked, links = unlink_withheld(markdown, page.file.src_uri, 1, withheld)
    if not links:
        return markdown
    # MkDocs hands over the text without its front matter; find where it starts in the file.
    source = page.file.content_string
    offset = source.count("\n", 0, max(source.find(markdown[:80]), 0))
    shown = document.shown_path if document else display_path(Path(page.file.abs_src_path or page.file.src_path), root)
    for link in links:
        reason = link.document.withheld(loaded.today)
        log.warning(
            f"{shown}:{link.line + offset}: 链接“{link.text}”指向未发布的文档 {link.document.key}"
            f"（{reason.value if reason else ''}），已显示为普通文字。"
        )
    return unlinked


def checked_body(body: str, shown: str, views: PortalViews, exempt: bool) -> str:
    """The body Markdown made, checked against the raw-HTML policy, with the portal's blocks filled in."""
    # The sources passed the policy before the build began; this is the second line of
    # defence, on what Markdown actually made of them.
    if not exempt:
        violations = check_html(body)
        if violations:
            found = "、".join(v.found for v in violations[:3])
            raise PluginError(f"{shown}: 正文应只含允许的 HTML，实际含有 {found}。{violations[0].hint}")
    try:
        return views.fill(body)
    except GeneratedHtmlRefused as exc:
        raise PluginError(f"{shown}: 网站生成的区块含有不允许的 HTML {exc}；请把这条信息报告给开发人员。") from None
    except StaleBlock as exc:
        raise PluginError(
            f"{shown}: 列表区块 {exc} 的内容与页面依赖记录不符。网站没有生成，原有输出保持不变；"
            "请删除缓存文件夹中的 cache.sqlite 后重新生成，并把这条信息报告给开发人员。"
        ) from None


def finished_page(output: str, root: str, shown: str, inline_assets: InlineAssets, search: bool) -> str:
    """The theme's page with the search box, and its inline scripts and styles moved to files."""
    if search:
        output = with_search_box(output, root or "./")
    try:
        return inline_assets.externalise(output, root)
    except ForeignScript as exc:
        raise PluginError(
            f"{shown}: 页面中出现了主题之外的内嵌脚本（{exc.script[:80]!r}）。"
            "脚本不会被发布；请检查该页面的正文、元数据和模板。"
        ) from None


def finished_template(output: str, template_name: str, site_url: str, inline_assets: InlineAssets, search: bool) -> str:
    """A page the theme makes without a source (the 404 page): finished like the others, reaching the root by an absolute path."""
    if not template_name.endswith(".html"):
        return output
    # The 404 page is served at any address.
    root = urlsplit(site_url or "/").path or "/"
    root = root if root.endswith("/") else root + "/"
    return finished_page(output, root, template_name, inline_assets, search)


def prepared_meta(page: Page, document: Document | None) -> None:
    """Metadata escaped for display; a quiz is a task of its own, the section navigation would only add weight."""
    escape_meta(page)
    if document is not None and document.collection.name == "quizzes":
        page.meta.setdefault("hide", ["navigation"])


def refuse_unknown_templates(files: Files, templates: dict[str, str], root: Path) -> None:
    """A page whose ``template:`` the theme does not have would stop the engine with a traceback: name it instead."""
    for file in files.documentation_pages():
        wanted = file.page.meta.get("template") if file.page is not None else None
        if wanted is not None and (not isinstance(wanted, str) or wanted not in templates):
            shown = display_path(Path(file.abs_src_path), root) if file.abs_src_path else file.src_uri
            raise PluginError(
                f"{shown}: 字段“template”应为主题中已有的模板（如 main.html），实际为“{wanted}”。请删去这一行，或改为已有的模板名。"
            )
